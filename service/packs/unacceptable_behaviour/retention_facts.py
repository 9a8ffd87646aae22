"""What the configurable retention policy classifies the policy's closed cases by, and what holds them back.

A case's facts are the outcomes it reached (a restriction, reasonable adjustments, informal resolution
tried) and the behaviour it was about (the incident form's categories, and whether it included violence
or threats), read from its records and its completed forms; the policy keeps it for the longest period
they call for (``Pack.retention``). A restriction in force on the customer holds every case of theirs back
from the sweep (``Pack.retention_holds``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from service.dao import data_protection_dao as platform_dao
from service.dao import processes_dao
from service.data_protection.periods import Retention
from service.data_protection.retention import in_chunks
from service.models import Case
from service.packs.unacceptable_behaviour.dao import customers_dao, data_protection_dao
from service.packs.unacceptable_behaviour.retention_policy import VIOLENCE, CaseFacts, RetentionPolicy
from service.processes.definitions import definition_of

INFORMAL_RESOLUTION_EVENT = "informal_resolution_tried"
RESTRICTION_HOLD = "A restriction on the customer is in force"


def policy_retentions(session: Session, policy: RetentionPolicy,
                      closed_on: Mapping[int, date]) -> dict[int, Retention]:
    """The rule of ``policy`` that keeps each case longest, and the day it is due (``closed_on``: case id -> the
    day it closed)."""
    facts = case_facts(session, list(closed_on))
    return {case_id: policy.retention(facts[case_id], day) for case_id, day in closed_on.items()}


def case_facts(session: Session, case_ids: Sequence[int]) -> dict[int, CaseFacts]:
    """What each case reached and what it was about, read from its records."""
    outcomes: dict[int, set[str]] = defaultdict(set)
    behaviours: dict[int, set[str]] = defaultdict(set)
    for chunk in in_chunks(case_ids):
        for case_id in data_protection_dao.cases_with_restrictions(session, chunk):
            outcomes[case_id].add("restriction")
        for case_id in data_protection_dao.cases_with_adjustments(session, chunk):
            outcomes[case_id].add("reasonable_adjustments")
        for case_id, categories, answers in data_protection_dao.incident_answers(session, chunk):
            behaviours[case_id] |= {*categories, *_behaviours(answers)}
        for case_id, version_id, element_id, answers in platform_dao.completed_task_answers(session, chunk):
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


def restriction_holds(session: Session, cases: Sequence[Case]) -> dict[int, str]:
    """The cases whose customer has a restriction in force: kept until it ends."""
    customer_of: dict[int, int] = {}
    for chunk in in_chunks([case.id for case in cases]):
        customer_of |= customers_dao.customer_ids_of_cases(session, chunk)
    restricted: set[int] = set()
    for chunk in in_chunks(sorted(set(customer_of.values()))):
        restricted |= customers_dao.restricted_customer_ids(session, chunk)
    return {case.id: RESTRICTION_HOLD for case in cases if customer_of.get(case.id) in restricted}
