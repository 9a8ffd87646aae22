from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import Case, ProcessDraft, ProcessInstance, ProcessVersion


def get_version(session: Session, version_id: int) -> ProcessVersion | None:
    return session.get(ProcessVersion, version_id)


def process_id_of_case(session: Session, case_id: int) -> str | None:
    """The process a case runs (through its instance's version), or None for no such case."""
    return session.scalar(
        select(ProcessVersion.process_id)
        .join(ProcessInstance, ProcessInstance.process_version_id == ProcessVersion.id)
        .join(Case, Case.instance_id == ProcessInstance.id)
        .where(Case.id == case_id)
    )


def get_numbered_version(session: Session, process_id: str, number: int) -> ProcessVersion | None:
    return session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id, ProcessVersion.version == number)
    )


def get_latest_version(session: Session, process_id: str) -> ProcessVersion | None:
    return session.scalar(
        select(ProcessVersion)
        .where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    )


def next_version_number(session: Session, process_id: str) -> int:
    highest = session.scalar(
        select(func.max(ProcessVersion.version)).where(ProcessVersion.process_id == process_id)
    )
    return (highest or 0) + 1


def list_versions(session: Session, process_id: str | None = None) -> Sequence[ProcessVersion]:
    query = select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version.desc())
    if process_id is not None:
        query = query.where(ProcessVersion.process_id == process_id)
    return session.scalars(query).all()


def add_version(session: Session, version: ProcessVersion) -> ProcessVersion:
    session.add(version)
    session.flush()
    return version


def get_version_by_number(session: Session, process_id: str, number: int) -> ProcessVersion | None:
    return session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id, ProcessVersion.version == number)
    )


def add_draft(session: Session, draft: ProcessDraft) -> ProcessDraft:
    session.add(draft)
    session.flush()
    return draft


def get_draft(session: Session, process_id: str, draft_id: int) -> ProcessDraft | None:
    draft = session.get(ProcessDraft, draft_id)
    return draft if draft is not None and draft.process_id == process_id else None


def list_drafts(session: Session, process_id: str | None = None, limit: int = 20) -> Sequence[ProcessDraft]:
    query = select(ProcessDraft).order_by(ProcessDraft.saved_at.desc(), ProcessDraft.id.desc()).limit(limit)
    if process_id is not None:
        query = query.where(ProcessDraft.process_id == process_id)
    return session.scalars(query).all()


def list_version_ids(session: Session) -> Sequence[int]:
    return session.scalars(select(ProcessVersion.id).order_by(ProcessVersion.id)).all()
