"""The inbox honours camunda:priority and camunda:followUpDate, sorts five ways, saves filters per
person, and lets the holder snooze a task to a follow-up date."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from service.models import HumanTask
from service.tasks.inbox_actions import claim
from tests.service.conftest import FIXTURES, deploy_fixture
from tests.service.views.conftest import open_task, start_case, text_of

URGENT = (FIXTURES / "three_tasks.bpmn").read_bytes().replace(
    b'camunda:dueDate="5 working days"',
    b'camunda:dueDate="5 working days" camunda:priority="80" camunda:followUpDate="2 working days"')


@pytest.fixture
def urgent(runtime):
    """The three-task process, with the first task at priority 80 and a follow-up after 2 working days."""
    deploy_fixture(runtime, "three_tasks.bpmn", URGENT)
    return runtime


def _names_and_cases(page):
    return [text_of(tr.select("td")[1]) for tr in page.select(".ubp-inbox tbody tr")]


def test_priority_and_follow_up_from_the_diagram_are_kept_and_shown(client_request, urgent, people, runtime):
    reference = start_case(runtime, people["casey"])
    task = open_task(runtime, reference)
    assert task.priority == 80
    assert task.follow_up_at is not None and task.follow_up_at.date().isoformat() == "2026-03-04"
    claim(runtime.casework, people["casey"], task.id)
    page = client_request.login("casey").get(f"/tasks/{task.id}")
    assert text_of(page.select_one("#task-priority")) == "80 (high)"
    assert text_of(page.select_one("#task-follow-up")) == "4 March 2026"


def test_a_priority_that_is_not_a_number_is_refused_at_deployment(runtime):
    bad = URGENT.replace(b'camunda:priority="80"', b'camunda:priority="${urgent}"')
    outcome = None
    with pytest.raises(Exception) as refused:
        outcome = deploy_fixture(runtime, "three_tasks.bpmn", bad)
    assert outcome is None
    assert "priority that is not a whole number" in " ".join(p.message for p in refused.value.problems)


def test_the_inbox_sorts_by_priority_created_case_due_and_follow_up(client_request, three_tasks, people, runtime):
    references = []
    for n in range(3):
        references.append(start_case(runtime, people["casey"], f"C-{n}"))
        runtime.clock.advance(minutes=1)
    with runtime.db.transaction() as session:
        for priority, reference in zip((10, 90, 50), references, strict=True):
            session.get(HumanTask, open_task(runtime, reference).id).priority = priority
    client_request.login("cora")
    assert _names_and_cases(client_request.get("/tasks", tab="groups", sort="priority")) == [
        references[1], references[2], references[0]]
    assert _names_and_cases(client_request.get("/tasks", tab="groups", sort="created")) == references
    assert _names_and_cases(client_request.get("/tasks", tab="groups", sort="case")) == sorted(references)
    assert _names_and_cases(client_request.get("/tasks", tab="groups", sort="follow_up")) == references
    assert _names_and_cases(client_request.get("/tasks", tab="groups", sort="nonsense")) == references


def test_snoozing_hides_a_task_from_my_list_until_its_follow_up_date(client_request, three_tasks, people, runtime):
    reference = start_case(runtime, people["casey"])
    task = open_task(runtime, reference)
    claim(runtime.casework, people["casey"], task.id)
    client_request.login("casey")
    refused = client_request.post(f"/tasks/{task.id}/snooze", {"follow_up": "2026-03-01"})
    assert "after today" in text_of(client_request.follow(refused).select_one(".govuk-notification-banner"))
    client_request.post(f"/tasks/{task.id}/snooze", {"follow_up": "2026-03-05"})
    assert _names_and_cases(client_request.get("/tasks")) == []
    assert _names_and_cases(client_request.get("/tasks", snoozed="yes")) == [reference]
    runtime.clock.advance(days=3)  # Thursday 5 March
    client_request.login("casey")
    assert _names_and_cases(client_request.get("/tasks")) == [reference]
    client_request.login("cora")
    other = client_request.post(f"/tasks/{task.id}/snooze", {"follow_up": "2026-03-20"})
    assert "only snooze a task you hold" in text_of(client_request.follow(other).select_one(
        ".govuk-notification-banner"))


def test_filters_are_saved_per_person_and_can_be_deleted(client_request, three_tasks, people, runtime):
    start_case(runtime, people["casey"], "C-1")
    client_request.login("cora")
    nameless = client_request.post("/tasks/filters", {"tab": "groups", "sort": "priority", "name": ""})
    assert "Enter a name" in text_of(client_request.follow(nameless).select_one(".govuk-notification-banner"))
    client_request.post("/tasks/filters", {"tab": "groups", "sort": "priority", "overdue": "yes",
                                           "name": "Urgent team work", "evil": "x"})
    page = client_request.get("/tasks")
    [link] = page.select("#saved-filters a")
    assert text_of(link) == "Urgent team work"
    path, _, query = link["href"].partition("?")
    assert path == "/tasks" and parse_qs(query) == {"tab": ["groups"], "overdue": ["yes"], "sort": ["priority"]}
    client_request.login("casey")
    assert client_request.get("/tasks").select("#saved-filters") == []
    form = page.select_one("#saved-filters form")["action"]
    kept = client_request.post(form)
    assert "not found" in text_of(client_request.follow(kept).select_one(".govuk-notification-banner"))
    client_request.login("cora")
    client_request.post(form)
    assert client_request.get("/tasks").select("#saved-filters") == []
