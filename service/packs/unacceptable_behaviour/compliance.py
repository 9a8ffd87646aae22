"""Every case checked against the Unacceptable Behaviour Policy, from the rows the service keeps.

One small function per rule of the policy. Each reads a case's records and returns None when the
rule does not apply to the case (yet), or the ways the case breaks it (an empty list: it keeps it).
Nothing here loads a workflow: these are the records an Ombudsman would be shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from service.casework import Casework
from service.models import Case, User
from service.packs.registry import process_ids_where
from service.packs.unacceptable_behaviour.compliance_letters import (
    FORMS_READ,
    appeal_never_ends_later,
    internal_details_kept_out,
    letter_dated_after_approval,
    one_appeal_per_decision,
)
from service.packs.unacceptable_behaviour.compliance_records import CaseRecords, decision_letters, letter_date
from service.packs.unacceptable_behaviour.dao import compliance_dao
from service.packs.unacceptable_behaviour.models import Letter, Restriction
from workflows.calendar import LONDON, add_months, start_of_day

DECISION = ("proposer", "approver", "letter_sender", "review_decider")
# The four things the policy says a decision letter must tell the customer, and where the stored
# letter keeps each (the data it was rendered from).
LETTER_ELEMENTS = {
    "the decision made and the restrictions imposed": "restrictions",
    "why the decision was made": "reasons",
    "what the decision means for the customer": "what_it_means",
    "how to appeal": "appeal_deadline",
}
ASSESSMENT, POLICE, SAFEGUARDING = "assess_incident", "police_referral", "safeguarding_alert"
# Time the worker may take to lift a restriction once its end date starts, beyond its poll interval.
LIFTING_ALLOWANCE = timedelta(minutes=1)


# -- the rules ---------------------------------------------------------------------------------

def approved_by_someone_else(records: CaseRecords) -> list[str] | None:
    """Formal action needs approval by a Head of Service or Executive who did not propose it."""
    approvers = records.holders("approver")
    if not records.restrictions and not approvers:
        return None
    if not approvers:
        return ["restrictions were imposed with no approval recorded"]
    proposers = records.holders("proposer")
    problems = [f"approved by {records.name(u)}, who is not a Head of Service or Executive"
                for u in sorted(approvers) if not records.is_head(u)]
    problems += [f"approved by {records.name(u)}, who also proposed it" for u in sorted(approvers & proposers)]
    return problems


def decision_letter_before_restriction(records: CaseRecords) -> list[str] | None:
    """A restriction starts on the date of a decision letter that states the four required things."""
    imposed = [r for r in records.restrictions if _varied_by(records, r) is None]
    if not imposed:
        return None
    problems = []
    for start in sorted({r.starts_on for r in imposed}):
        letter = _announcing_letter(records, start)
        if letter is None:
            dated = ", ".join(sorted(letter_date(x).isoformat() for x in decision_letters(records))) or "none sent"
            problems.append(f"a restriction started on {start.isoformat()} with no decision letter of that date "
                            f"(decision letters: {dated})")
            continue
        missing = [element for element, key in LETTER_ELEMENTS.items() if not letter.rendered_from.get(key)]
        if missing:
            problems.append(f"the letter of {start.isoformat()} does not say {' or '.join(missing)}")
    return problems


def ends_twelve_months_after_the_letter(records: CaseRecords) -> list[str] | None:
    """A restriction ends 12 calendar months after its letter (or on the date an appeal set)."""
    problems, applied = [], False
    for restriction in records.restrictions:
        varied = _varied_by(records, restriction)
        letter = varied or _announcing_letter(records, restriction.starts_on)
        if letter is None:
            continue  # no letter to measure from: the decision letter rule reports it
        applied = True
        if varied is not None:
            expected = date.fromisoformat(varied.rendered_from["restriction_end"])
            said = f"the date the appeal outcome letter gave ({expected.isoformat()})"
        else:
            expected = add_months(letter_date(letter), 12)
            said = f"12 months after the letter of {letter_date(letter).isoformat()} ({expected.isoformat()})"
        if restriction.ends_on != expected:
            problems.append(f"a restriction ends on {restriction.ends_on.isoformat()}, not {said}")
    return problems if applied else None


def appeal_heard_independently(records: CaseRecords) -> list[str] | None:
    """An appeal is heard by a Head of Service or Executive who took no part in the decision."""
    reviewers = records.holders("reviewer")
    if not reviewers:
        return None
    involved = records.holders(*DECISION)
    problems = [f"the appeal was heard by {records.name(u)}, who was part of the decision"
                for u in sorted(reviewers & involved)]
    problems += [f"the appeal was heard by {records.name(u)}, who is not a Head of Service or Executive"
                 for u in sorted(reviewers) if not records.is_head(u)]
    return problems


def lifted_on_time(records: CaseRecords) -> list[str] | None:
    """A restriction is lifted when its end date starts (London), within the worker's grace."""
    problems, applied = [], False
    for restriction in records.restrictions:
        due = start_of_day(restriction.ends_on) + records.lifting_grace
        if restriction.status == "expired" and restriction.ended_at is not None:
            applied = True
            if restriction.ended_at > due:
                problems.append(f"a restriction ending on {restriction.ends_on.isoformat()} was lifted at "
                                f"{_london(restriction.ended_at)}")
        elif restriction.status == "active" and records.now > due:
            applied = True
            problems.append(f"a restriction that ended on {restriction.ends_on.isoformat()} is still in force")
    return problems if applied else None


