"""The case page: the platform's case file, with what the case's pack adds to it (its panels and their view).

Every process has the one case page (``templates/cases/generic_case.html``); a pack adds panels to it
(``Pack.case_panels``) and a loader of what they read that the case file does not hold (``Pack.case_view``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from service.cases.case_file import CaseFile, load_case_file
from service.cases.reading import refuse_unless_may_read
from service.packs.registry import pack_for
from service.people.actors import Actor

if TYPE_CHECKING:
    from service.casework import Casework

@dataclass(frozen=True)
class CasePage:
    file: CaseFile
    panels: tuple[str, ...] = ()  # the pack's panel templates (Pack.case_panels)
    view: Any = None  # what the pack's panels read (Pack.case_view), or None
    # Messages the pack records on pages of its own: name -> (endpoint, button words).
    message_pages: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def load_case_page(casework: Casework, actor: Actor, reference: str) -> CasePage:
    """The case, once ``actor`` is known to be allowed to read it."""
    file = load_case_file(casework, reference)
    refuse_unless_may_read(actor, file.summary.version.process_id)
    pack = pack_for(file.summary.version.process_id)
    if pack is None:
        return CasePage(file)
    return CasePage(file, panels=pack.case_panels, message_pages=pack.message_pages,
                    view=pack.case_view(casework, file.summary.case) if pack.case_view else None)
