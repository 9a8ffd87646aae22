"""The policy's retention facts on both databases: the longest rule its records call for wins, and a restriction
in force on the customer holds their cases back from the sweep."""

from __future__ import annotations

from datetime import UTC, date, datetime

from service.cases.cases import start_case
from service.data_protection.retention import retention_schedule, sweep
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import isolated_case, restriction_case, tables_mentioning
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey

REFERENCE = "SH-ZQ-77123"


def _sweep(runtime, **kwargs):
    return sweep(runtime.casework, **kwargs)


def test_the_longest_applicable_rule_wins_and_violence_keeps_a_case_five_years(policy, people):
    plain = isolated_case(policy, people["casey"], "Pat Plain")
    violent = isolated_case(policy, people["casey"], "Vic Violent", violence_or_threats="yes")
    schedule = {s.case.reference: s.retention for s in retention_schedule(policy.casework)}
    assert (schedule[plain.reference].rule.name, schedule[plain.reference].due_on) == (
        "isolated_incident", date(2027, 3, 2))
    assert (schedule[violent.reference].rule.name, schedule[violent.reference].due_on) == (
        "violence_or_threats", date(2031, 3, 2))
    policy.clock.set(datetime(2027, 3, 3, tzinfo=UTC))
    assert _sweep(policy).anonymised == [plain.reference]
    assert tables_mentioning(policy, "Pat Plain") == {}
    assert tables_mentioning(policy, "Vic Violent")


def test_a_restriction_in_force_keeps_the_customers_older_cases(policy, people):
    old = start_case(policy.casework, people["casey"], samples.incident(
        customer_reference=REFERENCE), process_id=PROCESS_ID)
    Journey(policy, old.reference).do(people["casey"], "Task_AssessIncident", samples.assessment("isolated"))
    policy.clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=UTC))
    restriction_case(policy, people, REFERENCE, letter_on="2027-04-01")
    [scheduled] = retention_schedule(policy.casework)
    assert scheduled.case.reference == old.reference and scheduled.due(policy.clock.now())
    assert scheduled.held_by == "A restriction on the customer is in force"
    assert _sweep(policy).anonymised == []
