"""Listing someone else's tasks through the API: only for those who manage work, and never a way to
find out which usernames exist."""

from __future__ import annotations

from service.cases.cases import start_case
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks import inbox_actions
from tests.bpmn import samples


def test_a_caseworker_lists_their_own_tasks_but_not_anyone_elses(policy, people, api_as, runtime):
    api = api_as("caseworker")
    reference = api.post("/cases", json=samples.incident()).json["reference"]
    [task] = api.get(f"/cases/{reference}").json["open_tasks"]
    assert api.post(f"/tasks/{task['id']}/claim").status_code == 200
    mine = api.get("/tasks?assignee=me")
    assert mine.status_code == 200 and [t["id"] for t in mine.json["items"]] == [task["id"]]

    someone_else = api.get("/tasks?assignee=casey")
    nobody = api.get("/tasks?assignee=no-such-person")
    # The same status and the same words whether the account exists or not: no probing usernames.
    assert someone_else.status_code == nobody.status_code == 403
    assert someone_else.json == nobody.json


def test_those_who_manage_work_list_another_persons_tasks(policy, people, api_as, runtime):
    started = start_case(policy.casework, people["casey"], samples.incident(), process_id=PROCESS_ID)
    [task] = api_as("caseworker").get(f"/cases/{started.reference}").json["open_tasks"]
    inbox_actions.claim(policy.casework, people["casey"], task["id"])
    for role in ("head_of_service", "executive"):
        manager = api_as(role)
        listed = manager.get("/tasks?assignee=casey")
        assert listed.status_code == 200 and [t["id"] for t in listed.json["items"]] == [task["id"]]
        assert manager.get("/tasks?assignee=no-such-person").status_code == 404


def test_with_neither_assignee_nor_group_the_list_is_ones_own_and_a_foreign_group_is_refused(policy, api_as):
    api = api_as("caseworker")
    reference = api.post("/cases", json=samples.incident()).json["reference"]
    [task] = api.get(f"/cases/{reference}").json["open_tasks"]
    assert api.post(f"/tasks/{task['id']}/claim").status_code == 200
    assert api.get("/tasks").json == api.get("/tasks?assignee=me").json
    assert [t["id"] for t in api.get("/tasks").json["items"]] == [task["id"]]
    assert api.get("/tasks?group=head_of_service").status_code == 403
    assert api.get("/tasks?group=caseworker&assignee=me").status_code == 422
