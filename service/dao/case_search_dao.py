"""Finding cases for auditors: by status, current step, dates, outcome, process version and who a case is about
(its subject, ``Pack.subject``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from service.models import Case, ProcessInstance, ProcessVersion
from service.packs.registry import subject_columns


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None  # "open" or "closed"
    stage: str | None = None
    outcome: str | None = None
    version_id: int | None = None
    opened_from: datetime | None = None  # instants: the start of the first London day wanted
    opened_before: datetime | None = None  # and the start of the day after the last
    text: str | None = None  # part of a case reference, or of its subject's reference or name


@dataclass(frozen=True)
class CaseRow:
    reference: str
    subject_reference: str | None  # None: the case is about no one its process's pack names
    subject_name: str | None
    status: str
    stage: str
    opened_at: datetime
    closed_at: datetime | None
    outcome: str | None
    process_id: str
    version: int


@dataclass(frozen=True)
class FilterChoices:
    stages: list[str]
    outcomes: list[str]
    versions: list[tuple[int, str, int]]  # (id, process id, version number)


def _query(filters: CaseFilters) -> Select:
    subject = subject_columns(select(Case.reference))
    query = (
        subject.query.add_columns(subject.reference, subject.name, Case.status, Case.stage, Case.opened_at,
                                  Case.closed_at, Case.outcome, ProcessVersion.process_id, ProcessVersion.version)
        .join(ProcessInstance, ProcessInstance.id == Case.instance_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
    )
    equal = ((Case.status, filters.status), (Case.stage, filters.stage), (Case.outcome, filters.outcome),
             (ProcessVersion.id, filters.version_id))
    query = query.where(*(column == value for column, value in equal if value))
    if filters.opened_from:
        query = query.where(Case.opened_at >= filters.opened_from)
    if filters.opened_before:
        query = query.where(Case.opened_at < filters.opened_before)
    if filters.text:
        pattern = f"%{filters.text}%"
        query = query.where(or_(Case.reference.ilike(pattern), subject.reference.ilike(pattern),
                                subject.name.ilike(pattern)))
    return query


def page_of_cases(session: Session, filters: CaseFilters, *, page: int, size: int) -> tuple[list[CaseRow], int]:
    """The page of matching cases (newest first) and how many match in all."""
    query = _query(filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.order_by(Case.opened_at.desc(), Case.id.desc()).limit(size).offset((page - 1) * size))
    return [CaseRow(*row) for row in rows], total


def stream_cases(session: Session, filters: CaseFilters, chunk: int = 500) -> Iterator[CaseRow]:
    """Every matching case, oldest first, fetched a chunk at a time."""
    query = _query(filters).order_by(Case.opened_at, Case.id).execution_options(yield_per=chunk)
    for row in session.execute(query):
        yield CaseRow(*row)


def filter_choices(session: Session) -> FilterChoices:
    return FilterChoices(
        stages=list(session.scalars(select(Case.stage).distinct().where(Case.stage != "").order_by(Case.stage))),
        outcomes=list(session.scalars(select(Case.outcome).distinct().where(Case.outcome.is_not(None))
                                      .order_by(Case.outcome))),
        versions=[tuple(row) for row in session.execute(
            select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version)
            .order_by(ProcessVersion.process_id, ProcessVersion.version.desc()))],
    )


def count_cases_by_status(session: Session) -> dict[str, int]:
    return dict(session.execute(select(Case.status, func.count()).group_by(Case.status)).all())
