"""Anonymising a policy case on both databases: past its retention period it is anonymised everywhere (its
incidents, letters and customer as well as the platform's records), and only then; a customer with other cases
keeps them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from service.cases import case_records
from service.cases.cases import start_case
from service.dao import audit_dao, cases_dao
from service.data_protection.retention import retention_schedule, sweep
from service.history import access_log
from service.history.audit_verify import verify_all
from service.packs.unacceptable_behaviour import data_protection, subject_access
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.models import Letter
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import (
    isolated_case,
    let_restriction_end,
    letter_texts,
    restriction_case,
    statistics,
    tables_mentioning,
)

NAME, REFERENCE, STREET = "Zebedee Quux", "SH-ZQ-77123", "Quuxwell Lane"
OTHER_NAME = "Yolanda Brightwater"


def _sweep(runtime, **kwargs):
    return sweep(runtime.casework, **kwargs)


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

    [scheduled] = [s for s in retention_schedule(policy.casework)
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
        customer = customers_dao.customer_of_case(session, case.id)
        letters = session.scalars(select(Letter).where(Letter.case_id == case.id)).all()
        events = audit_dao.list_events(session, case.instance_id)
    assert case.anonymised_at and customer.anonymised_at and customer.reference.startswith("ANON-")
    assert all(letter.anonymised_at and len(letter.sha256) == 64 for letter in letters)
    assert events[-1].event_type == "case_anonymised" and events[-1].actor_roles == ["system"]
    assert events[-1].data == {"reason": "retention", "rule": "restriction", "period": "3 years",
                               "closed_on": "2027-03-02", "due_on": "2030-03-02"}
    assert all(e.redacted_at for e in events[:-1])
    assert other and _sweep(policy).anonymised == []  # nothing more to do


def test_a_case_whose_customer_has_other_cases_is_unlinked_and_the_customer_kept(policy, people):
    first = isolated_case(policy, people["casey"], NAME)
    with policy.db.reading() as session:
        reference = cases_dao.get_case_by_reference(session, first.reference)
        customer_reference = customers_dao.customer_of_case(session, reference.id).reference
    policy.clock.set(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    later = start_case(policy.casework, people["casey"], samples.incident(
        customer_reference=customer_reference, occurred_at="2027-06-01T08:00"), process_id=PROCESS_ID).reference
    assert _sweep(policy).anonymised == [first.reference]
    with policy.db.reading() as session:
        anonymised = cases_dao.get_case_by_reference(session, first.reference)
        open_case = cases_dao.get_case_by_reference(session, later)
        stand_in = customers_dao.customer_of_case(session, anonymised.id)
        kept = customers_dao.customer_of_case(session, open_case.id)
    assert stand_in.reference.startswith("ANON-") and stand_in.name == "Anonymised customer"
    assert (kept.reference, kept.name, kept.anonymised_at) == (customer_reference, NAME, None)
