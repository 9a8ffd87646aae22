from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.dao.process_scope import ProcessScope
from service.models import Case, CaseActor, CaseNote, ProcessInstance, ProcessVersion
from service.packs.registry import subject_columns


def get_case(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def get_case_by_reference(session: Session, reference: str) -> Case | None:
    return session.scalar(select(Case).where(Case.reference == reference))


def get_case_by_instance(session: Session, instance_id: int) -> Case:
    return session.scalars(select(Case).where(Case.instance_id == instance_id)).one()


def cases_by_instance(session: Session, instance_ids: Sequence[int]) -> dict[int, Case]:
    """{instance id: case} for a batch of instances, in one query."""
    if not instance_ids:
        return {}
    return {case.instance_id: case
            for case in session.scalars(select(Case).where(Case.instance_id.in_(list(instance_ids))))}


def add_case(session: Session, case: Case) -> Case:
    session.add(case)
    session.flush()
    return case


_PROGRESS = ("stage", "outcome", "status", "closed_at")
_SAVE_PROGRESS = (
    Case.__table__.update()
    .where(Case.__table__.c.id == bindparam("case_id"))
    .values({name: bindparam(f"v_{name}") for name in _PROGRESS})
)


def save_case_progress(session: Session, case: Case, **progress: Any) -> None:
    """Write where the case stands (stage, outcome, status, closed_at) with one statement built once, and
    mirror it on the object without marking it dirty (a plain setattr would flush a second UPDATE)."""
    values = {name: progress.get(name, getattr(case, name)) for name in _PROGRESS}
    session.connection().execute(_SAVE_PROGRESS, {"case_id": case.id, **{f"v_{k}": v for k, v in values.items()}})
    for name, value in values.items():
        set_committed_value(case, name, value)


def list_actors(session: Session, case_id: int) -> Sequence[CaseActor]:
    return session.scalars(select(CaseActor).where(CaseActor.case_id == case_id).order_by(CaseActor.at)).all()


def latest_actor(session: Session, case_id: int, role: str) -> int | None:
    """Who last acted in ``role`` on the case (the appeal's hearer, say)."""
    return session.scalar(
        select(CaseActor.user_id).where(CaseActor.case_id == case_id, CaseActor.role == role)
        .order_by(CaseActor.at.desc(), CaseActor.id.desc()).limit(1)
    )


def list_notes(session: Session, case_id: int) -> Sequence[CaseNote]:
    return session.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.created_at)).all()


def page_of_cases(
    session: Session, *, scope: ProcessScope, status: str | None, subject_reference: str | None, page: int, size: int
) -> tuple[list[tuple[Case, str | None, str | None, str | None]], int]:
    """A page of the cases of the processes in ``scope``, newest first, each with its subject's reference and name
    and the pack whose subject it is (``registry.subject_columns``), and how many there are in all."""
    subject = subject_columns(select(Case))
    query = (subject.query.add_columns(subject.reference, subject.name, subject.pack)
             .join(ProcessInstance, ProcessInstance.id == Case.instance_id)
             .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
             .where(scope.clause(ProcessVersion.process_id)))
    if status:
        query = query.where(Case.status == status)
    if subject_reference:
        query = query.where(subject.reference == subject_reference.strip().upper())
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.order_by(Case.opened_at.desc(), Case.id.desc()).limit(size).offset((page - 1) * size))
    return [tuple(row) for row in rows], total
