"""The policy's own pages about its cases: recording an incident (its start page), recording an appeal, and
adding a further incident."""

from __future__ import annotations

import pytest

from service.packs.unacceptable_behaviour.web import case_pages
from tests.service.conftest import deploy_fixture
from tests.service.views.conftest import start_case, text_of


@pytest.fixture
def three_tasks_as_policy(three_tasks, monkeypatch):
    """The record-an-incident page starts the policy process; here it starts the three-task fixture."""
    monkeypatch.setattr(case_pages, "PROCESS_ID", "three_tasks")
    return three_tasks


def test_record_an_incident_starts_a_case_and_shows_it(client_request, three_tasks_as_policy, people):
    page = client_request.login("casey").get("/cases/new")
    assert page.h1.get_text(strip=True) == "Record an incident"
    assert page.select_one("label[for=customer_reference]").get_text(strip=True) == "Customer reference"
    response = client_request.post("/cases/new", {"customer_reference": "c-77", "customer_name": "Sam Green"})
    assert response.headers["Location"] == "/cases/UB-2026-0001"
    case = client_request.follow(response)
    assert "The case reference is UB-2026-0001." in text_of(case.select_one(".govuk-notification-banner"))
    assert case.h1.get_text(strip=True) == "Case UB-2026-0001"
    assert "Sam Green" in text_of(case.select_one(".govuk-caption-l"))


def test_record_an_incident_keeps_what_was_entered_when_something_is_missing(client_request, three_tasks_as_policy,
                                                                            people):
    client_request.login("casey")
    page = client_request.post_page("/cases/new", {"customer_name": "Sam Green"})
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#customer_reference"]
    assert page.select_one("#customer_name")["value"] == "Sam Green"
    assert "govuk-form-group--error" in page.select_one("#customer_reference").find_parent("div")["class"]


def test_record_an_incident_says_so_when_the_policy_is_not_deployed(client_request, people):
    page = client_request.login("casey").get("/cases/new", status=503)
    assert "has not been deployed" in text_of(page.main)


def test_only_caseworkers_record_incidents(client_request, three_tasks_as_policy, people):
    for username in ("hana", "audrey", "owen"):
        client_request.login(username).get("/cases/new", status=403)
    client_request.login("hana").post("/cases/new", {"customer_reference": "C-1"}, status=403)


def test_an_appeal_is_not_offered_unless_the_case_waits_for_one(client_request, three_tasks, people):
    reference = start_case(three_tasks, people["casey"])
    page = client_request.login("casey").get(f"/cases/{reference}")
    assert page.select_one(f"a[href='/cases/{reference}/appeal']") is None
    refused = client_request.get_response(f"/cases/{reference}/appeal")
    assert refused.status_code == 302
    assert "An appeal can only be recorded" in text_of(client_request.follow(refused).main)


def test_a_process_with_no_incident_questions_still_takes_a_further_incident(client_request, runtime, people):
    deploy_fixture(runtime, "three_tasks.bpmn")
    reference = start_case(runtime, people["casey"])
    page = client_request.login("casey").get(f"/cases/{reference}/incidents")
    assert page.h1.get_text(strip=True) == "Add a further incident"
    client_request.login("hana").get(f"/cases/{reference}/incidents", status=403)
