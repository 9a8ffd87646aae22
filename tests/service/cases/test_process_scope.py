"""What belongs to one process's pack stays with it: compliance counts only policy cases; references,
customers and retention follow each process."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from service.cases.cases import complete_task, deliver_message, start_case
from service.data_protection.retention import retention_schedule, sweep
from service.packs.unacceptable_behaviour.compliance import check_all_cases
from service.packs.unacceptable_behaviour.models import Customer
from service.packs.unacceptable_behaviour.policy_figures import policy_figures
from service.people import groups
from service.tasks.inbox_actions import claim
from service.tasks.timers import fire_due_batch
from tests.bpmn import samples
from tests.service.views.conftest import open_task

REPORT = {"what_happened": "Loud music.", "happened_on": "2026-03-01", "location": "Hill House",
          "reported_by": "Sam Neighbour"}


def test_only_policy_cases_are_counted_by_the_compliance_report(runtime, people, asb_report):
    casey = people["casey"]
    start_case(runtime.casework, casey, samples.incident(), process_id="unacceptable_behaviour")
    asb = start_case(runtime.casework, casey, REPORT, process_id="asb_report")
    assert asb.reference == "ASB-2026-0001"
    report = check_all_cases(runtime.casework, runtime.clock.now(), timedelta(minutes=5))
    assert report.cases == 1
    figures = policy_figures(runtime.casework, runtime.clock.now())
    assert figures.open_cases == 1


def test_customers_and_references_follow_the_process(runtime, people, asb_report):
    casey = people["casey"]
    policy_case = start_case(runtime.casework, casey, samples.incident(), process_id="unacceptable_behaviour")
    start_case(runtime.casework, casey, REPORT, process_id="asb_report")
    second = start_case(runtime.casework, casey, REPORT, process_id="asb_report")
    assert policy_case.reference == "UB-2026-0001" and second.reference == "ASB-2026-0002"
    with runtime.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 1  # the policy case's only



def _finish(runtime, actor, reference: str, answers: list[dict]) -> None:
    for data in answers:
        task = open_task(runtime, reference)
        claim(runtime.casework, actor, task.id)
        complete_task(runtime.casework, actor, task.id, data)


def test_a_process_without_the_policys_rules_is_kept_for_its_own_periods(runtime, people, asb_report):
    groups.create_group(runtime.casework, people["adam"], name="asb-team", label="Anti-social behaviour team",
                        description="", now=runtime.clock.now())
    groups.add_member(runtime.casework, people["adam"], "asb-team", "casey", runtime.clock.now())
    casey = replace(people["casey"], groups=("asb-team",))
    start = lambda: start_case(runtime.casework, casey, REPORT, process_id="asb_report").reference  # noqa: E731
    no_action, action, no_evidence = start(), start(), start()
    _finish(runtime, casey, no_action, [{"triage_decision": "no_action"}])
    asked = {"evidence_asked_for": "Diary", "evidence_due_by": "2026-03-09"}
    _finish(runtime, casey, action, [{"triage_decision": "investigate"}, asked])
    deliver_message(runtime.casework, casey, action, "asb_evidence_received", {"evidence_summary": "Diary"})
    _finish(runtime, casey, action, [{"action": "warning_letter"}])
    _finish(runtime, casey, no_evidence, [{"triage_decision": "investigate"}, asked])
    runtime.clock.set(datetime(2026, 3, 9, 17, tzinfo=UTC))
    assert fire_due_batch(runtime.casework).fired == 1

    schedule = {s.case.reference: (s.retention.rule.name, s.retention.due_on)
                for s in retention_schedule(runtime.casework)}
    assert schedule == {
        no_action: ("Anti-social behaviour report: Closed: no action needed", date(2026, 9, 2)),
        action: ("Anti-social behaviour report: Closed: action taken", date(2029, 3, 2)),
        no_evidence: ("Anti-social behaviour report", date(2028, 3, 9)),
    }
    runtime.clock.set(datetime(2026, 9, 3, 9, tzinfo=UTC))
    report = sweep(runtime.casework)
    assert report.anonymised == [no_action] and report.failed == []
