"""The incidents page, the case page and the auditor's history show incidents; retries need an admin and CSRF."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.cases import cases as cases_module
from service.cases.cases import complete_task
from service.dao import incidents_dao, tasks_dao
from service.tasks.timers import fire_due_batch
from tests.service.views.conftest import open_task, start_case, text_of


@pytest.fixture
def failed_timer(runtime, people, monkeypatch):
    from tests.service.conftest import deploy_fixture

    deploy_fixture(runtime, "restriction_clock.bpmn")
    reference = start_case(runtime, people["casey"], "C-1", process_id="restriction_clock")
    task = open_task(runtime, reference)
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=people["casey"].user_id, now=runtime.clock.now())
    complete_task(runtime.casework, people["casey"], task.id, {"decision": "restrict", "letter_date": "2026-01-31"})
    runtime.clock.set(datetime(2027, 1, 31, 0, 5, tzinfo=UTC))

    def broken(*args, **kwargs):
        raise RuntimeError("the letter service is down")

    monkeypatch.setattr(cases_module, "save_step", broken)
    assert fire_due_batch(runtime.casework).failed == 1
    monkeypatch.undo()
    return reference


def _open_incidents(runtime):
    with runtime.db.reading() as session:
        return incidents_dao.page_of(session, 1).rows


def test_only_administrators_see_the_incidents_page(client_request, people):
    client_request.login("casey").get("/admin/incidents", status=403)
    client_request.login("audrey").get("/admin/incidents", status=403)
    page = client_request.login("adam").get("/admin/incidents")
    assert "No open incidents." in text_of(page.main)


def test_an_incident_is_listed_retried_with_csrf_and_then_gone(client_request, runtime, failed_timer):
    page = client_request.login("adam").get("/admin/incidents")
    [row] = page.select("#incidents tbody tr")
    assert text_of(row.select_one("td")) == failed_timer
    assert "A timer could not fire (RuntimeError)" in text_of(row)
    assert "Open (1)" in text_of(page.select_one(".ubp-incident-filters"))
    retry = row.select_one("form")
    client_request.post(retry["action"], status=400, with_csrf=False)
    assert _open_incidents(runtime)  # the forged post did nothing

    done = client_request.follow(client_request.post(retry["action"]))
    assert "was retried." in text_of(done.main)
    assert not _open_incidents(runtime)
    again = client_request.follow(client_request.post(retry["action"]))
    assert "already been dealt with" in text_of(again.main)
    resolved = client_request.get("/admin/incidents?status=resolved")
    assert "retried" in text_of(resolved.select_one("#incidents tbody tr"))


def test_retry_with_bad_new_data_says_why_and_keeps_the_incident(client_request, runtime, failed_timer):
    page = client_request.login("adam").get("/admin/incidents")
    action = page.select("#incidents tbody tr form")[1]["action"]
    for text, reason in (("not json", "not valid JSON"), ('{"bad name": 1}', "Names must start")):
        shown = client_request.follow(client_request.post(action, {"new_data": text}))
        assert reason in text_of(shown.main)
    assert _open_incidents(runtime)
    shown = client_request.follow(client_request.post(action, {"new_data": '{"note": "fixed"}'}))
    assert "with the new data" in text_of(shown.main)


def test_resolving_by_hand(client_request, runtime, failed_timer):
    page = client_request.login("adam").get("/admin/incidents")
    action = page.select("#incidents tbody tr form")[-1]["action"]
    assert action.endswith("/resolve")
    shown = client_request.follow(client_request.post(action))
    assert "marked resolved" in text_of(shown.main) and not _open_incidents(runtime)


def test_the_case_page_and_the_auditors_history_show_the_incident(client_request, failed_timer):
    case_page = client_request.login("casey").get(f"/cases/{failed_timer}")
    assert "A timer could not fire (RuntimeError)" in text_of(case_page.select_one(".ubp-process-incidents"))
    assert "An incident was opened" in text_of(case_page.main)
    history = client_request.login("audrey").get(f"/audit/cases/{failed_timer}")
    assert "Open" in text_of(history.select_one(".ubp-process-incidents"))


def test_the_api_lists_incidents_for_auditors_only(api_as, failed_timer):
    body = api_as("auditor").get("/incidents").get_json()
    assert body["total"] == 1
    [item] = body["items"]
    assert (item["case_reference"], item["kind"], item["status"]) == (failed_timer, "timer", "open")
    assert api_as("auditor").get("/incidents", query_string={"status": "resolved"}).get_json()["total"] == 0
    assert api_as("auditor").get("/incidents", query_string={"kind": "nonsense"}).status_code == 422
    assert api_as("caseworker").get("/incidents").status_code == 403
