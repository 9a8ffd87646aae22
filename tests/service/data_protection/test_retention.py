"""Retention on both databases: past its period a case is anonymised everywhere, and only then."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from service.cases import case_records
from service.cases.cases import start_case
from service.dao import audit_dao, cases_dao
from service.data_protection import data_protection
from service.data_protection.retention import retention_schedule, sweep
from service.history import access_log
from service.history.audit_verify import verify_all
from service.models import AuditEvent, Customer, Letter, ProcessInstance
from service.packs.unacceptable_behaviour import subject_access
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.worker import Worker
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import (
    isolated_case,
    let_restriction_end,
    letter_texts,
    restriction_case,
    statistics,
    tables_mentioning,
)
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey

NAME, REFERENCE, STREET = "Zebedee Quux", "SH-ZQ-77123", "Quuxwell Lane"
OTHER_NAME = "Yolanda Brightwater"


def _sweep(runtime, **kwargs):
    return sweep(runtime.casework, runtime.settings.retention_policy, **kwargs)


def _restricted_customer_with_history(policy, people):
    """Customer SH-ZQ-77123: named by correction, with letters, a note, an export and views on record."""
    journey = restriction_case(policy, people, REFERENCE)
    data_protection.correct_customer(policy.casework, people["adam"], REFERENCE,
                                     {"name": NAME, "address": f"12 {STREET}\nMelksham"})
    policy.clock.set(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    case_records.add_note(policy.casework, people["casey"], journey.reference,
                          {"text": f"{NAME} rang again from {STREET}.", "evidence_reference": f"call {REFERENCE}"})
    let_restriction_end(policy, people, journey)
    access_log.record_view(policy.casework, people["audrey"], "customer", REFERENCE)
    access_log.record_view(policy.casework, people["audrey"], "case", journey.reference)
    subject_access.export_customer(policy.casework, people["dora"], REFERENCE, {"redact_staff_names": "no"})
    return journey


def test_past_retention_a_case_is_anonymised_everywhere_and_the_statistics_and_audit_stay(policy, people):
    journey = _restricted_customer_with_history(policy, people)
    other = start_case(policy.casework, people["casey"], samples.incident(
        new_customer="yes", customer_reference=None, customer_name=OTHER_NAME, preferred_channel="post",
        correspondence_address="3 Other Street\nFrome"), process_id=PROCESS_ID).reference
    needles = (NAME, "Zebedee", "Quux", REFERENCE)
    assert set(tables_mentioning(policy, *needles)) >= {"customers", "process_instances", "incidents",
                                                        "audit_events", "case_notes", "letters", "access_log"}
    letters_before = letter_texts(policy)
    assert len(letters_before) == 2 and all(REFERENCE in text for text in letters_before)
    assert NAME in letters_before[-1]  # the letter sent after the correction
    before = statistics(policy)

    [scheduled] = [s for s in retention_schedule(policy.casework, policy.settings.retention_policy)
                   if s.case.reference == journey.reference]
    assert (scheduled.retention.rule.name, scheduled.retention.closed_on) == ("restriction", date(2027, 3, 2))
    assert scheduled.retention.due_on == date(2030, 3, 2)
    policy.clock.set(datetime(2030, 3, 1, 23, 59, tzinfo=UTC))
    assert _sweep(policy).anonymised == []
    policy.clock.set(datetime(2030, 3, 2, 0, 0, 1, tzinfo=UTC))
    assert _sweep(policy, dry_run=True).due == [journey.reference]
    assert tables_mentioning(policy, NAME)  # a dry run changes nothing
    assert _sweep(policy).anonymised == [journey.reference]

    assert tables_mentioning(policy, *needles) == {}
    assert not any(n.lower() in text.lower() for text in letter_texts(policy) for n in needles)
    assert {"customers", "incidents", "process_instances"} <= set(tables_mentioning(policy, OTHER_NAME))
    assert statistics(policy) == before
    with policy.db.reading() as session:
        assert verify_all(session).intact
        case = cases_dao.get_case_by_reference(session, journey.reference)
        customer = customers_dao.get_customer(session, case.customer_id)
        letters = session.scalars(select(Letter).where(Letter.case_id == case.id)).all()
        events = audit_dao.list_events(session, case.instance_id)
    assert case.anonymised_at and customer.anonymised_at and customer.reference.startswith("ANON-")
    assert all(letter.anonymised_at and len(letter.sha256) == 64 for letter in letters)
    assert events[-1].event_type == "case_anonymised" and events[-1].actor_roles == ["system"]
    assert events[-1].data == {"reason": "retention", "rule": "restriction", "period": "3 years",
                               "closed_on": "2027-03-02", "due_on": "2030-03-02"}
    assert all(e.redacted_at for e in events[:-1])
    assert other and _sweep(policy).anonymised == []  # nothing more to do


def test_the_longest_applicable_rule_wins_and_violence_keeps_a_case_five_years(policy, people):
    plain = isolated_case(policy, people["casey"], "Pat Plain")
    violent = isolated_case(policy, people["casey"], "Vic Violent", violence_or_threats="yes")
    schedule = {s.case.reference: s.retention for s in retention_schedule(policy.casework,
                                                                          policy.settings.retention_policy)}
    assert (schedule[plain.reference].rule.name, schedule[plain.reference].due_on) == (
        "isolated_incident", date(2027, 3, 2))
    assert (schedule[violent.reference].rule.name, schedule[violent.reference].due_on) == (
        "violence_or_threats", date(2031, 3, 2))
    policy.clock.set(datetime(2027, 3, 3, tzinfo=UTC))
    assert _sweep(policy).anonymised == [plain.reference]
    assert tables_mentioning(policy, "Pat Plain") == {}
    assert tables_mentioning(policy, "Vic Violent")


def test_a_legal_hold_keeps_a_case_until_it_is_released(policy, people):
    journey = isolated_case(policy, people["casey"], "Holly Held")
    data_protection.change_legal_hold(policy.casework, people["dora"], journey.reference, hold=True,
                                      form_data={"reason": "Disrepair claim 2026/118"})
    policy.clock.set(datetime(2028, 1, 1, tzinfo=UTC))
    [scheduled] = retention_schedule(policy.casework, policy.settings.retention_policy)
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


def test_a_restriction_in_force_keeps_the_customers_older_cases(policy, people):
    old = start_case(policy.casework, people["casey"], samples.incident(
        customer_reference=REFERENCE), process_id=PROCESS_ID)
    Journey(policy, old.reference).do(people["casey"], "Task_AssessIncident", samples.assessment("isolated"))
    policy.clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=UTC))
    restriction_case(policy, people, REFERENCE, letter_on="2027-04-01")
    [scheduled] = retention_schedule(policy.casework, policy.settings.retention_policy)
    assert scheduled.case.reference == old.reference and scheduled.due(policy.clock.now())
    assert scheduled.held_by == "A restriction on the customer is in force"
    assert _sweep(policy).anonymised == []


def test_a_case_whose_customer_has_other_cases_is_unlinked_and_the_customer_kept(policy, people):
    first = isolated_case(policy, people["casey"], NAME)
    with policy.db.reading() as session:
        reference = cases_dao.get_case_by_reference(session, first.reference)
        customer_reference = customers_dao.get_customer(session, reference.customer_id).reference
    policy.clock.set(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    later = start_case(policy.casework, people["casey"], samples.incident(
        customer_reference=customer_reference, occurred_at="2027-06-01T08:00"), process_id=PROCESS_ID).reference
    assert _sweep(policy).anonymised == [first.reference]
    with policy.db.reading() as session:
        anonymised = cases_dao.get_case_by_reference(session, first.reference)
        open_case = cases_dao.get_case_by_reference(session, later)
        stand_in = session.get(Customer, anonymised.customer_id)
        kept = session.get(Customer, open_case.customer_id)
    assert stand_in.reference.startswith("ANON-") and stand_in.name == "Anonymised customer"
    assert (kept.reference, kept.name, kept.anonymised_at) == (customer_reference, NAME, None)


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
