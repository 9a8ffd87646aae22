"""``camunda:assignee`` names a person who gets the task straight away, if they may do it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import update

from service.accounts.api_tokens import issue_token
from service.cases.cases import complete_task, start_case
from service.cases.errors import Conflict
from service.dao import tasks_dao
from service.models import User
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.people import groups
from service.people.actors import Actor
from service.people.offers import TaskOffer, offer_for
from service.tasks import inbox_actions
from service.tasks.assignment import preassigned_user_id
from tests.bpmn import samples
from tests.service.conftest import FIXTURES
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey
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
    groups.create_group(runtime.casework, people["adam"], name="asb-team", label="ASB team", description="",
                        now=runtime.clock.now())
    assert _assignee(runtime, assignee="owen", candidate_groups=("asb-team",)) is None
    groups.add_member(runtime.casework, people["adam"], "asb-team", "owen", runtime.clock.now())
    assert _assignee(runtime, assignee="owen", candidate_groups=("asb-team",)) == people["owen"].user_id
    # Named as a candidate user: no group needed.
    assert _assignee(runtime, assignee="audrey", candidate_users=("audrey",)) == people["audrey"].user_id


def _held(runtime, task_id: str) -> tuple[int | None, object]:
    with runtime.db.reading() as session:
        task = tasks_dao.get_task(session, task_id)
        return task.assignee_id, task.claimed_at


def _proposed(runtime, people) -> Journey:
    casey = people["casey"]
    journey = Journey(runtime, start_case(runtime.casework, casey, samples.incident(), process_id=PROCESS_ID).reference)
    # Recording the incident is the first caseworker step: its assessment is given to the same caseworker.
    assert _held(runtime, journey.open_task().id) == (casey.user_id, None)
    journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    assert _held(runtime, journey.open_task().id)[0] == casey.user_id
    journey.do(casey, "Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal())
    return journey


def test_the_caseworker_who_did_the_last_caseworker_step_is_given_the_next(policy, people):
    journey = _proposed(policy, people)
    approval = journey.open_task()
    assert _held(policy, approval.id) == (None, None), "a Head's step is claimed as before"
    journey.do(people["hana"], "Task_ApproveProposal", samples.approval("approve"))
    letter = journey.open_task()
    assert letter.element_id == "Task_SendDecisionLetter"
    assert _held(policy, letter.id) == (people["casey"].user_id, None), "after the Head's step, the same caseworker"


def test_another_caseworker_can_take_over_a_task_given_by_continuity(policy, people):
    casey, cora = people["casey"], people["cora"]
    journey = Journey(policy, start_case(policy.casework, casey, samples.incident(), process_id=PROCESS_ID).reference)
    assessment = journey.open_task()
    inbox_actions.claim(policy.casework, cora, assessment.id)
    assert _held(policy, assessment.id)[0] == cora.user_id
    with pytest.raises(Conflict):  # once taken over (claimed), it is no longer up for grabs
        inbox_actions.claim(policy.casework, casey, assessment.id)
    complete_task(policy.casework, cora, assessment.id, samples.assessment("severe"))
    assert _held(policy, journey.open_task().id)[0] == cora.user_id, "the next step follows whoever did this one"


def test_continuity_never_gives_a_task_to_someone_no_longer_active(policy, people):
    journey = _proposed(policy, people)
    with policy.db.transaction() as session:
        session.execute(update(User).where(User.id == people["casey"].user_id).values(active=False))
    journey.do(people["hana"], "Task_ApproveProposal", samples.approval("approve"))
    assert _held(policy, journey.open_task().id) == (None, None)


def test_continuity_never_gives_a_task_to_a_service_account(policy, people):
    issued = issue_token(policy.casework, people["adam"], "Contact centre", ["caseworker"], policy.clock.now())
    integration = Actor(issued.record.service_user_id, ("caseworker",), "Contact centre (API)")
    journey = Journey(policy, start_case(policy.casework, integration, samples.incident(),
                                                         process_id=PROCESS_ID).reference)
    assert _held(policy, journey.open_task().id) == (None, None)
