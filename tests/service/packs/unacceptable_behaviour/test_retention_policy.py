"""The retention policy: its defaults, the RETENTION_POLICY override, and the longest rule winning."""

from __future__ import annotations

from datetime import date

import pytest

from service.config import Settings
from service.data_protection.periods import Period
from service.environment import read_pack_settings
from service.packs.unacceptable_behaviour.pack import PACK
from service.packs.unacceptable_behaviour.retention_policy import CaseFacts, RetentionPolicy, RetentionPolicyError

CLOSED = date(2026, 1, 31)


def test_the_defaults_keep_each_kind_of_case_for_its_period():
    policy = RetentionPolicy()
    assert {r.name: str(r.period) for r in policy.rules()} == {
        "isolated_incident": "1 year", "informal_resolution": "2 years", "reasonable_adjustments": "2 years",
        "restriction": "3 years", "violence_or_threats": "5 years",
    }
    assert policy.retention(CaseFacts(frozenset()), CLOSED).due_on == date(2027, 1, 31)


@pytest.mark.parametrize(("facts", "rule", "due_on"), [
    (CaseFacts(frozenset({"informal_resolution"})), "informal_resolution", date(2028, 1, 31)),
    (CaseFacts(frozenset({"informal_resolution", "restriction"})), "restriction", date(2029, 1, 31)),
    (CaseFacts(frozenset({"restriction"}), frozenset({"violence_or_threats"})), "violence_or_threats",
     date(2031, 1, 31)),
    (CaseFacts(frozenset(), frozenset({"harassment"})), "isolated_incident", date(2027, 1, 31)),
])
def test_the_longest_applicable_period_wins(facts, rule, due_on):
    retention = RetentionPolicy().retention(facts, CLOSED)
    assert (retention.rule.name, retention.due_on, retention.closed_on) == (rule, due_on, CLOSED)


def test_the_environment_overrides_periods_and_adds_behaviour_categories(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)  # start-up refuses secrets under 32 characters
    monkeypatch.setenv("RETENTION_POLICY", '{"outcomes": {"isolated_incident": "18 months"}, '
                                           '"behaviour": {"harassment": 4, "violence_or_threats": "6 years"}}')
    monkeypatch.setenv("RETENTION_SWEEP_MINUTES", "15")
    settings = Settings.from_environment()
    policy = read_pack_settings({PACK.retention.setting: PACK.retention.parse})["RETENTION_POLICY"]
    assert policy.outcomes["isolated_incident"] == Period(months=18)
    assert policy.outcomes["restriction"] == Period(months=36)  # not given: the default stays
    assert policy.retention(CaseFacts(frozenset(), frozenset({"harassment"})), CLOSED).due_on == date(2030, 1, 31)
    assert str(policy.behaviours["violence_or_threats"]) == "6 years"
    assert settings.retention_sweep_every.total_seconds() == 15 * 60


@pytest.mark.parametrize(("text", "problem"), [
    ("not json", "not JSON"),
    ('{"outcome": {}}', '"outcomes" and "behaviour" only'),
    ('{"outcomes": {"closed_quickly": "1 year"}}', "unknown outcomes"),
    ('{"outcomes": {"restriction": "forever"}}', "is not a period"),
    ('{"outcomes": {"restriction": "0 days"}}', "is not a period"),
    ('{"behaviour": {"Violence!": "1 year"}}', "lower_case_with_underscores"),
])
def test_a_policy_that_cannot_be_applied_stops_the_service_starting(text, problem):
    with pytest.raises(RetentionPolicyError, match=problem):
        RetentionPolicy.from_json(text)