def adjustments_before_proposal(records: CaseRecords) -> list[str] | None:
    """Reasonable adjustments are considered before any formal action is proposed."""
    proposed_at = records.first_at("proposer")
    if proposed_at is None:
        return None
    first = min(records.adjustments_at, default=None)
    if first is None:
        return ["formal action was proposed with no reasonable adjustments recorded"]
    if first > proposed_at:
        return [f"reasonable adjustments were first recorded at {_london(first)}, after the proposal at "
                f"{_london(proposed_at)}"]
    return []


def police_referral_where_crime_suspected(records: CaseRecords) -> list[str] | None:
    """If there is suspicion of a crime, the police are involved before the case closes."""
    return _referral(records, "crime_suspected", POLICE, "a crime was suspected but no police referral was made")


def safeguarding_alert_where_concern(records: CaseRecords) -> list[str] | None:
    """A safeguarding concern is raised with the local authority before the case closes."""
    return _referral(records, "safeguarding_concern", SAFEGUARDING,
                     "a safeguarding concern was noted but no safeguarding alert was made")


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    check: Callable[[CaseRecords], list[str] | None]


RULES = (
    Rule("approval", "Formal action approved by a Head of Service or Executive who did not propose it",
         approved_by_someone_else),
    Rule("decision-letter", "A decision letter with the four required elements, dated the day the restriction "
         "started", decision_letter_before_restriction),
    Rule("twelve-months", "Restriction ends 12 calendar months after the letter", ends_twelve_months_after_the_letter),
    Rule("independent-appeal", "Appeal heard by someone outside the original decision", appeal_heard_independently),
    Rule("lifted-on-time", "Restriction lifted on its end date", lifted_on_time),
    Rule("adjustments-first", "Reasonable adjustments considered before any formal proposal",
         adjustments_before_proposal),
    Rule("police-referral", "Police involved where a crime was suspected", police_referral_where_crime_suspected),
    Rule("safeguarding-alert", "Safeguarding alert raised where there was a concern", safeguarding_alert_where_concern),
    Rule("letter-after-approval", "Decision letter dated on or after the day the action was approved",
         letter_dated_after_approval),
    Rule("appeal-not-longer", "An appeal never makes a restriction end later", appeal_never_ends_later),
    Rule("internal-details", "Staff-only details (police, safeguarding, approver's reasons) kept out of letters",
         internal_details_kept_out),
    Rule("one-appeal", "Each decision appealed at most once (the appeal is the final internal stage)",
         one_appeal_per_decision),
)


