"""The policy's date rules (``Pack.date_rules``): what a date its forms ask for must be measured against on
the case (the approval, the decision letter, the incident, the restriction's end), in the policy's words.

A form field names one with ``x-date-rule`` (the platform's ``processes.date_rules`` applies it); a rule
that allows a date only with an explanation (a late letter, an appeal after its deadline, an incident long
ago) also names the field that carries it. Every message says what is allowed. The rules read the case's
policy dates (``PolicyDates``, read by ``case_dates.policy_dates``) as ``CaseDates.pack``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from service.processes.date_rules import CaseDates, DateRule, Problems
from workflows.calendar import LONDON, add_months, is_working_day, london_date

# A letter dated more than this many working days before it is recorded needs a recorded reason.
LATE_LETTER_WORKING_DAYS = 3
# An incident dated further back than this many months needs the date confirming (typing 2016 for 2026).
LONG_AGO_MONTHS = 12


@dataclass(frozen=True)
class PolicyDates:
    """The case's policy dates the rules measure answers against (None: not reached yet)."""

    approved_on: date | None = None  # the latest approval of formal action (a proposal or an extension)
    letter_on: date | None = None  # the latest decision or extension letter
    appeal_by: date | None = None  # the last day that letter gave for appealing
    appeal_decided_on: date | None = None
    incident_at: datetime | None = None  # the case's first incident
    ends_on: date | None = None  # the end date of the restriction in force
    ended_on: date | None = None  # the end date of the restriction that expired


# A form that is not a case's yet (the incident form that starts one) has reached none of them.
_NONE_REACHED = PolicyDates()


def _policy(facts: CaseDates) -> PolicyDates:
    return facts.pack or _NONE_REACHED


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _given(answers: Mapping[str, Any], field: str | None) -> bool:
    value = answers.get(field) if field else None
    return value is True or (isinstance(value, str) and bool(value.strip()))


def _working_days_before(day: date, count: int) -> date:
    while count:
        day -= timedelta(days=1)
        count -= is_working_day(day)
    return day


def _letter_rule(floor: Callable[[CaseDates], tuple[date | None, str]]) -> DateRule:
    def check(field: str, day: date, answers: Mapping[str, Any], facts: CaseDates, reason: str | None) -> Problems:
        earliest, why = floor(facts)
        if day > facts.today:
            yield field, f"The date of the letter must be today ({long_date(facts.today)}) or earlier"
        elif earliest and day < earliest:
            yield field, f"The date of the letter must be on or after {long_date(earliest)}, {why}"
        elif reason and day < _working_days_before(facts.today, LATE_LETTER_WORKING_DAYS) and not _given(
                answers, reason):
            yield reason, (f"The letter is dated {long_date(day)}, more than {LATE_LETTER_WORKING_DAYS} working days "
                           "ago: enter why it was sent late")

    return DateRule(check, takes_reason=True)


def _approval_floor(facts: CaseDates) -> tuple[date | None, str]:
    approved_on = _policy(facts).approved_on
    if approved_on:
        return approved_on, "the day the action was approved"
    return facts.opened_on, "the day the case was opened"


def _appeal_received(field: str, day: date, answers: Mapping[str, Any], facts: CaseDates,
                     reason: str | None) -> Problems:
    policy = _policy(facts)
    if day > facts.today:
        yield field, f"The date the appeal was received must be today ({long_date(facts.today)}) or earlier"
    elif policy.letter_on and day < policy.letter_on:
        yield field, (f"The date the appeal was received must be on or after {long_date(policy.letter_on)}, "
                      "the date of the decision letter it appeals against")
    elif policy.appeal_by and day > policy.appeal_by and not _given(answers, reason):
        yield reason or field, (f"The appeal was received after {long_date(policy.appeal_by)}, the last day the "
                                "decision letter gave for appealing: enter why it is accepted late")


def _incident_time(field: str, at: datetime, answers: Mapping[str, Any], facts: CaseDates,
                   reason: str | None) -> Problems:
    now = facts.now.astimezone(LONDON)
    if at > now:
        yield field, (f"The date and time of the incident must not be later than now "
                      f"({now:%H:%M} on {long_date(now.date())})")
    elif at.date() < add_months(facts.today, -LONG_AGO_MONTHS) and not _given(answers, reason):
        yield reason or field, (f"The incident is dated {long_date(at.date())}, more than {LONG_AGO_MONTHS} months "
                                "ago: confirm the date is right")


def _referral(field: str, day: date, answers: Mapping[str, Any], facts: CaseDates, reason: str | None) -> Problems:
    incident_at = _policy(facts).incident_at
    incident = london_date(incident_at) if incident_at else None
    if incident and day < incident:
        yield field, f"The date must be on or after {long_date(incident)}, the day of the incident"


def _varied_end(field: str, day: date, answers: Mapping[str, Any], facts: CaseDates, reason: str | None) -> Problems:
    ends_on = _policy(facts).ends_on
    if ends_on and day > ends_on:
        yield field, (f"The new end date must be on or before {long_date(ends_on)}, the restriction's current "
                      "end date: an appeal can shorten a restriction but never make it end later")


DATE_RULES: Mapping[str, DateRule] = {
    "decision_letter_date": _letter_rule(_approval_floor),
    "appeal_outcome_letter_date": _letter_rule(
        lambda f: (_policy(f).appeal_decided_on, "the day the appeal was decided")),
    "restriction_ended_letter_date": _letter_rule(lambda f: (_policy(f).ended_on, "the day the restriction ended")),
    "appeal_received_date": DateRule(_appeal_received, takes_reason=True),
    "incident_time": DateRule(_incident_time, takes_reason=True, widget="datetime"),
    "referral_date": DateRule(_referral),
    "varied_end_date": DateRule(_varied_end),
}
