"""Retention: when each closed case is due for anonymisation, and the sweep that anonymises those due.

A case is due once the retention policy's period for it has passed since it closed, unless it is
on legal hold or a restriction on its customer is in force (then it waits). The sweep anonymises
each due case in its own transaction, so one case that cannot be done never holds up the rest.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import Conflict
from service.cases.retention import process_retention
from service.casework import Casework
from service.dao import cases_dao, data_protection_dao, processes_dao
from service.data_protection.anonymisation import anonymise_case
from service.data_protection.retention_policy import VIOLENCE, CaseFacts, Retention, RetentionPolicy
from service.db import DatabaseUnavailable
from service.models import Case
from service.packs.registry import pack_for
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.processes.definitions import definition_of, deployed_version
from workflows.calendar import london_date, start_of_day

log = logging.getLogger(__name__)
INFORMAL_RESOLUTION_EVENT = "informal_resolution_tried"
_CHUNK = 500


@dataclass(frozen=True)
class ScheduledCase:
    """A closed case that still holds personal data, with when it is due and what keeps it."""

    case: Case
    retention: Retention
    held_by: str | None = None

    def due(self, now: datetime) -> bool:
        return start_of_day(self.retention.due_on) <= now


@dataclass
class SweepReport:
    anonymised: list[str] = field(default_factory=list)
    due: list[str] = field(default_factory=list)  # what a dry run would anonymise
    failed: list[str] = field(default_factory=list)


def retention_schedule(casework: Casework, policy: RetentionPolicy) -> list[ScheduledCase]:
    """Every closed case not yet anonymised, soonest due first."""
    with casework.db.reading() as session:
        cases = data_protection_dao.list_closed_cases_kept(session)
        versions = {}
        for chunk in _chunks([c.id for c in cases]):
            versions |= data_protection_dao.version_ids_of_cases(session, chunk)
        definitions = {vid: deployed_version(session, vid)[1] for vid in set(versions.values())}
        by_policy = [c for c in cases if _kept_by_policy(definitions[versions[c.id]])]
        facts = case_facts(session, [c.id for c in by_policy])
        restricted: set[int] = set()
        for chunk in _chunks(sorted({c.customer_id for c in cases if c.customer_id})):
            restricted |= customers_dao.restricted_customer_ids(session, chunk)
    scheduled = [
        ScheduledCase(case, policy.retention(facts[case.id], london_date(case.closed_at)) if case.id in facts
                      else process_retention(definitions[versions[case.id]], case.outcome, london_date(case.closed_at)),
                      _held_by(case, restricted))
        for case in cases
    ]
    return sorted(scheduled, key=lambda s: (s.retention.due_on, s.case.reference))


def _kept_by_policy(definition) -> bool:
    pack = pack_for(definition.process_id)
    return pack is not None and pack.retention_by_policy


def _held_by(case: Case, restricted: set[int]) -> str | None:
    if case.legal_hold:
        return "On legal hold"
    if case.customer_id in restricted:
        return "A restriction on the customer is in force"
    return None


def sweep(casework: Casework, policy: RetentionPolicy, *, dry_run: bool = False) -> SweepReport:
    """Anonymise every case past its retention period (with ``dry_run``, only say which)."""
    now = casework.clock.now()
    report = SweepReport()
    for scheduled in due_cases(retention_schedule(casework, policy), now):
        report.due.append(scheduled.case.reference)
        if dry_run:
            continue
        try:
            with casework.db.transaction() as session:
                case = cases_dao.get_case(session, scheduled.case.id)
                anonymise_case(session, case, now=now, actor=None, record=retention_record(scheduled.retention))
        except DatabaseUnavailable:
            raise
        except Conflict as refused:
            log.info("retention: %s was not anonymised: %s", scheduled.case.reference, refused.message)
            report.failed.append(scheduled.case.reference)
        except Exception:
            log.exception("retention: anonymising %s failed", scheduled.case.reference)
            report.failed.append(scheduled.case.reference)
        else:
            report.anonymised.append(scheduled.case.reference)
    return report


def retention_record(retention: Retention) -> dict[str, Any]:
    """What the anonymisation event keeps: the rule and the dates, nothing about the person."""
    return {"reason": "retention", "rule": retention.rule.name, "period": str(retention.rule.period),
            "closed_on": retention.closed_on.isoformat(), "due_on": retention.due_on.isoformat()}


def case_facts(session: Session, case_ids: Sequence[int]) -> dict[int, CaseFacts]:
    """What each case reached and what it was about, read from its records."""
    outcomes: dict[int, set[str]] = defaultdict(set)
    behaviours: dict[int, set[str]] = defaultdict(set)
    for chunk in _chunks(case_ids):
        for case_id in data_protection_dao.cases_with_restrictions(session, chunk):
            outcomes[case_id].add("restriction")
        for case_id in data_protection_dao.cases_with_adjustments(session, chunk):
            outcomes[case_id].add("reasonable_adjustments")
        for case_id, categories, answers in data_protection_dao.incident_answers(session, chunk):
            behaviours[case_id] |= {*categories, *_behaviours(answers)}
        for case_id, version_id, element_id, answers in data_protection_dao.completed_task_answers(session, chunk):
            if _case_event(session, version_id, element_id) == INFORMAL_RESOLUTION_EVENT:
                outcomes[case_id].add("informal_resolution")
            behaviours[case_id] |= _behaviours(answers or {})
    return {i: CaseFacts(frozenset(outcomes[i]), frozenset(behaviours[i])) for i in case_ids}


def _behaviours(answers: Mapping[str, Any]) -> set[str]:
    """Behaviour named in a form's answers: its categories, and whether it included violence or threats."""
    categories = answers.get("behaviour_categories")
    found = {c for c in categories if isinstance(c, str)} if isinstance(categories, list) else set()
    return found | ({VIOLENCE} if answers.get(VIOLENCE) is True else set())


def _case_event(session: Session, version_id: int, element_id: str) -> str | None:
    version = processes_dao.get_version(session, version_id)  # the session's identity map caches it
    return definition_of(version).case_events.get(element_id) if version else None


def _chunks(ids: Iterable[int], size: int = _CHUNK) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def due_cases(schedule: Sequence[ScheduledCase], now: datetime) -> list[ScheduledCase]:
    return [s for s in schedule if s.due(now) and not s.held_by]

