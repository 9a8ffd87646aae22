"""``camunda:assignee`` names a person who gets the task straight away, if they may do it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update

from service.casework.assignment import preassigned_user_id
from service.models import User
from tests.service.conftest import FIXTURES
from workflows.definitions import parse_definitions

TASK = parse_definitions((FIXTURES / "three_tasks.bpmn").read_bytes())[0].user_tasks["Task_First"]


def _assignee(runtime, **changes) -> int | None:
    with runtime.db.reading() as session:
        return preassigned_user_id(session, replace(TASK, **changes))


def test_the_assignee_gets_the_task_when_they_hold_one_of_its_groups(runtime, people):
    assert TASK.candidate_groups == ("caseworker",)
    assert _assignee(runtime, assignee="casey") == people["casey"].user_id
    assert _assignee(runtime, assignee=" casey ") == people["casey"].user_id
    # No candidate groups: the lane's roles decide.
    assert _assignee(runtime, assignee="cora", candidate_groups=()) == people["cora"].user_id
    assert _assignee(runtime, assignee="hana", candidate_groups=(), lane="Head of Service or Executive") == \
        people["hana"].user_id


def test_anyone_else_named_is_ignored(runtime, people):
    assert _assignee(runtime) is None
    assert _assignee(runtime, assignee="nobody") is None
    assert _assignee(runtime, assignee="${initiator}") is None
    assert _assignee(runtime, assignee="hana") is None  # not a caseworker
    with runtime.db.transaction() as session:
        session.execute(update(User).where(User.username == "casey").values(active=False))
    assert _assignee(runtime, assignee="casey") is None
    assert preassigned_user_id(None, None) is None
