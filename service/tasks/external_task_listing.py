"""Reading external tasks: the administrators' page (by topic, what waits, who holds what, what failed) and
the engine REST API's lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from service.dao import external_tasks_dao
from service.dao.external_tasks_dao import ExternalTaskFilter as ExternalTaskFilter  # what callers filter by
from service.dao.external_tasks_dao import ExternalTaskRow as ExternalTaskRow  # what the lists hold
from service.dao.external_tasks_dao import TopicSummary

if TYPE_CHECKING:
    from service.casework import Casework


@dataclass(frozen=True)
class TopicOverview:
    summaries: list[TopicSummary]
    rows: list[ExternalTaskRow]
    references: dict[int, str]  # case id -> case reference, for the rows shown
    now: datetime  # the instant they were read at: a lock held until before it has expired


def topic_overview(casework: Casework, topic: str | None, shown: int) -> TopicOverview:
    """Each topic's counts, and up to ``shown`` open tasks (of one topic, or all) with their cases' references."""
    now = casework.clock.now()
    with casework.db.reading() as session:
        summaries = external_tasks_dao.topic_summaries(session, now)
        rows = external_tasks_dao.list_tasks(session, ExternalTaskFilter(topic=topic), now, max_results=shown)
        references = external_tasks_dao.case_references(session, [row.task.case_id for row in rows])
    return TopicOverview(summaries, rows, references, now)


def list_external_tasks(casework: Casework, wanted: ExternalTaskFilter, *, first: int = 0,
                        max_results: int = 100) -> list[ExternalTaskRow]:
    with casework.db.reading() as session:
        return external_tasks_dao.list_tasks(session, wanted, casework.clock.now(), first=first,
                                             max_results=max_results)


def count_external_tasks(casework: Casework, wanted: ExternalTaskFilter) -> int:
    with casework.db.reading() as session:
        return external_tasks_dao.count_tasks(session, wanted, casework.clock.now())
