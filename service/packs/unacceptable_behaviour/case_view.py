"""What the policy's panels on the case page read beside the platform's case file: the case's
restrictions (in force or not) and its letters (sent and drafts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.models import Case, Letter, Restriction
from service.packs.unacceptable_behaviour.dao import letters_dao, records_dao

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class PolicyCaseView:
    restrictions: Sequence[Restriction]  # every restriction imposed on this case, whatever became of it
    letters: Sequence[Letter]  # content not loaded: each is downloaded from its own link

    @property
    def sent_letters(self) -> list[Letter]:
        return [letter for letter in self.letters if letter.status == "sent"]

    @property
    def draft_letters(self) -> list[Letter]:
        return [letter for letter in self.letters if letter.status == "draft"]


def load_case_view(casework: Casework, case: Case) -> PolicyCaseView:
    with casework.db.reading() as session:
        return PolicyCaseView(restrictions=records_dao.list_restrictions_of_case(session, case.id),
                              letters=letters_dao.list_letters_of_case(session, case.id))
