"""Seeded random walks through the whole policy: every answer, appeal and passage of time in some
order, with the safeguards checked after every step.

SpiffWorkflow's inclusive join (police and safeguarding beside the main path) and its event-based
gateways (timers re-armed on every loop) are where a case could close early, stall, or ask for a
review twice; the scripted scenarios cover each path once, these walks mix them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from tests.bpmn import samples

WALKS = 25
RESTRICTION_WAITS = {"Gateway_RestrictionInForce", "Gateway_RestrictionReviewed"}
REFERRALS = {"Task_ReferToPolice", "Task_AlertSafeguarding"}
NEW_PERIOD = {"Script_RestrictionDates", "Script_VariedRestrictionDates"}


def answer(rnd: random.Random, element: str, today: str) -> dict:
    pick = rnd.choice
    answers = {
        # The intake said yes to both, so a "no" here carries its reason (and the referrals still open).
        "Task_AssessIncident": lambda: samples.assessment(
            pick(["isolated", "informal", "severe"]),
            crime_suspected=pick(["yes", "no"]),
            safeguarding_concern=pick(["yes", "no"]),
            crime_no_longer_suspected_reason="The caller withdrew the threat.",
            safeguarding_no_longer_a_concern_reason="The child was not present after all.",
        ),
        "Task_TryInformalResolution": lambda: samples.informal_resolution(pick(["resolved", "not_resolved"]), today),
        "Task_OfferAdjustments": lambda: pick([samples.adjustments, samples.adjustments_in_translation])(
            pick(["resolved", "formal_action_needed"])
        ),
        "Task_ProposeFormalAction": samples.proposal,
        "Task_ApproveProposal": lambda: samples.approval(pick(["approve", "approve", "reject", "return"])),
        "Task_SendDecisionLetter": lambda: samples.decision_letter(today),
        "Task_ReviewRestriction": lambda: samples.review(pick(["lapse", "lapse", "extend"])),
        "Task_HearAppeal": lambda: pick(
            [
                samples.appeal_decision("uphold"),
                samples.appeal_decision("overturn"),
                samples.appeal_decision("vary", varied_interventions=["single_communication_method"],
                                        varied_restrictions="Email only.", appeal_end_date_changed="no"),
            ]
        ),
        "Task_SendAppealOutcomeLetter": lambda: samples.letter_sent("outcome_letter", today),
        "Task_SendRestrictionEndedLetter": lambda: samples.letter_sent("ended_letter", today),
        "Task_AttachDecisionTranslation": lambda: samples.translated_letter(today),
        "Task_AttachAppealOutcomeTranslation": lambda: samples.translated_letter(today),
        "Task_AttachEndedTranslation": lambda: samples.translated_letter(today),
        "Task_ReferToPolice": lambda: samples.police_referral(today),
        "Task_AlertSafeguarding": lambda: samples.safeguarding_alert(today),
    }
    return answers[element]()


def step(case, rnd: random.Random) -> None:
    options = case.ready()
    if RESTRICTION_WAITS & set(case.waiting()) or "Task_ReviewRestriction" in options:
        options += ["appeal", "time passes"]
    choice = rnd.choice(options)
    if choice == "appeal":
        case.appeal()
    elif choice == "time passes":
        due = case.next_timer()
        before = due - timedelta(seconds=1) if due else None
        if before and before > case.clock.now():
            assert case.set_time(before).completed == [], "a timer fired early"
        case.set_time(due if due and due > case.clock.now() else case.clock.now() + timedelta(days=3))
    else:
        case.complete(choice, answer(rnd, choice, case.today()))


def check_safeguards(case) -> None:
    main_path_ended = "Gateway_OutcomeReached" in case.completed
    if case.finished:
        assert main_path_ended, "the case closed before its outcome was reached"
        assert not REFERRALS & set(case.ready()), "the case closed with a referral outstanding"
    else:
        assert case.ready() or case.waiting(), "the case is stuck"
    reviews_this_period = 0
    for element in case.completed:
        reviews_this_period = 0 if element in NEW_PERIOD else reviews_this_period
        reviews_this_period += element == "Task_ReviewRestriction"
        assert reviews_this_period <= 1, "the same restriction period was reviewed twice"


@pytest.mark.parametrize("seed", range(WALKS))
def test_random_walk_keeps_the_safeguards(new_case, seed):
    rnd = random.Random(seed)
    case = new_case(at=datetime(2026, 1, 5, 10, tzinfo=UTC))
    case.start(crime_suspected="yes", safeguarding_concern="yes")
    for _ in range(150):
        step(case, rnd)
        check_safeguards(case)
        if case.finished:
            # Every stage's yes counts: the intake said yes to both, so both referrals were made.
            assert {"Task_ReferToPolice", "Task_AlertSafeguarding"} <= set(case.completed)
            return
    pytest.fail("the walk did not reach the end of the case")
