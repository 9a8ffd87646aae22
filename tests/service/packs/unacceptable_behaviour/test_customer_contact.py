"""Customers' contact details (recorded with a new customer's first incident, corrected before a letter is
sent, never "by post" without an address), and recording an incident from a customer's page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.cases.cases import complete_task, start_case
from service.cases.errors import InvalidInput
from service.models import AuditEvent
from service.packs.unacceptable_behaviour.models import Customer
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.web.test_policy_pages import as_posted
from tests.service.views.conftest import open_task, text_of

NEW_CUSTOMER = {"new_customer": "yes", "customer_reference": None, "customer_name": "Sam Green"}


def _customer(runtime, name: str = "Sam Green") -> Customer:
    with runtime.db.reading() as session:
        return session.scalars(select(Customer).where(Customer.name == name)).one()


def test_a_new_customers_contact_details_are_recorded_with_the_incident(client_request, policy, people):
    client_request.login("casey")
    done = client_request.post("/cases/new", as_posted("incident_recorded", samples.incident(
        **NEW_CUSTOMER, correspondence_address="4 Mill Lane\nWestbury\nBA13 1AA", preferred_channel="post")))
    assert done.headers["Location"].startswith("/cases/UB-")
    customer = _customer(policy)
    assert (customer.address, customer.email, customer.preferred_channel) == (
        ["4 Mill Lane", "Westbury", "BA13 1AA"], "", "post")
    page = client_request.get(f"/customers/{customer.reference}")
    details = {text_of(r.dt): text_of(r.dd) for r in page.select("#contact-details div")}
    assert details == {"Correspondence address": "4 Mill Lane, Westbury, BA13 1AA",
                       "Email address": "Not recorded", "Letters go": "By post"}


def test_by_post_is_refused_without_an_address(client_request, policy, people):
    client_request.login("casey")
    page = client_request.post_page("/cases/new", as_posted("incident_recorded", samples.incident(
        **NEW_CUSTOMER, preferred_channel="post")))
    assert [text_of(a) for a in page.select(".govuk-error-summary a")] == [
        "Enter the customer's correspondence address: letters by post need one"]


def test_contact_details_are_corrected_on_the_customers_page_and_audited_on_open_cases(client_request, policy,
                                                                                     people):
    started = start_case(policy.casework, people["casey"], samples.incident(**NEW_CUSTOMER, preferred_channel="email",
                                                                           customer_email="sam@example.com"),
                                                                           process_id=PROCESS_ID)
    customer = _customer(policy)
    client_request.login("hana")
    form = client_request.get(f"/customers/{customer.reference}/contact")
    assert form.select_one("#customer_email")["value"] == "sam@example.com"
    refused = client_request.post_page(f"/customers/{customer.reference}/contact", {"preferred_channel": "post"})
    assert "letters by post need one" in text_of(refused.select_one(".govuk-error-summary"))
    done = client_request.post(f"/customers/{customer.reference}/contact", {
        "preferred_channel": "post", "correspondence_address": "9 New Road\nFrome", "customer_email": ""})
    assert "Contact details saved." in text_of(client_request.follow(done).main)
    customer = _customer(policy)
    assert (customer.address, customer.email, customer.preferred_channel) == (["9 New Road", "Frome"], "", "post")
    with policy.db.reading() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.event_type == "contact_details_corrected"
    assert event.data["form"]["correspondence_address"] == "9 New Road\nFrome"
    assert started.reference
    client_request.login("audrey").get(f"/customers/{customer.reference}/contact", status=403)


def test_a_letter_cannot_go_by_post_to_a_customer_without_an_address(policy, people):
    casey, hana = people["casey"], people["hana"]
    reference = start_case(policy.casework, casey, samples.incident(
        **NEW_CUSTOMER, preferred_channel="email", customer_email="sam@example.com"), process_id=PROCESS_ID).reference
    for actor, answers in ((casey, samples.assessment("severe")), (casey, samples.adjustments("formal_action_needed")),
                           (casey, samples.proposal()), (hana, samples.approval("approve"))):
        task = open_task(policy, reference)
        inbox_actions.claim(policy.casework, actor, task.id)
        complete_task(policy.casework, actor, task.id, answers)
    task = open_task(policy, reference)
    inbox_actions.claim(policy.casework, casey, task.id)
    with pytest.raises(InvalidInput) as refused:
        complete_task(policy.casework, casey, task.id, samples.decision_letter("2026-03-02"))
    assert refused.value.problems[0].field == "letter_sent_by"
    assert "no correspondence address" in refused.value.problems[0].message
    complete_task(policy.casework, casey, task.id, {**samples.decision_letter("2026-03-02"), "letter_sent_by": "email"})


def test_recording_an_incident_from_a_customers_page_chooses_that_customer_and_offers_the_open_case(
        client_request, policy, people):
    first = start_case(policy.casework, people["casey"], samples.incident(customer_reference="SH-000777"),
                                       process_id=PROCESS_ID).reference
    client_request.login("casey")
    customer_page = client_request.get("/customers/SH-000777")
    link = customer_page.select_one("main a[href^='/cases/new?']")
    assert link["href"] == "/cases/new?customer=SH-000777"
    page = client_request.get(link["href"])
    assert page.select_one("input[name=new_customer][value=no]").has_attr("checked")
    assert page.select_one("#customer_reference")["value"] == "SH-000777"
    assert page.select_one(f"#open-case a[href='/cases/{first}/incidents']")

    answers = as_posted("incident_recorded", samples.incident(customer_reference="SH-000777", new_case_reason=None))
    refused = client_request.post_page("/cases/new", answers)
    assert [text_of(a) for a in refused.select(".govuk-error-summary a")] == [
        f"SH-000777 already has an open case ({first}). Add this incident to that case, or say why a new case is right"]
    assert refused.select_one(f"#open-case a[href='/cases/{first}/incidents']")
    done = client_request.post("/cases/new", {**answers, "new_case_reason": "A separate matter: the garage lease."})
    assert done.headers["Location"] != f"/cases/{first}"
