"""Who a task is offered to: any group an administrator made, people named on the task, a lane's group."""

from __future__ import annotations

import pytest

from service.auth.passwords import hash_password
from service.cases.cases import complete_task, start_case
from service.cases.errors import NotAllowed
from service.dao import users_dao
from service.dao.inbox_dao import InboxFilters
from service.people import groups
from service.tasks import inbox_actions
from service.tasks.inbox import load_inbox
from tests.service.conftest import deploy_fixture
from tests.service.process_files import THREE_TASKS
from tests.service.views.conftest import open_task

# The first step for the ASB team; the second for Tess by name; the third in a lane named after a group.
TEAM_TASKS = (
    THREE_TASKS
    .replace('name="First step" camunda:formKey="note" camunda:candidateGroups="caseworker"',
             'name="First step" camunda:formKey="note" camunda:candidateGroups="asb-team"')
    .replace('name="Second step" camunda:formKey="note" camunda:candidateGroups="caseworker"',
             'name="Second step" camunda:formKey="note" camunda:candidateUsers="tess, nobody"')
    .replace('name="Third step" camunda:formKey="note" camunda:candidateGroups="caseworker"',
             'name="Third step" camunda:formKey="note"')
    .replace('<bpmn:flowNodeRef>Task_Third</bpmn:flowNodeRef>', '')
    .replace('</bpmn:laneSet>', '<bpmn:lane id="Lane_Estate" name="Estate team">'
             '<bpmn:flowNodeRef>Task_Third</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')
)


def _person(runtime, username: str, name: str):
    with runtime.db.transaction() as session:
        user = users_dao.add_user(session, username=username, full_name=name, password_hash=hash_password("x" * 12),
                                  roles=[], job_title="", now=runtime.clock.now())
        user_id = user.id
    with runtime.db.reading() as session:
        return groups.actor_of(session, users_dao.get_user(session, user_id))


def _offered(runtime, actor) -> list[str]:
    inbox = load_inbox(runtime.casework, actor, runtime.clock.now(), "groups", InboxFilters(), 1)
    return [row.task.name for row in inbox.page.rows]


def _fresh(runtime, actor):
    with runtime.db.reading() as session:
        return groups.actor_of(session, users_dao.get_user(session, actor.user_id))


@pytest.fixture
def team(runtime, people):
    adam = people["adam"]
    groups.create_group(runtime.casework, adam, name="asb-team", label="ASB team", description="",
                        now=runtime.clock.now())
    groups.create_group(runtime.casework, adam, name="estate-team", label="Estate team", description="",
                        now=runtime.clock.now())
    tess, ed = _person(runtime, "tess", "Tess Team"), _person(runtime, "ed", "Ed Estate")
    groups.add_member(runtime.casework, adam, "asb-team", "tess", runtime.clock.now())
    groups.add_member(runtime.casework, adam, "estate-team", "ed", runtime.clock.now())
    return _fresh(runtime, tess), _fresh(runtime, ed)


def test_each_task_goes_to_its_group_its_named_people_or_its_lanes_group(runtime, people, team):
    tess, ed = team
    outcome = deploy_fixture(runtime, "three_tasks.bpmn", TEAM_TASKS.encode())
    assert outcome.warnings == ["The task 'Second step' names nobody as candidate users, "
                                "but there is no active account with that username."]
    casey = people["casey"]
    reference = start_case(runtime.casework, casey, {"customer_reference": "C-1"}, process_id="three_tasks").reference
    assert _offered(runtime, tess) == ["First step"]
    assert _offered(runtime, casey) == [] and _offered(runtime, ed) == []
    task = _only_open(runtime, reference)
    with pytest.raises(NotAllowed):
        inbox_actions.claim(runtime.casework, casey, task)
    inbox_actions.claim(runtime.casework, tess, task)
    complete_task(runtime.casework, tess, task, {"note": "Seen it"})

    second = _only_open(runtime, reference)
    assert _offered(runtime, tess) == ["Second step"] and _offered(runtime, ed) == []
    with pytest.raises(NotAllowed):
        inbox_actions.claim(runtime.casework, ed, second)
    inbox_actions.claim(runtime.casework, tess, second)
    complete_task(runtime.casework, tess, second, {"note": "Done"})

    third = _only_open(runtime, reference)
    assert _offered(runtime, ed) == ["Third step"] and _offered(runtime, tess) == []
    inbox_actions.claim(runtime.casework, ed, third)
    complete_task(runtime.casework, ed, third, {"note": "Finished"})


def test_the_reassign_list_holds_the_groups_members_and_the_named_people(runtime, people, team):
    deploy_fixture(runtime, "three_tasks.bpmn", TEAM_TASKS.encode())
    reference = start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"},
                                            process_id="three_tasks").reference
    page = inbox_actions.reassignment(runtime.casework, people["hana"], _only_open(runtime, reference))
    choices = [c["title"] for c in page.form.schema["properties"]["assignee"]["oneOf"]]
    assert choices == ["Tess Team"]


def test_a_group_no_one_is_in_is_a_deploy_warning_and_its_task_waits(runtime, people):
    outcome = deploy_fixture(runtime, "three_tasks.bpmn", TEAM_TASKS.encode())
    assert outcome.versions[0].created
    assert "The group 'asb-team' does not exist yet: 'First step' will wait" in outcome.message
    assert any("'Third step' is in the lane 'Estate team', which matches no group" in w for w in outcome.warnings)


def _only_open(runtime, reference: str) -> str:
    return open_task(runtime, reference).id
