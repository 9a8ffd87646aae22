"""Queries and changes for retention, anonymisation and the data-protection officer's tools."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from service.models import (
    AccessLogEntry,
    Adjustment,
    Case,
    Customer,
    HumanTask,
    Incident,
    ProcessInstance,
    Restriction,
    TaskReassignment,
)


def list_closed_cases_kept(session: Session) -> Sequence[Case]:
    """Closed cases not yet anonymised, oldest closure first."""
    return session.scalars(
        select(Case).where(Case.status == "closed", Case.anonymised_at.is_(None)).order_by(Case.closed_at, Case.id)
    ).all()


def incident_answers(session: Session, case_ids: Sequence[int]) -> Sequence[tuple[int, list[Any], dict[str, Any]]]:
    """(case id, behaviour categories, answers) of every incident on these cases."""
    if not case_ids:
        return []
    return session.execute(
        select(Incident.case_id, Incident.categories, Incident.details).where(Incident.case_id.in_(case_ids))
    ).all()


def completed_task_answers(
    session: Session, case_ids: Sequence[int]
) -> Sequence[tuple[int, int, str, dict[str, Any] | None]]:
    """(case id, process version id, element id, answers) of every completed task on these cases."""
    if not case_ids:
        return []
    return session.execute(
        select(HumanTask.case_id, ProcessInstance.process_version_id, HumanTask.element_id, HumanTask.data)
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(HumanTask.case_id.in_(case_ids), HumanTask.status == "completed")
    ).all()


def cases_with_adjustments(session: Session, case_ids: Sequence[int]) -> set[int]:
    if not case_ids:
        return set()
    return set(session.scalars(select(Adjustment.case_id).where(Adjustment.case_id.in_(case_ids)).distinct()))


def cases_with_restrictions(session: Session, case_ids: Sequence[int]) -> set[int]:
    if not case_ids:
        return set()
    return set(session.scalars(select(Restriction.case_id).where(Restriction.case_id.in_(case_ids)).distinct()))


def count_cases_kept(session: Session, customer_id: int, *, other_than: int) -> int:
    """How many of the customer's cases, besides ``other_than``, still hold their personal data."""
    return session.scalar(
        select(func.count()).select_from(Case)
        .where(Case.customer_id == customer_id, Case.id != other_than, Case.anonymised_at.is_(None))
    ) or 0


def list_reassignments(session: Session, task_ids: Sequence[str]) -> Sequence[TaskReassignment]:
    if not task_ids:
        return []
    return session.scalars(
        select(TaskReassignment).where(TaskReassignment.task_id.in_(task_ids)).order_by(TaskReassignment.at)
    ).all()


def add_customer(session: Session, customer: Customer) -> Customer:
    session.add(customer)
    session.flush()
    return customer


def move_case_to_customer(session: Session, case: Case, customer_id: int) -> None:
    """The case and the records filed against its customer follow it to another customer row."""
    for model in (Incident, Restriction):
        session.execute(
            update(model).where(model.case_id == case.id).values(customer_id=customer_id)
            .execution_options(synchronize_session=False)
        )
    case.customer_id = customer_id


def rename_access_log_subject(session: Session, kind: str, old: str, new: str) -> None:
    """The one change to the access log: an anonymised customer's reference is replaced in it, so the
    log keeps who looked and when without keeping whom they looked at."""
    session.execute(
        update(AccessLogEntry)
        .where(AccessLogEntry.subject_kind == kind, AccessLogEntry.subject_reference == old)
        .values(subject_reference=new)
        .execution_options(synchronize_session=False)
    )


def list_access_entries(session: Session, customer_reference: str,
                        case_references: Sequence[str]) -> Sequence[AccessLogEntry]:
    """Every access-log entry about the customer, their cases and their cases' letters, oldest first."""
    about = [and_(AccessLogEntry.subject_kind == "customer", AccessLogEntry.subject_reference == customer_reference)]
    if case_references:
        about.append(and_(AccessLogEntry.subject_kind == "case",
                          AccessLogEntry.subject_reference.in_(list(case_references))))
        about += [and_(AccessLogEntry.subject_kind == "letter",
                       AccessLogEntry.subject_reference.startswith(f"{reference}/", autoescape=True))
                  for reference in case_references]
    return session.scalars(
        select(AccessLogEntry).where(or_(*about)).order_by(AccessLogEntry.at, AccessLogEntry.id)
    ).all()


def version_ids_of_cases(session: Session, case_ids: Sequence[int]) -> dict[int, int]:
    """Case id -> the process version its instance runs."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(Case.id, ProcessInstance.process_version_id)
        .join(ProcessInstance, ProcessInstance.id == Case.instance_id).where(Case.id.in_(list(case_ids)))
    )
    return {case_id: version_id for case_id, version_id in rows}
