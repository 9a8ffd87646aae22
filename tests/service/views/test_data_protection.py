"""The data-protection pages: data protection officers and administrators, auditors reading only; the schedule,
the search of the pack that keeps records about people, and legal hold from the browser, every page checked as it
arrives. (The policy's customer pages are the pack's: tests/service/packs/unacceptable_behaviour/web.)"""

from __future__ import annotations

from dataclasses import replace

import pytest

from service.packs import registry
from service.packs.unacceptable_behaviour.dao import customers_dao
from tests.service.packs.unacceptable_behaviour.policy_cases import deploy_policy, isolated_case
from tests.service.views.conftest import text_of

NAME = "Petra Pagecheck"


@pytest.fixture
def closed_case(runtime, people):
    deploy_policy(runtime)
    journey = isolated_case(runtime, people["casey"], NAME)
    with runtime.db.reading() as session:
        customer = customers_dao.customer_of_case(session, journey.case().id)
    return journey.reference, customer.reference


def test_only_officers_and_administrators_place_holds_and_auditors_only_read(client_request, closed_case):
    case, _ = closed_case
    form = f"/data-protection/cases/{case}/legal-hold"
    for username in ("casey", "hana", "erin", "owen"):
        client_request.login(username)
        client_request.get("/data-protection", status=403)
        client_request.get(form, status=403)
        client_request.post(form, {}, status=403)
        navigation = client_request.get("/data-protection", status=403).select_one("#navigation")
        assert navigation and "Data protection" not in text_of(navigation)
    for username in ("adam", "dora", "audrey"):
        page = client_request.login(username).get("/data-protection")
        assert text_of(page.select_one("#navigation a[aria-current=page]")) == "Data protection"
    # The auditor reads the schedule and can change nothing: no links, no forms, no posts.
    client_request.login("audrey")
    assert not client_request.get("/data-protection").select("a[href$='/legal-hold']")
    client_request.get(form, status=403)
    client_request.post(form, {}, status=403)


def test_the_schedule_shows_each_case_with_its_rule_and_due_date(client_request, closed_case):
    case, customer = closed_case
    page = client_request.login("audrey").get("/data-protection")
    [row] = page.select("#schedule-table tbody tr")
    assert [text_of(cell) for cell in row.select("td")][:4] == [
        case, "2 March 2026", "Closed with no further action (every case): 1 year", "2 March 2027"]
    assert "Physical threats or actual violence 5 years" in text_of(page.select_one("#policy-table"))
    assert ("The periods are set in the service's configuration (<code>RETENTION_POLICY</code>); ask the "
            "administrator of the server to change them.") in str(page.select_one("main"))
    found = client_request.get("/data-protection", q="Pagecheck").select_one("#found-customers a")
    assert found["href"] == f"/data-protection/customers/{customer}"


@pytest.fixture
def no_data_subjects():
    """Every registered pack as it is, but keeping no records about people."""
    registered = [pack for pack in registry.packs().values() if pack.data_subjects]
    for pack in registered:
        registry.register(replace(pack, data_subjects=None))
    yield
    for pack in registered:
        registry.register(pack)


def test_with_no_pack_that_keeps_records_about_people_the_page_finds_no_one(client_request, closed_case,
                                                                            no_data_subjects):
    page = client_request.login("dora").get("/data-protection", q="Pagecheck")
    assert page.select_one("#customers") is None and page.select_one("#found-customers") is None
    assert "customer" not in text_of(page.select_one("main")).split("Anonymisation schedule")[1].lower()
    assert page.select("#schedule-table tbody tr")


@pytest.fixture
def no_retention_policy():
    """Every registered pack as it is, but with no retention policy of its own (``Pack.retention``)."""
    registered = [pack for pack in registry.packs().values() if pack.retention]
    for pack in registered:
        registry.register(replace(pack, retention=None))
    yield
    for pack in registered:
        registry.register(pack)


def test_with_no_pack_that_has_a_retention_policy_the_page_lists_no_policy(client_request, closed_case,
                                                                           no_retention_policy):
    case, _ = closed_case
    page = client_request.login("audrey").get("/data-protection")
    assert page.select_one("#policy") is None and page.select_one("#policy-table") is None
    assert "RETENTION_POLICY" not in text_of(page.select_one("main"))
    [row] = page.select("#schedule-table tbody tr")  # kept for its process's period instead
    assert text_of(row.select("td")[0]) == case


def test_a_legal_hold_is_placed_and_released_with_a_reason(client_request, closed_case):
    case, _ = closed_case
    path = f"/data-protection/cases/{case}/legal-hold"
    client_request.login("adam").get(path)
    problem = client_request.post_page(path, {"change": "place", "reason": ""})
    assert text_of(problem.select_one(".govuk-error-summary")) == "There is a problem Enter the reason"
    done = client_request.follow(client_request.post(path, {"change": "place", "reason": "Claim CL-77"}))
    assert f"{case} is now on legal hold." in text_of(done.select_one(".govuk-notification-banner--success"))
    assert "On legal hold" in text_of(done.select_one("#schedule-table"))
    again = client_request.follow(client_request.post(path, {"change": "place", "reason": "Double click"}))
    assert "already on legal hold" in text_of(again.select_one(".govuk-notification-banner"))
    release = client_request.get(path)
    assert text_of(release.select_one("h1")) == f"Release the legal hold on {case}"
    client_request.post(path, {"change": "release", "reason": "Claim withdrawn"})
    assert "On legal hold" not in text_of(client_request.get("/data-protection").select_one("#schedule-table"))
