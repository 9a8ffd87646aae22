"""How long a closed case is kept before it is anonymised: the retention policy.

A period is set for each outcome a case can reach and, optionally, for each kind of behaviour it
was about. Every rule that applies to a case gives a date counted from the day it closed; the
latest of those dates wins, so the most serious thing in a case decides how long it is kept.

Defaults are below. ``RETENTION_POLICY`` in the environment overrides any of them with JSON::

    RETENTION_POLICY='{"outcomes": {"isolated_incident": "1 year", "restriction": "4 years"},
                       "behaviour": {"violence_or_threats": "6 years", "harassment": "3 years"}}'

A period is "N years", "N months" or "N days" (a bare number is years). Outcomes are the four
named in ``OUTCOMES``; a behaviour is ``violence_or_threats`` or any behaviour category of the
incident form (for example ``harassment``). Keys not given keep their defaults.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from workflows.calendar import add_months

OUTCOMES = MappingProxyType({
    "isolated_incident": "Closed with no further action (every case)",
    "informal_resolution": "Informal resolution was tried",
    "reasonable_adjustments": "Reasonable adjustments were recorded",
    "restriction": "A restriction was imposed (since expired, lifted or varied)",
})
VIOLENCE = "violence_or_threats"
_PERIOD = re.compile(r"^\s*(\d{1,3})\s*(year|month|day)s?\s*$", re.IGNORECASE)
_BEHAVIOUR_KEY = re.compile(r"^[a-z0-9_]{1,80}$")


class RetentionPolicyError(ValueError):
    """RETENTION_POLICY is not a policy this service can apply."""


@dataclass(frozen=True, order=True)
class Period:
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, value: object) -> Period:
        if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1000:
            return cls(months=12 * value)
        match = _PERIOD.match(value) if isinstance(value, str) else None
        if not match or int(match.group(1)) == 0:
            raise RetentionPolicyError(f"{value!r} is not a period: write, for example, \"2 years\" or \"18 months\"")
        number, unit = int(match.group(1)), match.group(2).lower()
        return cls(days=number) if unit == "day" else cls(months=number * (12 if unit == "year" else 1))

    def after(self, day: date) -> date:
        return add_months(day, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        if self.days:
            return _plural(self.days, "day")
        years, months = divmod(self.months, 12)
        return _plural(years, "year") if not months else _plural(self.months, "month")


def _plural(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


@dataclass(frozen=True)
class Rule:
    name: str
    kind: str  # "outcome" or "behaviour"; "process" for a process's own period (cases.retention)
    period: Period

    @property
    def description(self) -> str:
        if self.kind == "process":
            return self.name
        if self.kind == "outcome":
            return OUTCOMES[self.name]
        if self.name == VIOLENCE:
            return "Physical threats or actual violence"
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class CaseFacts:
    """What a case reached and what it was about, as far as retention is concerned."""

    outcomes: frozenset[str]
    behaviours: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Retention:
    rule: Rule
    closed_on: date
    due_on: date


@dataclass(frozen=True)
class RetentionPolicy:
    outcomes: Mapping[str, Period] = field(default_factory=lambda: dict(DEFAULT_OUTCOMES))
    behaviours: Mapping[str, Period] = field(default_factory=lambda: dict(DEFAULT_BEHAVIOURS))

    @classmethod
    def from_json(cls, text: str | None) -> RetentionPolicy:
        if not text:
            return cls()
        try:
            document = json.loads(text)
        except ValueError as error:
            raise RetentionPolicyError(f"RETENTION_POLICY is not JSON: {error}") from None
        if not isinstance(document, dict) or set(document) - {"outcomes", "behaviour"}:
            raise RetentionPolicyError('RETENTION_POLICY is an object with "outcomes" and "behaviour" only')
        outcomes = _periods(document.get("outcomes", {}), "outcomes")
        unknown = set(outcomes) - set(OUTCOMES)
        if unknown:
            raise RetentionPolicyError(f"unknown outcomes in RETENTION_POLICY: {', '.join(sorted(unknown))}; "
                                       f"use {', '.join(OUTCOMES)}")
        behaviours = _periods(document.get("behaviour", {}), "behaviour")
        bad = [k for k in behaviours if not _BEHAVIOUR_KEY.match(k)]
        if bad:
            raise RetentionPolicyError(f"behaviour names are lower_case_with_underscores: {', '.join(bad)}")
        return cls({**DEFAULT_OUTCOMES, **outcomes}, {**DEFAULT_BEHAVIOURS, **behaviours})

    def rules(self) -> list[Rule]:
        return [Rule(n, "outcome", p) for n, p in self.outcomes.items()] + [
            Rule(n, "behaviour", p) for n, p in sorted(self.behaviours.items())
        ]

    def retention(self, facts: CaseFacts, closed_on: date) -> Retention:
        """The rule that keeps the case longest, and the day it is due for anonymisation."""
        applicable = [rule for rule in self.rules() if _applies(rule, facts)]
        longest = max(applicable, key=lambda rule: rule.period.after(closed_on))
        return Retention(longest, closed_on, longest.period.after(closed_on))


def _applies(rule: Rule, facts: CaseFacts) -> bool:
    if rule.kind == "behaviour":
        return rule.name in facts.behaviours
    return rule.name == "isolated_incident" or rule.name in facts.outcomes


def _periods(section: object, name: str) -> dict[str, Period]:
    if not isinstance(section, dict):
        raise RetentionPolicyError(f'"{name}" in RETENTION_POLICY is an object of name: period')
    return {str(key): Period.parse(value) for key, value in section.items()}


DEFAULT_OUTCOMES = MappingProxyType({
    "isolated_incident": Period(months=12),
    "informal_resolution": Period(months=24),
    "reasonable_adjustments": Period(months=24),
    "restriction": Period(months=36),
})
DEFAULT_BEHAVIOURS = MappingProxyType({VIOLENCE: Period(months=60)})
