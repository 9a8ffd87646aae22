"""My cases, team cases, the workload, and handing work over."""

from __future__ import annotations

from sqlalchemy import select

from service.accounts import people as accounts
from service.models import AuditEvent, Case, TaskReassignment
from service.tasks.inbox_actions import claim
from tests.service.views.conftest import open_task, start_case, text_of


def _references(page):
    return [text_of(a) for a in page.select("#caseload tbody a")]


def test_my_cases_are_those_i_own_or_hold_a_task_on(client_request, three_tasks, people, runtime):
    own = start_case(runtime, people["casey"], "C-1")
    held = start_case(runtime, people["cora"], "C-2")
    start_case(runtime, people["cora"], "C-3")
    claim(runtime.casework, people["casey"], open_task(runtime, held).id)
    page = client_request.login("casey").get("/caseload/mine")
    assert sorted(_references(page)) == sorted([own, held])


def test_team_cases_filter_and_sort_by_owner_age_and_overdue(client_request, three_tasks, people, runtime):
    old = start_case(runtime, people["casey"], "C-1")
    runtime.clock.advance(days=10)  # the first case's task (5 working days) is now overdue
    new = start_case(runtime, people["cora"], "C-2")
    client_request.login("hana")
    page = client_request.get("/caseload/team")
    assert _references(page) == [old, new]
    rows = [[text_of(td) for td in tr.select("td")] for tr in page.select("#caseload tbody tr")]
    assert rows[0][1] == "Casey Worker" and rows[0][4:] == ["10", "1", "1"]
    assert rows[1][1] == "Cora Caseworker" and rows[1][4:] == ["0", "1", "0"]
    assert _references(client_request.get("/caseload/team", sort="newest")) == [new, old]
    assert _references(client_request.get("/caseload/team", overdue="yes")) == [old]
    assert _references(client_request.get("/caseload/team", owner=str(people["cora"].user_id))) == [new]
    assert _references(client_request.get("/caseload/team", step="first")) == [old, new]
    assert _references(client_request.get("/caseload/team", sort="nonsense")) == [old, new]


def test_only_heads_and_executives_see_the_team(client_request, people):
    client_request.login("casey").get("/caseload/team", status=403)
    client_request.login("casey").get("/caseload/workload", status=403)
    client_request.login("audrey").get("/caseload/mine", status=403)
    client_request.login("erin").get("/caseload/workload")


def test_the_workload_counts_open_and_overdue_tasks_per_person_and_group(client_request, three_tasks, people,
                                                                          runtime):
    first = start_case(runtime, people["casey"], "C-1")
    start_case(runtime, people["casey"], "C-2")
    claim(runtime.casework, people["cora"], open_task(runtime, first).id)
    runtime.clock.advance(days=10)
    page = client_request.login("hana").get("/caseload/workload")
    people_rows = [[text_of(td) for td in tr.select("td")] for tr in page.select("#workload-people tbody tr")]
    groups = [[text_of(td) for td in tr.select("td")] for tr in page.select("#workload-groups tbody tr")]
    assert people_rows == [["Cora Caseworker", "1", "1"]]
    assert groups == [["caseworker", "1", "1"]]


def test_handing_over_a_leavers_tasks_and_cases_with_a_reason(client_request, three_tasks, people, runtime):
    first = start_case(runtime, people["casey"], "C-1")
    second = start_case(runtime, people["casey"], "C-2")
    for reference in (first, second):
        claim(runtime.casework, people["casey"], open_task(runtime, reference).id)
    accounts.deactivate(runtime.casework, people["adam"], people["casey"].user_id, "Left", runtime.clock.now())
    client_request.login("hana")
    refused = client_request.post_page("/caseload/hand-over", {"from_user": str(people["casey"].user_id),
                                                              "to_user": str(people["cora"].user_id)})
    assert [a["href"] for a in refused.select(".govuk-error-summary a")] == ["#reason"]
    response = client_request.post("/caseload/hand-over", {
        "from_user": str(people["casey"].user_id), "to_user": str(people["cora"].user_id),
        "reason": "Casey has left", "with_cases": "yes"}, status=200)
    assert "2 task(s) handed over, and 2 case(s) now have a new owner" in response.get_data(as_text=True)
    assert open_task(runtime, first).assignee_id == people["cora"].user_id
    with runtime.db.reading() as session:
        assert {c.owner_id for c in session.scalars(select(Case))} == {people["cora"].user_id}
        reasons = {r.reason for r in session.scalars(select(TaskReassignment))}
        owner_events = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "owner_changed")).all()
    assert reasons == {"Casey has left"} and len(owner_events) == 2
    case_page = client_request.get(f"/cases/{first}")
    assert any("Made Cora Caseworker the case owner" in text_of(t) for t in case_page.select(".moj-timeline__title"))


def test_tasks_the_new_person_may_not_take_stay_and_are_listed(client_request, three_tasks, people, runtime):
    reference = start_case(runtime, people["casey"], "C-1")
    claim(runtime.casework, people["casey"], open_task(runtime, reference).id)
    client_request.login("hana")
    response = client_request.post("/caseload/hand-over", {
        "from_user": str(people["casey"].user_id), "to_user": str(people["audrey"].user_id),
        "reason": "Away"}, status=200)
    html = response.get_data(as_text=True)
    assert "0 task(s) handed over" in html and "Audrey Auditor may not take this task" in html
    assert open_task(runtime, reference).assignee_id == people["casey"].user_id
