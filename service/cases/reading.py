"""Who may read a case: a pack may narrow it (the policy's cases hold customers' details)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from service.cases.errors import NotAllowed, NotFound
from service.casework import Casework
from service.dao import cases_dao, instances_dao, processes_dao, tasks_dao
from service.dao.process_scope import ProcessScope
from service.models import Case, HumanTask
from service.packs.registry import Pack, SubjectSummary, pack_for, packs, subject_of
from service.people.actors import Actor
from service.people.roles import CASE_READERS


def _readers(pack: Pack | None) -> tuple[str, ...]:
    return pack.case_readers if pack and pack.case_readers else CASE_READERS


def refuse_unless_may_read(actor: Actor, process_id: str) -> None:
    if not actor.has_any_role(_readers(pack_for(process_id))):
        raise NotAllowed("You cannot see cases of this process.")


def readable_processes(actor: Actor) -> ProcessScope:
    """The processes whose cases ``actor`` may read, by the same rule as ``refuse_unless_may_read``: every
    process but those of the packs that do not admit them, for someone who reads a process without a pack;
    else only those of the packs that admit them."""
    admitted: list[str] = []
    refused: list[str] = []
    for pack in packs().values():
        (admitted if actor.has_any_role(_readers(pack)) else refused).extend(pack.process_ids)
    if actor.has_any_role(CASE_READERS):
        return ProcessScope(never=tuple(refused))
    return ProcessScope(only=tuple(admitted))


@dataclass(frozen=True)
class CaseRecord:
    """One case as the API shows it: read in one session, after the reader's right to see it is checked."""

    case: Case
    process_id: str
    subject: SubjectSummary | None  # who the case is about (Pack.subject), or None
    extras: Mapping[str, Any]  # the fields the case's pack adds (Pack.case_api_extras)
    open_tasks: list[HumanTask]


def load_case_record(casework: Casework, actor: Actor, reference: str) -> CaseRecord:
    with casework.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, reference.strip().upper())
        if case is None:
            raise NotFound("There is no case with that reference.")
        instance = instances_dao.get_instance(session, case.instance_id)
        process_id = processes_dao.get_version(session, instance.process_version_id).process_id
        refuse_unless_may_read(actor, process_id)
        pack = pack_for(process_id)
        return CaseRecord(
            case=case,
            process_id=process_id,
            subject=subject_of(session, case, process_id),
            extras=dict(pack.case_api_extras(session, case)) if pack and pack.case_api_extras else {},
            open_tasks=[t for t in tasks_dao.list_tasks_of_case(session, case.id) if t.status == "open"],
        )
