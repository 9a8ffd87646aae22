"""The policy's data protection tools for a customer on both databases: correction and erasure audited; erasure
refused while a case is open, a restriction is in force or a legal hold applies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.cases.cases import start_case
from service.cases.errors import Conflict, InvalidInput, NotAllowed
from service.dao import audit_dao, cases_dao
from service.data_protection.data_protection import change_legal_hold
from service.history.audit_verify import verify_all
from service.packs.unacceptable_behaviour import data_protection
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import isolated_case, restriction_case, tables_mentioning
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey

NAME = "Ottoline Erasmus"


def _customer_reference(runtime, case_reference: str) -> str:
    with runtime.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, case_reference)
        return customers_dao.customer_of_case(session, case.id).reference


def _events(runtime, case_reference: str):
    with runtime.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, case_reference)
        return audit_dao.list_events(session, case.instance_id)


def test_a_correction_changes_the_details_and_records_old_and_new_on_every_case(policy, people):
    first = isolated_case(policy, people["casey"], "Otteline Erasmus")
    customer = _customer_reference(policy, first.reference)
    second = start_case(policy.casework, people["casey"], samples.incident(customer_reference=customer),
                                        process_id=PROCESS_ID).reference
    data_protection.correct_customer(policy.casework, people["dora"], customer,
                                     {"name": NAME, "address": "3 Mill Row\n\n Devizes "})
    with policy.db.reading() as session:
        record = customers_dao.get_customer_by_reference(session, customer)
    assert (record.name, record.address) == (NAME, ["3 Mill Row", "Devizes"])
    for reference in (first.reference, second):
        event = _events(policy, reference)[-1]
        assert event.event_type == "customer_details_corrected" and event.actor_id == people["dora"].user_id
        assert event.data == {"customer_reference": customer,
                              "old": {"name": "Otteline Erasmus", "address": []},
                              "new": {"name": NAME, "address": ["3 Mill Row", "Devizes"]}}
    with pytest.raises(InvalidInput):  # nothing changed
        data_protection.correct_customer(policy.casework, people["dora"], customer,
                                         {"name": NAME, "address": "3 Mill Row\nDevizes"})
    with pytest.raises(NotAllowed):
        data_protection.correct_customer(policy.casework, people["casey"], customer, {"name": "Someone Else"})


def test_erasure_anonymises_every_case_of_the_customer_at_once_and_is_audited(policy, people):
    first = isolated_case(policy, people["casey"], NAME)
    customer = _customer_reference(policy, first.reference)
    policy.clock.set(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    later = start_case(policy.casework, people["casey"], samples.incident(customer_reference=customer),
                                       process_id=PROCESS_ID).reference
    Journey(policy, later).do(people["casey"], "Task_AssessIncident", samples.assessment("isolated"))
    count = data_protection.erase_customer(policy.casework, people["adam"], customer,
                                           {"received_on": "2026-03-30", "checked": ["no_lawful_reason"]})
    assert count == 2
    assert tables_mentioning(policy, NAME, customer) == {}
    for reference in (first.reference, later):
        event = _events(policy, reference)[-1]
        assert (event.event_type, event.actor_id, event.actor_roles) == (
            "case_anonymised", people["adam"].user_id, ["admin"])
        assert event.data == {"reason": "erasure_request", "request_received_on": "2026-03-30"}
    with policy.db.reading() as session:
        assert verify_all(session).intact
    with pytest.raises(Conflict, match="there are no details left to correct"):
        data_protection.correct_customer(policy.casework, people["adam"], _customer_reference(policy, later),
                                         {"name": NAME})


def test_erasure_is_refused_while_a_case_is_open_a_restriction_in_force_or_a_hold_applies(policy, people):
    journey = restriction_case(policy, people, "SH-HOLD-1")
    held = isolated_case(policy, people["casey"], NAME)
    customer = _customer_reference(policy, held.reference)
    change_legal_hold(policy.casework, people["dora"], held.reference, hold=True,
                      form_data={"reason": "Ombudsman complaint 4471"})
    answers = {"received_on": "2026-03-02", "checked": ["no_lawful_reason"]}
    with pytest.raises(Conflict, match="is on legal hold \\(Ombudsman complaint 4471\\)"):
        data_protection.erase_customer(policy.casework, people["adam"], customer, answers)
    with pytest.raises(Conflict, match=f"{journey.reference} is still open.*restriction on this customer is in force"):
        data_protection.erase_customer(policy.casework, people["adam"], "SH-HOLD-1", answers)
    assert {"customers", "incidents"} <= set(tables_mentioning(policy, NAME))
    assert tables_mentioning(policy, "SH-HOLD-1")
    with pytest.raises(InvalidInput):
        data_protection.erase_customer(policy.casework, people["adam"], customer, {"received_on": "2026-03-02"})
