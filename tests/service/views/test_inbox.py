"""The inbox: tabs with counts, filters, due and overdue tags, pagination, claim, give back, reassign. It honours
camunda:priority and camunda:followUpDate, sorts five ways, saves filters per person, and lets the holder snooze
a task to a follow-up date."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from service.cases.cases import complete_task
from service.dao import inbox_dao
from service.models import AuditEvent, HumanTask, TaskReassignment
from service.tasks.inbox_actions import claim
from tests.service.conftest import FIXTURES, deploy_fixture
from tests.service.views.conftest import get_task, open_task, start_case, text_of


def _audit_types(runtime) -> list[str]:
    with runtime.db.reading() as session:
        return list(session.scalars(select(AuditEvent.event_type).order_by(AuditEvent.instance_id, AuditEvent.seq)))


def test_the_inbox_has_two_tabs_with_counts_and_due_tags(client_request, three_tasks, people):
    reference = start_case(three_tasks, people["casey"])
    page = client_request.login("cora").get("/tasks")
    tabs = [text_of(a) for a in page.select(".moj-sub-navigation__link")]
    assert tabs == ["My tasks (0)", "Unclaimed tasks for my groups (1)"]
    assert page.select_one(".moj-sub-navigation [aria-current=page]").get_text().startswith("My tasks")
    assert "You are not holding any tasks" in text_of(page.main)

    groups = client_request.get("/tasks", tab="groups")
    row = groups.select_one("table.ubp-inbox tbody tr")
    assert reference in text_of(row) and "Pat Doe" in text_of(row)
    assert text_of(row.select_one(".govuk-tag")) == "Due 9 March 2026"
    assert row.select_one("form button").get_text(" ", strip=True).startswith("Claim")


def test_overdue_tasks_say_so_in_words_and_can_be_filtered(client_request, three_tasks, people, runtime):
    start_case(three_tasks, people["casey"], "C-1", "Ann Early")
    runtime.clock.advance(days=10)
    start_case(three_tasks, people["casey"], "C-2", "Bob Later")
    page = client_request.login("cora").get("/tasks", tab="groups")
    tags = [text_of(t) for t in page.select("tbody .govuk-tag")]
    assert tags == ["Overdue", "Due 19 March 2026"]  # earliest due first
    assert "was due 9 March 2026" in text_of(page.select("tbody tr")[0])

    overdue = client_request.get("/tasks", tab="groups", overdue="yes")
    assert [text_of(r.select("td")[2]) for r in overdue.select("tbody tr")] == ["Ann Early (C-1)"]
    assert overdue.select_one("#filter-overdue").has_attr("checked")
    by_customer = client_request.get("/tasks", tab="groups", customer="bob")
    assert len(by_customer.select("tbody tr")) == 1 and "Bob Later" in text_of(by_customer.select_one("tbody"))
    by_name = client_request.get("/tasks", tab="groups", task_name="Second step")
    assert "no unclaimed tasks for your groups that match the filters" in text_of(by_name.main)
    assert by_name.select_one("#filter-task-name option[selected]")["value"] == "Second step"


def test_the_inbox_pages_and_the_tabs_keep_the_filters(client_request, three_tasks, people, monkeypatch):
    monkeypatch.setattr(inbox_dao, "PAGE_SIZE", 2)
    for number in range(5):
        start_case(three_tasks, people["casey"], f"C-{number}", f"Customer {number}")
    page = client_request.login("cora").get("/tasks", tab="groups", customer="customer")
    pagination = page.select_one("nav.govuk-pagination")
    assert pagination["aria-label"] == "Pages of tasks"
    assert [text_of(a) for a in pagination.select(".govuk-pagination__item")] == ["1", "2", "3"]
    assert pagination.select_one("[aria-current=page]").get_text(strip=True) == "1"
    next_href = pagination.select_one(".govuk-pagination__next a")["href"]
    assert "customer=customer" in next_href and "tab=groups" in next_href
    assert "customer=customer" in page.select(".moj-sub-navigation__link")[0]["href"]

    last = client_request.get("/tasks", tab="groups", customer="customer", page=3)
    assert len(last.select("tbody tr")) == 1
    assert "Showing page 3 of 3: 5 tasks in all." in text_of(last.main)
    assert last.select_one(".govuk-pagination__next") is None


def test_claiming_moves_a_task_to_my_tasks_and_is_audited(client_request, three_tasks, people, runtime):
    reference = start_case(three_tasks, people["casey"])
    task = open_task(runtime, reference)
    client_request.login("cora")
    response = client_request.post(f"/tasks/{task.id}/claim")
    assert response.headers["Location"] == f"/tasks/{task.id}"
    assert "You have picked up ‘First step’." in text_of(client_request.follow(response).main)
    assert get_task(runtime, task.id).assignee_id == people["cora"].user_id
    assert _audit_types(runtime)[-1] == "task_claimed"
    mine = client_request.get("/tasks")
    assert text_of(mine.select(".moj-sub-navigation__link")[0]) == "My tasks (1)"

    released = client_request.post(f"/tasks/{task.id}/unclaim")
    assert "it is unclaimed for the group again" in text_of(client_request.follow(released).main)
    assert get_task(runtime, task.id).assignee_id is None
    assert _audit_types(runtime)[-2:] == ["task_claimed", "task_unclaimed"]


def test_a_task_someone_else_holds_cannot_be_claimed_or_given_back(client_request, three_tasks, people, runtime):
    reference = start_case(three_tasks, people["casey"])
    task = open_task(runtime, reference)
    claim(runtime.casework, people["casey"], task.id)
    client_request.login("cora")
    taken = client_request.post(f"/tasks/{task.id}/claim", {"back": "/tasks?tab=groups"})
    assert taken.headers["Location"] == "/tasks?tab=groups"
    banner = client_request.follow(taken).select_one(".govuk-notification-banner")
    assert "Important" in text_of(banner) and "Someone else has picked up this task" in text_of(banner)
    refused = client_request.post(f"/tasks/{task.id}/unclaim", {"back": "//evil.example/"})
    assert refused.headers["Location"] == "/tasks"
    assert "You can only give back a task you hold." in text_of(client_request.follow(refused).main)
    assert get_task(runtime, task.id).assignee_id == people["casey"].user_id


def test_claims_respect_groups_and_roles(client_request, three_tasks, people, runtime):
    task = open_task(runtime, start_case(three_tasks, people["casey"]))
    hana = client_request.login("hana").post(f"/tasks/{task.id}/claim")
    assert "This task is for another group" in text_of(client_request.follow(hana).main)
    client_request.login("audrey")
    client_request.post(f"/tasks/{task.id}/claim", status=403)
    assert get_task(runtime, task.id).assignee_id is None
    assert client_request.get("/tasks", status=403).h1.get_text(strip=True) == "You do not have permission to do that."


def test_separation_of_duties_keeps_a_proposer_off_the_next_step(client_request, runtime, people):
    second = b'<bpmn:userTask id="Task_Second" name="Second step" camunda:formKey="note" ' \
             b'camunda:candidateGroups="caseworker">'
    excluded = (b'<bpmn:extensionElements><camunda:properties><camunda:property name="excludedActors" '
                b'value="proposer"/></camunda:properties></bpmn:extensionElements>')
    fixture = (FIXTURES / "three_tasks.bpmn").read_bytes().replace(second, second + excluded)
    deploy_fixture(runtime, "three_tasks.bpmn", content=fixture)
    reference = start_case(runtime, people["casey"])
    first = open_task(runtime, reference)
    claim(runtime.casework, people["casey"], first.id)
    complete_task(runtime.casework, people["casey"], first.id, {"note": "Proposed."})
    second = open_task(runtime, reference)
    refused = client_request.login("casey").post(f"/tasks/{second.id}/claim")
    assert "You proposed the formal action on this case" in text_of(client_request.follow(refused).main)
    assert get_task(runtime, second.id).assignee_id is None
    page = client_request.login("hana").get(f"/tasks/{second.id}/reassign")
    assert [text_of(o) for o in page.select("#assignee option")] == ["Select an option", "Cora Caseworker"]
    client_request.login("cora").post(f"/tasks/{second.id}/claim")
    assert get_task(runtime, second.id).assignee_id == people["cora"].user_id


def test_a_head_of_service_reassigns_with_a_reason_and_it_is_audited(client_request, three_tasks, people, runtime):
    task = open_task(runtime, start_case(three_tasks, people["casey"]))
    claim(runtime.casework, people["casey"], task.id)
    page = client_request.login("hana").get(f"/tasks/{task.id}/reassign")
    assert page.h1.get_text(strip=True) == "Reassign ‘First step’"
    options = [text_of(o) for o in page.select("#assignee option")]
    assert options == ["Select an option", "Cora Caseworker"]  # only the task's group, not the holder

    refused = client_request.post_page(f"/tasks/{task.id}/reassign", {"assignee": str(people["cora"].user_id)})
    assert [a["href"] for a in refused.select(".govuk-error-summary a")] == ["#reason"]
    assert text_of(refused.select_one("#reason-error")) == "Error: Enter why you are reassigning the task"
    assert refused.select_one("#assignee option[selected]").get_text() == "Cora Caseworker"
    assert refused.title.get_text().startswith("Error: ")
    assert get_task(runtime, task.id).assignee_id == people["casey"].user_id

    done = client_request.post(f"/tasks/{task.id}/reassign", {
        "assignee": str(people["cora"].user_id), "reason": "Casey is on leave this week.",
    })
    assert "has been reassigned" in text_of(client_request.follow(done).main)
    assert get_task(runtime, task.id).assignee_id == people["cora"].user_id
    with runtime.db.reading() as session:
        record = session.scalars(select(TaskReassignment)).one()
        event = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "task_reassigned")).one()
    assert (record.from_user_id, record.to_user_id, record.by_user_id) == (
        people["casey"].user_id, people["cora"].user_id, people["hana"].user_id)
    assert event.data["reason"] == "Casey is on leave this week." and event.actor_id == people["hana"].user_id


def test_a_task_cannot_be_reassigned_to_someone_outside_its_group(client_request, three_tasks, people, runtime):
    task = open_task(runtime, start_case(three_tasks, people["casey"]))
    page = client_request.login("erin").post_page(f"/tasks/{task.id}/reassign", {
        "assignee": str(people["henry"].user_id), "reason": "Henry asked for it.",
    })
    assert text_of(page.select_one("#assignee-error")) == (
        "Error: Select one of the listed options for ‘Who should take the task?’")
    assert get_task(runtime, task.id).assignee_id is None


def test_caseworkers_cannot_reassign(client_request, three_tasks, people, runtime):
    task = open_task(runtime, start_case(three_tasks, people["casey"]))
    client_request.login("casey")
    client_request.get(f"/tasks/{task.id}/reassign", status=403)
    client_request.post(f"/tasks/{task.id}/reassign", {"assignee": str(people["cora"].user_id), "reason": "x"},
                        status=403)
    assert get_task(runtime, task.id).assignee_id is None


def test_the_overdue_page_lists_overdue_tasks_with_who_holds_them(client_request, three_tasks, people, runtime):
    late = open_task(runtime, start_case(three_tasks, people["casey"], "C-1", "Ann Early"))
    claim(runtime.casework, people["casey"], late.id)
    runtime.clock.advance(days=10)
    start_case(three_tasks, people["casey"], "C-2", "Bob Later")
    page = client_request.login("erin").get("/tasks/overdue")
    rows = page.select("tbody tr")
    assert len(rows) == 1
    assert "Ann Early" in text_of(rows[0]) and "Casey Worker" in text_of(rows[0]) and "Overdue" in text_of(rows[0])
    assert rows[0].select("a")[-1]["href"] == f"/tasks/{late.id}/reassign"
    client_request.login("casey").get("/tasks/overdue", status=403)


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/tasks")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


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
