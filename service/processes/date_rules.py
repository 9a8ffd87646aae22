"""Date rules: a form field that needs one names it with ``x-date-rule``.

The form validator (``workflows.forms``) checks that a date is real and, with ``x-not-future`` or
``x-not-past``, where it lies against today. What a date must be measured against on a case (an approval,
a letter, an incident) is its pack's business: a pack names its rules in ``Pack.date_rules`` and reads the
dates they measure against with ``Pack.case_dates``. A form may name only the rules of the pack of its
process (a process without a pack has none), checked when the process is deployed. Pages, the JSON API and
the Camunda REST API all complete forms through ``processes.forms.validated``, which applies these rules.

A field names its rule as ``{"rule": "<name>"}``; a rule that allows a date only with an explanation
(a late letter, say) also names the field that carries it, ``"reason": "<field>"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from service.packs.registry import pack_for
from workflows.calendar import LONDON, london_date


@dataclass(frozen=True)
class CaseDates:
    """What a date rule measures an answer against: the platform's dates, and the pack's own (``pack``)."""

    now: datetime
    opened_on: date | None = None  # None: the form is not a case's yet (a start form)
    # Not a date, but read in the same pass: every answer each field was given so far (``carried_answers``).
    earlier_answers: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    # The pack's own dates (``Pack.case_dates``); None when it reads none, or the form is not a case's yet.
    pack: Any = None

    @property
    def today(self) -> date:
        return london_date(self.now)


Problems = Iterable[tuple[str, str]]


@dataclass(frozen=True)
class DateRule:
    """One of a pack's date rules: ``check(field, value, answers, dates, reason field or None)`` yields
    (field, message) for each problem, ``value`` a date (or, for a datetime rule, an aware datetime)."""

    check: Callable[[str, Any, Mapping[str, Any], CaseDates, str | None], Problems]
    takes_reason: bool = False  # whether the form may name a reason field for it
    widget: str = "date"  # the field it applies to: "date" or "datetime"


def rules_for(process_id: str | None) -> Mapping[str, DateRule]:
    """The date rules the forms of ``process_id`` may name: its pack's (none without a pack)."""
    pack = pack_for(process_id)
    return pack.date_rules if pack else {}


def named_rules(fields: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, field["x-date-rule"]) for name, field in fields.items() if "x-date-rule" in field]


def date_problems(fields: Mapping[str, Mapping[str, Any]], answers: Mapping[str, Any], facts: CaseDates,
                  rules: Mapping[str, DateRule]) -> list[tuple[str, str]]:
    """(field, message) for every answer that breaks the date rule its field names (one of ``rules``)."""
    problems: list[tuple[str, str]] = []
    for name, spec in named_rules(fields):
        rule = rules[spec["rule"]]
        value = _parsed(answers.get(name), rule.widget)
        if value is not None:
            problems += rule.check(name, value, answers, facts, spec.get("reason"))
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


def rule_problems(schema: Mapping[str, Any], rules: Mapping[str, DateRule]) -> list[str]:
    """Why a form's ``x-date-rule`` fields cannot work with ``rules`` (those of its process's pack), checked
    when a process is deployed."""
    fields = schema.get("properties") or {}
    problems = []
    for name, spec in named_rules(fields):
        rule = rules.get(spec.get("rule")) if isinstance(spec, dict) else None
        if rule is None:
            problems.append(f"Field ‘{name}’: x-date-rule must be an object naming one of the date rules "
                            f"({', '.join(sorted(rules)) or 'its process has none'})")
            continue
        if fields[name].get("x-widget") != rule.widget:
            problems.append(f"Field ‘{name}’: the date rule {spec['rule']!r} needs a {rule.widget} field")
        reason = spec.get("reason")
        if reason is not None and (not rule.takes_reason or reason not in fields or reason in schema.get(
                "required", [])):
            problems.append(f"Field ‘{name}’: the reason field {reason!r} must be an optional field of the form, "
                            "on a rule that takes a reason")
    return problems
