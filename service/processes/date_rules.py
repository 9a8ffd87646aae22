"""The policy's date rules: a form field that needs one names it with ``x-date-rule``.

The form validator (``workflows.forms``) checks that a date is real and, with ``x-not-future`` or
``x-not-past``, where it lies against today. What a date must be measured against on this case (the
approval, the decision letter, the incident, the restriction's end) is the policy's business, so
every such rule lives in the table below and nowhere else. Pages, the JSON API and the Camunda REST
API all complete forms through ``processes.forms.validated``, which applies these rules.

A field names its rule as ``{"rule": "<name>"}``; a rule that allows a date only with an explanation
(a late letter, an appeal after its deadline, an incident long ago) also names the field that
carries it, ``"reason": "<field>"``. Every message says what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from workflows.calendar import LONDON, add_months, is_working_day, london_date

# A letter dated more than this many working days before it is recorded needs a recorded reason.
LATE_LETTER_WORKING_DAYS = 3
# An incident dated further back than this many months needs the date confirming (typing 2016 for 2026).
LONG_AGO_MONTHS = 12


@dataclass(frozen=True)
class CaseDates:
    """The case's own dates the rules measure answers against (None: not reached yet)."""

    now: datetime
    opened_on: date | None = None
    approved_on: date | None = None  # the latest approval of formal action (a proposal or an extension)
    letter_on: date | None = None  # the latest decision or extension letter
    appeal_by: date | None = None  # the last day that letter gave for appealing
    appeal_decided_on: date | None = None
    incident_at: datetime | None = None  # the case's first incident
    ends_on: date | None = None  # the end date of the restriction in force
    ended_on: date | None = None  # the end date of the restriction that expired
    # Not a date, but read in the same pass: every answer each field was given so far (``carried_answers``).
    earlier_answers: Mapping[str, Sequence[Any]] = field(default_factory=dict)

    @property
    def today(self) -> date:
        return london_date(self.now)


Problems = Iterable[tuple[str, str]]


@dataclass(frozen=True)
class Rule:
    check: Callable[[str, Any, Mapping[str, Any], CaseDates, str | None], Problems]
    takes_reason: bool = False
    widget: str = "date"


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


def _letter_rule(floor: Callable[[CaseDates], tuple[date | None, str]]) -> Rule:
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

    return Rule(check, takes_reason=True)


def _approval_floor(facts: CaseDates) -> tuple[date | None, str]:
    if facts.approved_on:
        return facts.approved_on, "the day the action was approved"
    return facts.opened_on, "the day the case was opened"


def _appeal_received(field: str, day: date, answers: Mapping[str, Any], facts: CaseDates,
                     reason: str | None) -> Problems:
    if day > facts.today:
        yield field, f"The date the appeal was received must be today ({long_date(facts.today)}) or earlier"
    elif facts.letter_on and day < facts.letter_on:
        yield field, (f"The date the appeal was received must be on or after {long_date(facts.letter_on)}, "
                      "the date of the decision letter it appeals against")
    elif facts.appeal_by and day > facts.appeal_by and not _given(answers, reason):
        yield reason or field, (f"The appeal was received after {long_date(facts.appeal_by)}, the last day the "
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
    incident = london_date(facts.incident_at) if facts.incident_at else None
    if incident and day < incident:
        yield field, f"The date must be on or after {long_date(incident)}, the day of the incident"


def _varied_end(field: str, day: date, answers: Mapping[str, Any], facts: CaseDates, reason: str | None) -> Problems:
    if facts.ends_on and day > facts.ends_on:
        yield field, (f"The new end date must be on or before {long_date(facts.ends_on)}, the restriction's current "
                      "end date: an appeal can shorten a restriction but never make it end later")


RULES: dict[str, Rule] = {
    "decision_letter_date": _letter_rule(_approval_floor),
    "appeal_outcome_letter_date": _letter_rule(lambda f: (f.appeal_decided_on, "the day the appeal was decided")),
    "restriction_ended_letter_date": _letter_rule(lambda f: (f.ended_on, "the day the restriction ended")),
    "appeal_received_date": Rule(_appeal_received, takes_reason=True),
    "incident_time": Rule(_incident_time, takes_reason=True, widget="datetime"),
    "referral_date": Rule(_referral),
    "varied_end_date": Rule(_varied_end),
}


def named_rules(fields: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, field["x-date-rule"]) for name, field in fields.items() if "x-date-rule" in field]


def date_problems(fields: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any],
                  facts: CaseDates) -> list[tuple[str, str]]:
    """(field, message) for every answer that breaks the date rule its field names."""
    problems: list[tuple[str, str]] = []
    for name, spec in named_rules(fields):
        value = _parsed(answers.get(name), RULES[spec["rule"]].widget)
        if value is not None:
            problems += RULES[spec["rule"]].check(name, value, answers, facts, spec.get("reason"))
    return problems


def _parsed(value: Any, widget: str) -> date | datetime | None:
    if not isinstance(value, str):
        return None
    try:
        if widget == "datetime":
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)
        return date.fromisoformat(value)
    except ValueError:
        return None  # the form's own format check has already said so


def rule_problems(schema: Mapping[str, Any]) -> list[str]:
    """Why a form's ``x-date-rule`` fields cannot work (checked when a process is deployed)."""
    fields = schema.get("properties") or {}
    problems = []
    for name, spec in named_rules(fields):
        rule = RULES.get(spec.get("rule")) if isinstance(spec, dict) else None
        if rule is None:
            problems.append(f"Field ‘{name}’: x-date-rule must be an object naming one of the date rules "
                            f"({', '.join(sorted(RULES))})")
            continue
        if fields[name].get("x-widget") != rule.widget:
            problems.append(f"Field ‘{name}’: the date rule {spec['rule']!r} needs a {rule.widget} field")
        reason = spec.get("reason")
        if reason is not None and (not rule.takes_reason or reason not in fields or reason in schema.get(
                "required", [])):
            problems.append(f"Field ‘{name}’: the reason field {reason!r} must be an optional field of the form, "
                            "on a rule that takes a reason")
    return problems
