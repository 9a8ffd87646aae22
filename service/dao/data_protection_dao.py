"""Queries and changes for retention and anonymisation: the platform's records of a case."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.models import AccessLogEntry, Case, HumanTask, ProcessInstance, TaskReassignment


def list_closed_cases_kept(session: Session) -> Sequence[Case]:
    """Closed cases not yet anonymised, oldest closure first."""
    return session.scalars(
        select(Case).where(Case.status == "closed", Case.anonymised_at.is_(None)).order_by(Case.closed_at, Case.id)
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


def list_reassignments(session: Session, task_ids: Sequence[str]) -> Sequence[TaskReassignment]:
    if not task_ids:
        return []
    return session.scalars(
        select(TaskReassignment).where(TaskReassignment.task_id.in_(task_ids)).order_by(TaskReassignment.at)
    ).all()


def rename_access_log_subject(session: Session, kind: str, old: str, new: str) -> None:
    """The one change to the access log: an anonymised person's reference is replaced in it, so the
    log keeps who looked and when without keeping whom they looked at."""
    session.execute(
        update(AccessLogEntry)
        .where(AccessLogEntry.subject_kind == kind, AccessLogEntry.subject_reference == old)
        .values(subject_reference=new)
        .execution_options(synchronize_session=False)
    )


def version_ids_of_cases(session: Session, case_ids: Sequence[int]) -> dict[int, int]:
    """Case id -> the process version its instance runs."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(Case.id, ProcessInstance.process_version_id)
        .join(ProcessInstance, ProcessInstance.id == Case.instance_id).where(Case.id.in_(list(case_ids)))
    )
    return {case_id: version_id for case_id, version_id in rows}
