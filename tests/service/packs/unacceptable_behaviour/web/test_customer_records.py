"""The policy's data protection pages about a customer: their record, correction and erasure, for data protection
officers and administrators, auditors reading only; every page checked as it arrives."""

from __future__ import annotations

import pytest

from service.cases.cases import start_case
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import deploy_policy, isolated_case, tables_mentioning
from tests.service.views.conftest import text_of

NAME = "Petra Pagecheck"


@pytest.fixture
def closed_case(runtime, people):
    deploy_policy(runtime)
    journey = isolated_case(runtime, people["casey"], NAME)
    with runtime.db.reading() as session:
        customer = customers_dao.customer_of_case(session, journey.case().id)
    return journey.reference, customer.reference


def test_only_officers_and_administrators_use_the_tools_and_auditors_only_read(client_request, closed_case):
    _, customer = closed_case
    forms = [f"/data-protection/customers/{customer}/export", f"/data-protection/customers/{customer}/correct",
             f"/data-protection/customers/{customer}/erase"]
    for username in ("casey", "hana", "erin", "owen"):
        client_request.login(username)
        for path in [f"/data-protection/customers/{customer}", *forms]:
            client_request.get(path, status=403)
        for path in forms:
            client_request.post(path, {}, status=403)
    for username in ("adam", "dora"):
        record = client_request.login(username).get(f"/data-protection/customers/{customer}")
        assert len(record.select("#customer-actions a")) == 3 and record.select("a[href$='/legal-hold']")
    # The auditor reads the record, and can change nothing: no links, no forms, no posts.
    client_request.login("audrey")
    record = client_request.get(f"/data-protection/customers/{customer}")
    assert record.select_one("#customer-actions") is None and not record.select("a[href$='/legal-hold']")
    for path in forms:
        client_request.get(path, status=403)
        client_request.post(path, {}, status=403)


def test_a_correction_from_the_browser(client_request, closed_case):
    _, customer = closed_case
    path = f"/data-protection/customers/{customer}/correct"
    form = client_request.login("adam").get(path)
    assert form.select_one("input[name=name]")["value"] == NAME
    problem = client_request.post_page(path, {"name": "", "address": ""})
    assert "Enter the customer's full name" in text_of(problem.select_one(".govuk-error-summary"))
    done = client_request.follow(client_request.post(path, {"name": "Petra Page-Check", "address": "1 Row\nBath"}))
    assert text_of(done.select_one("h1")) == "Petra Page-Check"
    assert text_of(done.select_one("#customer-details")).startswith("Address 1 Row, Bath")


def test_erasure_is_refused_with_reasons_while_a_case_is_open(client_request, runtime, people, closed_case):
    started = start_case(runtime.casework, people["casey"], samples.incident(customer_reference="SH-OPEN-1"),
                                          process_id=PROCESS_ID)
    page = client_request.login("dora").get("/data-protection/customers/SH-OPEN-1/erase")
    assert text_of(page.select_one("h1")) == "Their records cannot be erased now"
    assert f"{started.reference} is still open" in text_of(page.select_one("#erasure-refusals"))
    refused = client_request.follow(client_request.post("/data-protection/customers/SH-OPEN-1/erase", {
        "received_on-day": "2", "received_on-month": "3", "received_on-year": "2026", "checked": "no_lawful_reason"}))
    assert "The records were not erased" in text_of(refused.select_one(".govuk-notification-banner"))
    assert tables_mentioning(runtime, "SH-OPEN-1")


def test_erasure_from_the_browser_leaves_the_case_page_readable(client_request, runtime, closed_case):
    case, customer = closed_case
    path = f"/data-protection/customers/{customer}/erase"
    client_request.login("adam").get(path)
    problem = client_request.post_page(path, {"received_on-day": "2", "received_on-month": "3",
                                              "received_on-year": "2026"})
    assert "Confirm that there is no lawful reason" in text_of(problem.select_one(".govuk-error-summary"))
    done = client_request.follow(client_request.post(path, {
        "received_on-day": "2", "received_on-month": "3", "received_on-year": "2026", "checked": "no_lawful_reason"}))
    assert "Erased: 1 case anonymised" in text_of(done.select_one(".govuk-notification-banner--success"))
    assert tables_mentioning(runtime, NAME, customer) == {}
    client_request.login("audrey")
    case_page = client_request.get(f"/cases/{case}")
    assert "Anonymised customer" in text_of(case_page.select_one("main"))
    client_request.get(f"/data-protection/customers/{customer}", status=404)
