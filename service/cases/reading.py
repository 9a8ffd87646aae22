"""Who may read a case: a pack may narrow it (the policy's cases hold customers' details)."""

from __future__ import annotations

from service.casework.actors import TASK_WORKER, Actor
from service.casework.errors import NotAllowed
from service.packs.registry import pack_for

GENERIC_CASE_PAGE = "cases/generic_case.html"


def refuse_unless_may_read(actor: Actor, process_id: str) -> None:
    pack = pack_for(process_id)
    readers = pack.case_readers if pack and pack.case_readers else (TASK_WORKER, "auditor")
    if not actor.has_any_role(readers):
        raise NotAllowed("You cannot see cases of this process.")


def case_page_template(process_id: str) -> str:
    pack = pack_for(process_id)
    return pack.case_page if pack and pack.case_page else GENERIC_CASE_PAGE
