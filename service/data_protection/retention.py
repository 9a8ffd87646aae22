"""Retention: when each closed case is due for anonymisation, and the sweep that anonymises those due.

A case is due once its retention period has passed since it closed: its process's ``retentionPeriod``
(see cases.retention), or for a pack with a configurable retention policy (``Pack.retention``) the period
its policy, as its setting set it, gives the case. It waits while it is on legal hold or while its pack holds
it back (``Pack.retention_holds``). The sweep anonymises each due case in its own transaction, so one case
that cannot be done never holds up the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import Conflict
from service.cases.retention import process_retention
from service.casework import Casework
from service.dao import cases_dao, data_protection_dao
from service.data_protection.anonymisation import anonymise_case
from service.data_protection.periods import Retention, Rule
from service.db import DatabaseUnavailable
from service.models import Case
from service.packs import registry
from service.packs.registry import Pack, pack_for
from service.processes.definitions import deployed_version
from workflows.calendar import london_date, start_of_day
from workflows.definitions import ProcessDefinition

log = logging.getLogger(__name__)
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


def retention_rules(casework: Casework) -> list[Rule]:
    """The rules of every registered pack's retention policy (``Pack.retention``), as its setting set them."""
    return [rule for retention in registry.retentions()
            for rule in retention.rules(casework.pack_settings[retention.setting])]


def retention_schedule(casework: Casework) -> list[ScheduledCase]:
    """Every closed case not yet anonymised, soonest due first."""
    with casework.db.reading() as session:
        cases = data_protection_dao.list_closed_cases_kept(session)
        definitions = _definitions(session, cases)
        retentions = _retentions(session, casework.pack_settings, cases, definitions)
        held = _pack_holds(session, cases, definitions)
    scheduled = [ScheduledCase(case, retentions[case.id], "On legal hold" if case.legal_hold else held.get(case.id))
                 for case in cases]
    return sorted(scheduled, key=lambda s: (s.retention.due_on, s.case.reference))


def case_retentions(session: Session, pack_settings: Mapping[str, Any],
                    cases: Sequence[Case]) -> dict[int, Retention]:
    """When each of these cases that is closed and not yet anonymised is due for anonymisation, by case id
    (``pack_settings``: ``Casework.pack_settings``, which hold the packs' retention policies)."""
    kept = [case for case in cases if case.status == "closed" and case.anonymised_at is None]
    return _retentions(session, pack_settings, kept, _definitions(session, kept))


def _definitions(session: Session, cases: Sequence[Case]) -> dict[int, ProcessDefinition]:
    """Case id -> the definition of the process version it runs."""
    versions: dict[int, int] = {}
    for chunk in in_chunks([c.id for c in cases]):
        versions |= data_protection_dao.version_ids_of_cases(session, chunk)
    definitions = {vid: deployed_version(session, vid)[1] for vid in set(versions.values())}
    return {case_id: definitions[vid] for case_id, vid in versions.items()}


def _by_pack(cases: Sequence[Case], definitions: Mapping[int, ProcessDefinition]) -> list[tuple[Pack, list[Case]]]:
    """Each pack with its cases (cases of a process with no pack are left out)."""
    grouped: dict[str, tuple[Pack, list[Case]]] = {}
    for case in cases:
        pack = pack_for(definitions[case.id].process_id)
        if pack is not None:
            grouped.setdefault(pack.name, (pack, []))[1].append(case)
    return list(grouped.values())


def _retentions(session: Session, pack_settings: Mapping[str, Any], cases: Sequence[Case],
                definitions: Mapping[int, ProcessDefinition]) -> dict[int, Retention]:
    closed_on: dict[int, date] = {case.id: london_date(case.closed_at) for case in cases}
    by_policy: dict[int, Retention] = {}
    for pack, cases_of_pack in _by_pack(cases, definitions):
        retention = pack.retention
        if retention is not None:
            by_policy |= retention.retentions(session, pack_settings[retention.setting],
                                              {c.id: closed_on[c.id] for c in cases_of_pack})
    return {case.id: by_policy[case.id] if case.id in by_policy
            else process_retention(definitions[case.id], case.outcome, closed_on[case.id])
            for case in cases}


def _pack_holds(session: Session, cases: Sequence[Case],
                definitions: Mapping[int, ProcessDefinition]) -> dict[int, str]:
    held: dict[int, str] = {}
    for pack, cases_of_pack in _by_pack(cases, definitions):
        holds = pack.retention_holds
        if holds is not None:
            held |= holds(session, cases_of_pack)
    return held


def sweep(casework: Casework, *, dry_run: bool = False) -> SweepReport:
    """Anonymise every case past its retention period (with ``dry_run``, only say which)."""
    now = casework.clock.now()
    report = SweepReport()
    for scheduled in due_cases(retention_schedule(casework), now):
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


def in_chunks(ids: Iterable[int], size: int = _CHUNK) -> Iterator[list[int]]:
    """The ids in lists of at most ``size``, for queries that name each id (``IN (...)``)."""
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def due_cases(schedule: Sequence[ScheduledCase], now: datetime) -> list[ScheduledCase]:
    return [s for s in schedule if s.due(now) and not s.held_by]
