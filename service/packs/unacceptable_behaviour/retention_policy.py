"""How long a closed case is kept before it is anonymised: the retention policy (``Pack.retention``).

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
from datetime import date
from types import MappingProxyType

from service.data_protection.periods import Period, PeriodError, Retention, Rule

SETTING = "RETENTION_POLICY"
OUTCOMES = MappingProxyType({
    "isolated_incident": "Closed with no further action (every case)",
    "informal_resolution": "Informal resolution was tried",
    "reasonable_adjustments": "Reasonable adjustments were recorded",
    "restriction": "A restriction was imposed (since expired, lifted or varied)",
})
VIOLENCE = "violence_or_threats"
_BEHAVIOUR_KEY = re.compile(r"^[a-z0-9_]{1,80}$")


class RetentionPolicyError(ValueError):
    """RETENTION_POLICY is not a policy this service can apply."""


@dataclass(frozen=True)
class CaseFacts:
    """What a case reached and what it was about, as far as retention is concerned."""

    outcomes: frozenset[str]
    behaviours: frozenset[str] = frozenset()


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
        return [Rule(n, "outcome", p, OUTCOMES[n]) for n, p in self.outcomes.items()] + [
            Rule(n, "behaviour", p, _behaviour_words(n)) for n, p in sorted(self.behaviours.items())
        ]

    def retention(self, facts: CaseFacts, closed_on: date) -> Retention:
        """The rule that keeps the case longest, and the day it is due for anonymisation."""
        applicable = [rule for rule in self.rules() if _applies(rule, facts)]
        longest = max(applicable, key=lambda rule: rule.period.after(closed_on))
        return Retention(longest, closed_on, longest.period.after(closed_on))


def _behaviour_words(name: str) -> str:
    if name == VIOLENCE:
        return "Physical threats or actual violence"
    return name.replace("_", " ").capitalize()


def _applies(rule: Rule, facts: CaseFacts) -> bool:
    if rule.kind == "behaviour":
        return rule.name in facts.behaviours
    return rule.name == "isolated_incident" or rule.name in facts.outcomes


def _periods(section: object, name: str) -> dict[str, Period]:
    if not isinstance(section, dict):
        raise RetentionPolicyError(f'"{name}" in RETENTION_POLICY is an object of name: period')
    try:
        return {str(key): Period.parse(value) for key, value in section.items()}
    except PeriodError as error:
        raise RetentionPolicyError(str(error)) from None


DEFAULT_OUTCOMES = MappingProxyType({
    "isolated_incident": Period(months=12),
    "informal_resolution": Period(months=24),
    "reasonable_adjustments": Period(months=24),
    "restriction": Period(months=36),
})
DEFAULT_BEHAVIOURS = MappingProxyType({VIOLENCE: Period(months=60)})
