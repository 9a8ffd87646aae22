"""Real policy cases for the audit tests, driven through the casework services with the clock moving
between steps as it would in an office (so every record has its own time)."""

from __future__ import annotations

from datetime import UTC, datetime

from service.cases.cases import deliver_message, start_case
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks.timers import fire_due_batch
from tests.bpmn import samples
from tests.service.conftest import deploy_policy  # noqa: F401 - re-exported for the tests that build on these cases
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey


class Steps(Journey):
    """A journey whose every step happens an hour after the one before."""

    def do(self, actor, element_id: str, data: dict) -> None:
        self.runtime.clock.advance(hours=1)
        super().do(actor, element_id, data)


def open_case(runtime, caseworker, customer_reference: str = "SH-004211", **incident) -> Steps:
    started = start_case(runtime.casework, caseworker, samples.incident(customer_reference=customer_reference,
                                                                       **incident), process_id=PROCESS_ID)
    return Steps(runtime, started.reference)


def restriction_case(runtime, people, customer_reference: str = "SH-004211", *, letter_on: str = "2026-03-02",
                     **incident) -> Steps:
    """Severe: adjustments offered, formal action proposed by Casey, approved by Hana, decision letter sent."""
    casey = people["casey"]
    journey = open_case(runtime, casey, customer_reference, **incident)
    journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    journey.do(casey, "Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal())
    journey.do(people["hana"], "Task_ApproveProposal", samples.approval("approve"))
    journey.do(casey, "Task_SendDecisionLetter", samples.decision_letter(letter_on))
    return journey


def run_to_expiry(runtime, people, journey: Steps) -> None:
    """From a decision letter of 2 March 2026: reviewed and let lapse, lifted on 2 March 2027, closed."""
    runtime.clock.set(datetime(2027, 2, 2, 0, 0, 1, tzinfo=UTC))
    assert fire_due_batch(runtime.casework).fired >= 1
    journey.do(people["hana"], "Task_ReviewRestriction", samples.review("lapse"))
    runtime.clock.set(datetime(2027, 3, 2, 0, 0, 1, tzinfo=UTC))
    assert fire_due_batch(runtime.casework).fired >= 1
    journey.do(people["casey"], "Task_SendRestrictionEndedLetter", samples.letter_sent("ended_letter", "2027-03-02"))


def appeal(runtime, people, journey: Steps, outcome: str = "uphold", on: str = "2026-03-02", **decision) -> None:
    """An appeal received and heard by Henry, who took no part in the decision."""
    runtime.clock.advance(hours=1)
    deliver_message(runtime.casework, people["casey"], journey.reference, "appeal_received",
                                     samples.appeal_received(on))
    journey.do(people["henry"], "Task_HearAppeal", samples.appeal_decision(outcome, **decision))
    journey.do(people["henry"], "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", on))


def referral_case(runtime, people, flag: str) -> Steps:
    """An isolated incident where the assessment flagged a crime or a safeguarding concern; the
    referral is made and the case closes."""
    casey = people["casey"]
    journey = open_case(runtime, casey, "SH-007700")
    journey.do(casey, "Task_AssessIncident", samples.assessment("isolated", **{flag: "yes"}))
    if flag == "crime_suspected":
        journey.do(casey, "Task_ReferToPolice", samples.police_referral("2026-03-02"))
    else:
        journey.do(casey, "Task_AlertSafeguarding", samples.safeguarding_alert("2026-03-02"))
    return journey
