"""Retention on both databases: a legal hold keeps a case, the worker and the command line sweep, and a process
with no pack is swept and anonymised by the platform alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from service.cases import case_records
from service.cases.cases import complete_task, start_case
from service.dao import audit_dao, cases_dao, tasks_dao
from service.data_protection import data_protection
from service.data_protection.retention import retention_schedule, sweep
from service.history.audit_verify import verify_all
from service.models import AuditEvent, ProcessInstance
from service.packs.registry import pack_for
from service.people import groups
from service.tasks.inbox_actions import claim
from service.worker import Worker
from tests.service.packs.unacceptable_behaviour.policy_cases import isolated_case, tables_mentioning
from tests.service.views.conftest import open_task


def _sweep(runtime, **kwargs):
    return sweep(runtime.casework, **kwargs)


def test_a_legal_hold_keeps_a_case_until_it_is_released(policy, people):
    journey = isolated_case(policy, people["casey"], "Holly Held")
    data_protection.change_legal_hold(policy.casework, people["dora"], journey.reference, hold=True,
                                      form_data={"reason": "Disrepair claim 2026/118"})
    policy.clock.set(datetime(2028, 1, 1, tzinfo=UTC))
    [scheduled] = retention_schedule(policy.casework)
    assert scheduled.held_by == "On legal hold" and scheduled.due(policy.clock.now())
    assert _sweep(policy).anonymised == []
    assert tables_mentioning(policy, "Holly Held")
    data_protection.change_legal_hold(policy.casework, people["adam"], journey.reference, hold=False,
                                      form_data={"reason": "Claim settled"})
    assert _sweep(policy).anonymised == [journey.reference]
    with policy.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, journey.reference)
        types = [e.event_type for e in audit_dao.list_events(session, case.instance_id)]
    assert types[-3:] == ["legal_hold_placed", "legal_hold_released", "case_anonymised"]


def test_the_worker_sweeps_about_once_an_hour(policy, people):
    first = isolated_case(policy, people["casey"], "Hourly Hal")
    worker = Worker(policy, poll_seconds=1)
    policy.clock.set(datetime(2027, 3, 2, 0, 0, 1, tzinfo=UTC) - timedelta(minutes=30))
    worker.sweep_retention_if_due()
    policy.clock.set(datetime(2027, 3, 2, 0, 0, 1, tzinfo=UTC))
    worker.sweep_retention_if_due()  # due now, but the last sweep was only half an hour ago
    assert tables_mentioning(policy, "Hourly Hal")
    policy.clock.set(datetime(2027, 3, 2, 0, 30, 1, tzinfo=UTC))
    worker.sweep_retention_if_due()
    assert tables_mentioning(policy, "Hourly Hal") == {}
    with policy.db.reading() as session:
        instance = session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == first.reference)).one()
        assert session.scalars(select(AuditEvent.event_type).where(AuditEvent.instance_id == instance.id)
                               .order_by(AuditEvent.seq.desc())).first() == "case_anonymised"


def test_the_command_line_sweep_and_its_dry_run(app, policy, people):
    journey = isolated_case(policy, people["casey"], "Clara Command")
    policy.clock.set(datetime(2027, 3, 3, tzinfo=UTC))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention-sweep", "--dry-run"])
    assert dry.exit_code == 0 and journey.reference in dry.output and "nothing was changed" in dry.output
    assert tables_mentioning(policy, "Clara Command")
    done = runner.invoke(args=["retention-sweep"])
    assert done.exit_code == 0 and "Anonymised 1 case(s)." in done.output
    assert tables_mentioning(policy, "Clara Command") == {}


def test_a_process_with_no_pack_is_swept_and_anonymised_by_the_platform_alone(asb_report, people):
    assert pack_for("asb_report") is None
    groups.create_group(asb_report.casework, people["adam"], name="asb-team", label="Anti-social behaviour team",
                        description="", now=asb_report.clock.now())
    groups.add_member(asb_report.casework, people["adam"], "asb-team", "casey", asb_report.clock.now())
    casey = replace(people["casey"], groups=("asb-team",))
    reference = start_case(asb_report.casework, casey, {
        "what_happened": "Loud music from Flat 9.", "happened_on": "2026-03-01", "location": "Hill House",
        "reported_by": "Sam Neighbour"}, process_id="asb_report").reference
    case_records.add_note(asb_report.casework, casey, reference, {"text": "Sam Neighbour rang again."})
    task = open_task(asb_report, reference)
    claim(asb_report.casework, casey, task.id)
    complete_task(asb_report.casework, casey, task.id, {"triage_decision": "no_action"})
    needles = ("Sam Neighbour", "Flat 9", "Hill House")
    assert {"process_instances", "case_notes", "audit_events"} <= set(
        tables_mentioning(asb_report, *needles))

    [scheduled] = retention_schedule(asb_report.casework)
    assert (scheduled.case.reference, scheduled.retention.rule.kind, scheduled.held_by) == (reference, "process", None)
    asb_report.clock.set(datetime.combine(scheduled.retention.due_on, datetime.min.time(), UTC) + timedelta(hours=1))
    assert _sweep(asb_report).anonymised == [reference]

    assert tables_mentioning(asb_report, *needles) == {}
    with asb_report.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, reference)
        events = audit_dao.list_events(session, case.instance_id)
        [answers] = [t.data for t in tasks_dao.list_tasks_of_case(session, case.id)]
        assert verify_all(session).intact
    assert case.anonymised_at is not None and answers == {"triage_decision": ""}
    assert events[-1].event_type == "case_anonymised"
    assert all(e.redacted_at for e in events[:-1])
    assert _sweep(asb_report).anonymised == []
