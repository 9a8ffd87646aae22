"""``camunda:assignee`` names a person who gets the task straight away, if they may do it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import update

from service.casework.assignment import preassigned_user_id
from service.models import User
from service.people import groups
from service.people.offers import TaskOffer, offer_for
from tests.service.conftest import FIXTURES
from workflows.definitions import parse_definitions

DEFINITION = parse_definitions((FIXTURES / "three_tasks.bpmn").read_bytes())[0]
TASK = DEFINITION.user_tasks["Task_First"]


def _assignee(runtime, **changes) -> int | None:
    with runtime.db.reading() as session:
        task = replace(TASK, **changes)
        return preassigned_user_id(session, task, offer_for(session, DEFINITION, task))


def test_the_assignee_gets_the_task_when_they_hold_one_of_its_groups(runtime, people, policy):
    assert TASK.candidate_groups == ("caseworker",)
    assert _assignee(runtime, assignee="casey") == people["casey"].user_id
    assert _assignee(runtime, assignee=" casey ") == people["casey"].user_id
    # No candidate groups: the lane's group decides (here by the group's label, "Caseworkers" is not a lane).
    assert _assignee(runtime, assignee="cora", candidate_groups=(), lane="Caseworker") == people["cora"].user_id
    assert _assignee(runtime, assignee="hana", candidate_groups=(), lane="Heads of Service") == \
        people["hana"].user_id
    assert _assignee(runtime, assignee="hana", candidate_groups=(), lane="Caseworker") is None


def test_anyone_else_named_is_ignored(runtime, people):
    assert _assignee(runtime) is None
    assert _assignee(runtime, assignee="nobody") is None
    assert _assignee(runtime, assignee="${initiator}") is None
    assert _assignee(runtime, assignee="hana") is None  # not a caseworker
    with runtime.db.transaction() as session:
        session.execute(update(User).where(User.username == "casey").values(active=False))
    assert _assignee(runtime, assignee="casey") is None
    assert preassigned_user_id(None, None, TaskOffer((), (), ())) is None


def test_a_member_of_a_group_made_by_an_administrator_or_a_named_candidate_gets_it(runtime, people):
    groups.create_group(runtime.db, people["adam"], name="asb-team", label="ASB team", description="",
                        now=runtime.clock.now())
    assert _assignee(runtime, assignee="owen", candidate_groups=("asb-team",)) is None
    groups.add_member(runtime.db, people["adam"], "asb-team", "owen", runtime.clock.now())
    assert _assignee(runtime, assignee="owen", candidate_groups=("asb-team",)) == people["owen"].user_id
    # Named as a candidate user: no group needed.
    assert _assignee(runtime, assignee="audrey", candidate_users=("audrey",)) == people["audrey"].user_id
