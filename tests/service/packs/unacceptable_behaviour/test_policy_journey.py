"""The policy process end to end through the service, on both databases: records, letters, separation of duties."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from service.cases.cases import complete_task, deliver_message, start_case
from service.cases.errors import NotAllowed
from service.dao import cases_dao
from service.models import Case, HumanTask
from service.packs.unacceptable_behaviour.dao import letters_dao, records_dao
from service.packs.unacceptable_behaviour.models import Restriction
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.people.actors import Actor
from service.tasks import inbox_actions
from service.tasks.timers import fire_due_batch
from tests.bpmn import samples


class Journey:
    def __init__(self, runtime, reference: str) -> None:
        self.runtime = runtime
        self.reference = reference

    def open_task(self) -> HumanTask:
        with self.runtime.db.reading() as session:
            case = cases_dao.get_case_by_reference(session, self.reference)
            tasks = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id,
                                                           HumanTask.status == "open")).all()
        assert len(tasks) == 1, [t.element_id for t in tasks]
        return tasks[0]

    def do(self, actor, element_id: str, data: dict) -> None:
        task = self.open_task()
        assert task.element_id == element_id
        inbox_actions.claim(self.runtime.casework, actor, task.id)
        complete_task(self.runtime.casework, actor, task.id, data)

    def case(self) -> Case:
        with self.runtime.db.reading() as session:
            return cases_dao.get_case_by_reference(session, self.reference)

    def restrictions(self) -> list[Restriction]:
        with self.runtime.db.reading() as session:
            return list(records_dao.list_restrictions_of_case(session, self.case().id))

    def letters(self):
        with self.runtime.db.reading() as session:
            return list(letters_dao.list_letters_of_case(session, self.case().id))


def _to_restriction(policy, people, letter_on: str) -> Journey:
    casey, hana = people["casey"], people["hana"]
    started = start_case(policy.casework, casey, samples.incident(), process_id=PROCESS_ID)
    journey = Journey(policy, started.reference)
    journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    journey.do(casey, "Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal())
    approval = journey.open_task()
    with pytest.raises(NotAllowed):
        inbox_actions.claim(policy.casework, casey, approval.id)  # not an approver
    proposer_who_approves = Actor(casey.user_id, ("caseworker", "head_of_service"), "Casey Worker")
    with pytest.raises(NotAllowed):
        inbox_actions.claim(policy.casework, proposer_who_approves, approval.id)  # the proposer
    journey.do(hana, "Task_ApproveProposal", samples.approval("approve"))
    journey.do(casey, "Task_SendDecisionLetter", samples.decision_letter(letter_on))
    return journey


def test_a_restriction_runs_its_twelve_months_and_ends_with_a_letter(policy, people):
    journey = _to_restriction(policy, people, "2026-03-02")
    restrictions = journey.restrictions()
    assert {r.kind for r in restrictions} == {"single_point_of_contact", "single_communication_method"}
    assert {(r.status, r.starts_on, r.ends_on) for r in restrictions} == {
        ("active", date(2026, 3, 2), date(2027, 3, 2))
    }
    decision = journey.letters()[0]
    assert decision.kind == "decision" and decision.status == "sent" and decision.letter_format["kind"] == "large_print"
    assert decision.content.startswith(b"%PDF") and len(decision.sha256) == 64

    policy.clock.set(datetime(2027, 2, 2, 0, 0, 1, tzinfo=UTC))  # review date: one month before the end
    assert fire_due_batch(policy.casework).fired == 1
    journey.do(people["hana"], "Task_ReviewRestriction", samples.review("lapse"))
    policy.clock.set(datetime(2027, 3, 2, 0, 0, 1, tzinfo=UTC))
    assert fire_due_batch(policy.casework).fired == 1
    assert {r.status for r in journey.restrictions()} == {"expired"}
    journey.do(people["casey"], "Task_SendRestrictionEndedLetter", samples.letter_sent("ended_letter", "2027-03-02"))
    assert journey.case().status == "closed"
    assert [letter.kind for letter in journey.letters()] == ["decision", "restriction_ended"]


def test_nobody_in_the_decision_hears_the_appeal_and_an_upheld_appeal_keeps_the_end_date(policy, people):
    journey = _to_restriction(policy, people, "2026-03-02")
    policy.clock.set(datetime(2026, 5, 1, 10, 0, tzinfo=UTC))
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                    samples.appeal_received(
        "2026-05-01", appeal_late_reason="The customer was in hospital until the end of April."))
    hearing = journey.open_task()
    with pytest.raises(NotAllowed):
        inbox_actions.claim(policy.casework, people["hana"], hearing.id)  # approved the decision
    journey.do(people["henry"], "Task_HearAppeal", samples.appeal_decision("uphold"))
    journey.do(people["henry"], "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", "2026-05-01"))
    assert {r.ends_on for r in journey.restrictions()} == {date(2027, 3, 2)}
    assert [letter.kind for letter in journey.letters()] == ["decision", "appeal_outcome"]
    with policy.db.reading() as session:
        instance = session.get(__import__("service.models", fromlist=["ProcessInstance"]).ProcessInstance,
                               journey.case().instance_id)
    assert instance.next_timer_due == datetime(2027, 2, 2, 0, 0, tzinfo=UTC)


def test_an_overturned_appeal_lifts_the_restriction_at_once(policy, people):
    journey = _to_restriction(policy, people, "2026-03-02")
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                    samples.appeal_received("2026-03-02"))
    journey.do(people["erin"], "Task_HearAppeal", samples.appeal_decision("overturn"))
    journey.do(people["erin"], "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", "2026-03-02"))
    assert {r.status for r in journey.restrictions()} == {"lifted_on_appeal"}
    assert journey.case().status == "closed"


def test_a_varied_appeal_replaces_the_restrictions_and_can_move_the_end_date(policy, people):
    journey = _to_restriction(policy, people, "2026-03-02")
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                    samples.appeal_received("2026-03-02"))
    journey.do(people["erin"], "Task_HearAppeal", samples.appeal_decision(
        "vary", varied_interventions=["single_communication_method"], varied_restrictions="Email on weekdays only.",
        appeal_end_date_changed="yes", appeal_new_end_date="2026-12-31"))
    journey.do(people["erin"], "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", "2026-03-02"))
    restrictions = journey.restrictions()
    assert sorted(r.status for r in restrictions) == ["active", "varied", "varied"]
    varied = next(r for r in restrictions if r.status == "active")
    assert varied.kind == "single_communication_method" and varied.ends_on == date(2026, 12, 31)
    assert varied.details["varied_terms"] == "Email on weekdays only."
    letter = journey.letters()[-1]
    assert letter.rendered_from["appeal_outcome"] == "varied"
    assert letter.rendered_from["previous_end_date"] == "2027-03-02"