# -- the report --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Breach:
    reference: str
    problems: list[str]


@dataclass
class RuleResult:
    rule: Rule
    checked: int = 0
    breaches: list[Breach] = field(default_factory=list)


@dataclass(frozen=True)
class ComplianceReport:
    cases: int
    results: list[RuleResult]

    @property
    def failing_cases(self) -> list[str]:
        return sorted({b.reference for r in self.results for b in r.breaches})


def lifting_grace(worker_poll_seconds: float) -> timedelta:
    return timedelta(seconds=worker_poll_seconds) + LIFTING_ALLOWANCE


def check_all_cases(casework: Casework, now: datetime, grace: timedelta,
                    rules: Sequence[Rule] = RULES) -> ComplianceReport:
    results = [RuleResult(rule) for rule in rules]
    cases = 0
    with casework.db.reading() as session:
        users = compliance_dao.users_by_id(session)
        for batch in compliance_dao.case_batches(session, process_ids_where("compliance_report")):
            cases += len(batch)
            for records in _records(session, batch, users, now, grace):
                for result in results:
                    problems = result.rule.check(records)
                    if problems is None:
                        continue
                    result.checked += 1
                    if problems:
                        result.breaches.append(Breach(records.case.reference, problems))
    return ComplianceReport(cases, results)


def _records(session, cases: Sequence[Case], users: Mapping[int, User], now: datetime,
             grace: timedelta) -> list[CaseRecords]:
    ids = [c.id for c in cases]
    actors = _by_case(compliance_dao.actors_of(session, ids))
    restrictions = _by_case(compliance_dao.restrictions_of(session, ids))
    letters = _by_case(compliance_dao.sent_letters_of(session, ids))
    tasks = _by_case(compliance_dao.tasks_with_forms(session, ids, (ASSESSMENT, *FORMS_READ)))
    incidents: dict[int, list[dict[str, Any]]] = {}
    for case_id, details in compliance_dao.incident_details(session, ids):
        incidents.setdefault(case_id, []).append(details or {})
    adjustments: dict[int, list[datetime]] = {}
    for case_id, at in compliance_dao.adjustment_times(session, ids):
        adjustments.setdefault(case_id, []).append(at)
    return [
        CaseRecords(case, actors.get(case.id, []), restrictions.get(case.id, []), letters.get(case.id, []),
                    adjustments.get(case.id, []), tasks.get(case.id, []), users, now, grace,
                    incidents.get(case.id, []))
        for case in cases
    ]


def _by_case(rows: Sequence[Any]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.case_id, []).append(row)
    return grouped


def _announcing_letter(records: CaseRecords, start: date) -> Letter | None:
    return next((x for x in decision_letters(records) if letter_date(x) == start), None)


def _varied_by(records: CaseRecords, restriction: Restriction) -> Letter | None:
    """The appeal outcome letter that replaced the restrictions with this one, if it was so made
    (the new restrictions are saved with the letter, in the same step)."""
    if "varied_terms" not in (restriction.details or {}):
        return None
    return next((x for x in records.letters if x.kind == "appeal_outcome" and x.translation_of_id is None
                 and x.rendered_from.get("appeal_outcome") == "varied" and x.sent_at == restriction.created_at), None)


def _referral(records: CaseRecords, flag: str, form_key: str, breach: str) -> list[str] | None:
    # Flagged at any stage: when an incident was recorded, or at the assessment.
    answers = [*records.incident_details, *((t.data or {}) for t in records.completed(ASSESSMENT))]
    flagged = any(a.get(flag) in (True, "yes") for a in answers)
    if not flagged:
        return None
    done = records.completed(form_key)
    closed_at = records.case.closed_at
    if closed_at is None:
        return [] if done else None  # still open: the referral may yet be made
    if not any(t.completed_at and t.completed_at <= closed_at for t in done):
        return [breach + " before the case closed"]
    return []


def _london(instant: datetime) -> str:
    return instant.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")
