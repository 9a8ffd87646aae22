"""The compliance report, the policy's page for auditors: every case checked against the policy's rules, with
the Board's figures; auditors only."""

from __future__ import annotations

import pytest

from tests.service.audit_cases import appeal, restriction_case
from tests.service.history.tampering import tamper
from tests.service.views.conftest import text_of


@pytest.fixture
def appealed(policy, people):
    journey = restriction_case(policy, people)
    appeal(policy, people, journey)
    return journey.reference


def test_the_compliance_report_reads_well_with_nothing_recorded(client_request, policy, people):
    page = client_request.login("audrey").get("/audit/compliance")
    assert "0 cases checked: none breaks a rule." in text_of(page)


@pytest.mark.parametrize("username", ["casey", "hana", "erin", "owen", "adam"])
def test_only_auditors_read_the_compliance_report(client_request, policy, people, username):
    assert client_request.login(username).get_response("/audit/compliance").status_code == 403


def test_the_audit_start_page_links_to_the_compliance_report(client_request, policy, people):
    page = client_request.login("audrey").get("/audit")
    link = page.select_one("main ul a[href='/audit/compliance']")
    assert text_of(link) == "Compliance with the policy"


def test_the_compliance_report_lists_breaches_with_links_and_figures(client_request, policy, people, appealed):
    tamper(policy, "UPDATE restrictions SET ends_on = '2027-03-03'")
    page = client_request.login("audrey").get("/audit/compliance")
    assert "1 breaks at least one rule" in text_of(page.select_one(".govuk-body-l"))
    rules = {text_of(r.select("td")[0]): [text_of(c) for c in r.select("td")[1:]] for r in page.select("tbody tr")
             if len(r.select("td")) == 4}
    assert rules["Restriction ends 12 calendar months after the letter"] == ["1", "0", "1"]
    assert rules["Appeal heard by someone outside the original decision"] == ["1", "1", "0"]
    breaches = page.select_one("dl[data-rule=twelve-months]")
    assert breaches.a["href"] == f"/audit/cases/{appealed}"
    figures = {text_of(r.dt): text_of(r.dd) for r in page.select("#figures + dl .govuk-summary-list__row")}
    assert figures["Restrictions in force"] == "2, on 1 customer"
    assert figures["Appeals"].startswith("1 decided, 0 waiting") and "Upheld: 1" in figures["Appeals"]
    assert figures["Median time from incident to decision"] == "0 days, over 1 decision"
