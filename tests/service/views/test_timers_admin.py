"""The timers page: administrators only; what fires when, in London time; failures with a retry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from service.cases import cases as cases_module
from service.cases.cases import complete_task
from service.dao import audit_dao, tasks_dao, timers_dao
from service.models import ProcessInstance
from service.tasks.timers import fire_due_batch
from tests.service.conftest import csrf_token_from, deploy_fixture, sign_in
from tests.service.views.conftest import open_task, start_case, text_of


@pytest.fixture
def clock_process(runtime):
    deploy_fixture(runtime, "restriction_clock.bpmn")
    return runtime


def _restricted_case(runtime, people, customer: str, letter_date: str) -> str:
    reference = start_case(runtime, people["casey"], customer, process_id="restriction_clock")
    task = open_task(runtime, reference)
    with runtime.db.transaction() as session:
        tasks_dao.claim(session, task.id, user_id=people["casey"].user_id, now=runtime.clock.now())
    complete_task(runtime.casework, people["casey"], task.id, {"decision": "restrict", "letter_date": letter_date})
    return reference


def _instance(runtime, reference: str) -> ProcessInstance:
    with runtime.db.reading() as session:
        return session.scalars(select(ProcessInstance).where(ProcessInstance.business_key == reference)).one()


def _fail_timers(runtime, monkeypatch) -> None:
    def broken_save_step(*args, **kwargs):
        raise RuntimeError("the letter service is down")

    monkeypatch.setattr(cases_module, "save_step", broken_save_step)
    assert fire_due_batch(runtime.casework).failed >= 1
    monkeypatch.undo()


def test_only_administrators_may_see_the_timers(client, people):
    assert client.get("/admin/timers").status_code == 302  # to sign in
    for username in ("casey", "hana", "owen", "audrey"):
        assert sign_in(client, username).status_code == 302
        assert client.get("/admin/timers").status_code == 403
        assert client.post("/admin/timers/1/retry", data={
            "csrf_token": csrf_token_from(client.get("/sign-in").get_data(as_text=True)),
        }).status_code == 403
    assert sign_in(client, "adam").status_code == 302
    assert client.get("/admin/timers").status_code == 200


def test_scheduled_timers_are_listed_soonest_first_in_london_time(client_request, clock_process, people):
    summer = _restricted_case(clock_process, people, "C-1", "2026-02-20")
    winter = _restricted_case(clock_process, people, "C-2", "2026-01-31")
    start_case(clock_process, people["casey"], "C-3", process_id="restriction_clock")  # waits for a person

    page = client_request.login("adam").get("/admin/timers")
    rows = page.select("#scheduled + table tbody tr")
    assert [text_of(row.select_one("td")) for row in rows] == [winter, summer]
    assert text_of(rows[0]).startswith(f"{winter} Restriction in force 31 January 2027 at midnight "
                                       "End date reached (date): 31 January 2027 at midnight Change")
    assert rows[0].select_one("time")["datetime"] == "2027-01-31T00:00:00+00:00"
    assert rows[0].select_one("a")["href"] == f"/cases/{winter}"
    assert "No timer has failed." in text_of(page.main)
    assert "2 timers in all" in text_of(page.main)
    assert text_of(page.select_one("#navigation a[aria-current=page]")) == "Timers"


def test_summer_times_show_as_london_midnight(client_request, clock_process, people, runtime):
    runtime.clock.set(datetime(2026, 6, 20, 9, tzinfo=UTC))
    _restricted_case(clock_process, people, "C-1", "2026-06-15")
    row = client_request.login("adam").get("/admin/timers").select_one("#scheduled + table tbody tr")
    assert "15 June 2027 at midnight" in text_of(row)
    assert row.select_one("time")["datetime"] == "2027-06-14T23:00:00+00:00"


def test_the_schedule_is_paginated(client_request, clock_process, people, monkeypatch):
    monkeypatch.setattr(timers_dao, "PAGE_SIZE", 2)
    references = [_restricted_case(clock_process, people, f"C-{n}", f"2026-01-{n:02d}") for n in (1, 2, 3)]
    client_request.login("adam")
    first = client_request.get("/admin/timers")
    second = client_request.get("/admin/timers", page=2)
    beyond = client_request.get("/admin/timers", page=9)
    assert [text_of(r.select_one("td")) for r in first.select("#scheduled + table tbody tr")] == references[:2]
    assert [text_of(r.select_one("td")) for r in second.select("#scheduled + table tbody tr")] == references[2:]
    assert "page 2 of 2" in text_of(beyond.main)
    assert first.select_one(".govuk-pagination__next a")["href"] == "/admin/timers?page=2"


def test_a_failed_timer_shows_its_error_and_attempts_and_can_be_retried_now(
    client_request, clock_process, people, runtime, monkeypatch
):
    reference = _restricted_case(clock_process, people, "C-1", "2026-01-31")
    runtime.clock.set(datetime(2027, 1, 31, 0, 5, tzinfo=UTC))
    _fail_timers(runtime, monkeypatch)

    page = client_request.login("adam").get("/admin/timers")
    row = page.select_one("#failed + table tbody tr")
    cells = [text_of(cell) for cell in row.select("td")]
    assert cells[:5] == [reference, "Restriction in force", "RuntimeError: the letter service is down", "1",
                         "31 January 2027 at 12:05am"]
    form = row.select_one("form")
    assert form["method"] == "post" and form.select_one("input[name=csrf_token]")["value"]
    assert text_of(form.select_one("button")) == f"Retry now the timer on {reference}"
    assert "Failed, retrying" in text_of(page.select_one("#scheduled + table tbody tr"))

    client_request.post(form["action"], status=400, with_csrf=False)
    assert _instance(runtime, reference).next_timer_due == datetime(2027, 1, 31, 0, 5, 30, tzinfo=UTC)
    done = client_request.follow(client_request.post(form["action"]))
    assert f"The timer on {reference} will be tried again within a few seconds." in text_of(done.main)
    instance = _instance(runtime, reference)
    assert instance.next_timer_due == runtime.clock.now() and instance.timer_attempts == 1
    with runtime.db.reading() as session:
        last = audit_dao.list_events(session, instance.id)[-1]
    assert last.event_type == "timer_retry_requested" and last.actor_id == people["adam"].user_id

    assert fire_due_batch(runtime.casework).fired == 1
    again = client_request.follow(client_request.post(form["action"]))
    assert "nothing to retry" in text_of(again.main)
    assert "No timer has failed." in text_of(again.main) and "No case is waiting on a timer." in text_of(again.main)


def test_retrying_a_case_that_does_not_exist_changes_nothing(client_request, people):
    page = client_request.follow(client_request.login("adam").post("/admin/timers/999/retry"))
    assert "nothing to retry" in text_of(page.main)


def test_each_waiting_timer_is_named_with_its_due_time_on_the_timers_page_and_the_case_page(
    client_request, clock_process, people
):
    reference = _restricted_case(clock_process, people, "C-1", "2026-01-31")
    page = client_request.login("adam").get("/admin/timers")
    timers = page.select_one("#scheduled + table tbody tr .ubp-waiting-timers li")
    assert text_of(timers).startswith("End date reached (date): 31 January 2027 at midnight")
    case_page = client_request.login("casey").get(f"/cases/{reference}")
    row = case_page.select_one("#timers + table tbody tr")
    assert text_of(row) == "End date reached 31 January 2027 at midnight"
    assert row.select_one("time")["datetime"] == "2027-01-31T00:00:00+00:00"


def test_an_administrator_moves_a_timer_with_a_reason_and_it_is_on_the_record(client_request, clock_process, people):
    runtime = clock_process
    reference = _restricted_case(runtime, people, "C-1", "2026-01-31")
    instance = _instance(runtime, reference)
    path = f"/admin/timers/{instance.id}/Gateway_Wait"
    client_request.login("adam")
    form = client_request.get(path)
    assert "31 January 2027 at midnight" in text_of(form.main)

    refused = client_request.post_page(path, {"action": "move", "due": "2027-02-15T09:00", "reason": " "})
    assert "Give the reason" in text_of(refused.select_one(".govuk-error-summary"))
    refused = client_request.post_page(path, {"action": "move", "due": "soon", "reason": "Customer asked"})
    assert "Enter the new due date" in text_of(refused.select_one(".govuk-error-summary"))
    assert _instance(runtime, reference).next_timer_due == datetime(2027, 1, 31, tzinfo=UTC)

    done = client_request.follow(client_request.post(path, {"action": "move", "due": "2027-07-15T09:00",
                                                             "reason": "Extended by the panel"}))
    assert "now falls due 15 July 2027 at 9am" in text_of(done.main)
    moved = _instance(runtime, reference)
    assert moved.next_timer_due == datetime(2027, 7, 15, 8, 0, tzinfo=UTC)  # London summer time
    assert moved.waiting_timers[0]["due"] == "2027-07-15T08:00:00+00:00"
    with runtime.db.reading() as session:
        last = audit_dao.list_events(session, moved.id)[-1]
    assert last.event_type == "timer_moved" and last.actor_id == people["adam"].user_id
    assert last.data["reason"] == "Extended by the panel" and last.data["was_due"] == "2027-01-31T00:00:00+00:00"

    runtime.clock.set(datetime(2027, 2, 1, tzinfo=UTC))
    assert fire_due_batch(runtime.casework).claimed == 0  # the old date no longer fires it


def test_an_administrator_fires_a_timer_now_and_the_case_moves_on(client_request, clock_process, people):
    runtime = clock_process
    reference = _restricted_case(runtime, people, "C-1", "2026-01-31")
    instance = _instance(runtime, reference)
    path = f"/admin/timers/{instance.id}/Gateway_Wait"
    client_request.login("adam")
    done = client_request.follow(client_request.post(path, {"action": "fire", "reason": "Ended early by agreement"}))
    assert f"The timer ‘End date reached’ on {reference} has fired." in text_of(done.main)
    fired = _instance(runtime, reference)
    assert fired.status == "completed" and fired.next_timer_due is None and fired.waiting_timers == []
    with runtime.db.reading() as session:
        events = [e.event_type for e in audit_dao.list_events(session, fired.id)]
    assert "timer_fired_now" in events
    assert client_request.get(path, status=404)


def test_only_administrators_may_change_a_timer(client, clock_process, people):
    reference = _restricted_case(clock_process, people, "C-1", "2026-01-31")
    path = f"/admin/timers/{_instance(clock_process, reference).id}/Gateway_Wait"
    for username in ("casey", "hana", "audrey"):
        assert sign_in(client, username).status_code == 302
        assert client.get(path).status_code == 403
        assert client.post(path, data={
            "csrf_token": csrf_token_from(client.get("/sign-in").get_data(as_text=True)),
            "action": "fire", "reason": "x",
        }).status_code == 403
    assert _instance(clock_process, reference).status == "running"
