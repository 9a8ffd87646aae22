"""Caseload: my cases, the team's cases, the workload, and handing a leaver's or an absent person's
work to someone else with a reason (each task through the one reassignment path, so every rule and
audit entry of a single reassignment applies; refusals are listed, not hidden)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from service.cases.errors import CaseworkError, FieldProblem, InvalidInput, NotAllowed
from service.dao import caseload_dao, instances_dao, users_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.caseload_dao import CASE_SORTS as CASE_SORTS  # the pages offer these
from service.dao.caseload_dao import CaseloadFilters
from service.history.audit_trail import record_on_case
from service.models import Case, HumanTask
from service.people.actors import Actor
from service.people.roles import MANAGERS
from service.tasks.inbox_actions import reassign


@dataclass
class HandOver:
    moved: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (task name and case, why)
    cases: int = 0


def my_cases(casework, actor: Actor, filters: CaseloadFilters):
    with casework.db.reading() as session:
        return caseload_dao.open_cases(session, casework.clock.now(), filters, holder_id=actor.user_id)


def team_cases(casework, actor: Actor, filters: CaseloadFilters):
    _require_manager(actor)
    with casework.db.reading() as session:
        return caseload_dao.open_cases(session, casework.clock.now(), filters)


def workload(casework, actor: Actor):
    _require_manager(actor)
    with casework.db.reading() as session:
        return caseload_dao.workload(session, casework.clock.now())


def hand_over(casework, actor: Actor, from_user_id: int, to_user_id: int, reason: str, *,
              with_cases: bool) -> HandOver:
    _require_manager(actor)
    reason = reason.strip()
    problems = []
    if not reason:
        problems.append(FieldProblem("reason", "Enter why the work is being handed over"))
    if from_user_id == to_user_id:
        problems.append(FieldProblem("to_user", "Choose someone other than the person whose work this is"))
    with casework.db.reading() as session:
        target = users_dao.get_user(session, to_user_id)
        task_ids = caseload_dao.open_task_ids_held_by(session, from_user_id)
        labels = {task_id: f"‘{name}’ on {reference}" for task_id, name, reference in session.execute(
            select(HumanTask.id, HumanTask.name, Case.reference).join(Case, Case.id == HumanTask.case_id)
            .where(HumanTask.id.in_(task_ids)))}
    if target is None or not target.active or target.is_service_account:
        problems.append(FieldProblem("to_user", "Choose an active person to take the work"))
    if problems:
        raise InvalidInput(problems)
    result = HandOver()
    for task_id in task_ids:
        try:
            reassign(casework, actor, task_id, {"assignee": str(to_user_id), "reason": reason})
        except InvalidInput:
            result.refused.append((labels.get(task_id, task_id), f"{target.full_name} may not take this task "
                                                                  "(their role, or the policy's separation of duties)"))
        except CaseworkError as refused:
            result.refused.append((labels.get(task_id, task_id), refused.message))
        else:
            result.moved.append(labels.get(task_id, task_id))
    if with_cases:
        result.cases = _hand_over_cases(casework, actor, from_user_id, target, reason)
    return result


def _hand_over_cases(casework, actor: Actor, from_user_id: int, target, reason: str) -> int:
    now = casework.clock.now()
    with casework.db.transaction() as session:
        cases = session.scalars(select(Case).where(Case.owner_id == from_user_id, Case.status == "open")).all()
        for case in cases:
            case.owner_id = target.id
            instance = instances_dao.get_instance(session, case.instance_id)
            record_on_case(session, instance, [NewAuditEvent(
                "owner_changed", actor.user_id, list(actor.roles),
                data={"from_user_id": from_user_id, "to_user_id": target.id, "to_name": target.full_name,
                      "reason": reason})], now)
        return len(cases)


def _require_manager(actor: Actor) -> None:
    if not actor.has_any_role(MANAGERS):
        raise NotAllowed("Only those who manage work can see the team's work.")
