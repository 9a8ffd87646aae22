"""No internal detail reaches a customer letter, whichever letter it is.

One case is filled with internal details (police and safeguarding references and notes, what staff
wrote about the incident, the approver's reasons, the customer's vulnerabilities) and taken through
every kind of letter: decision, appeal outcome, extension and restriction ended. Each marker is one
word, so the PDF's text finds it however the lines wrap. The words meant for the customer are
found, so the search itself is shown to work.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader
from sqlalchemy import select

from service.cases.cases import complete_task, deliver_message, start_case
from service.models import HumanTask
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks import inbox_actions
from service.tasks.timers import fire_due_batch
from service.views.schema_forms import IN_LETTER, INTERNAL, form_fields
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey
from workflows.forms import load_form

INTERNAL_MARKERS = {
    "what_happened": "Qxwhathappened",
    "staff_affected": "Qxstaffaffected",
    "evidence_references": "Qxevidence",
    "assessment_reasons": "Qxassessment",
    "vulnerability_considerations": "Qxvulnerability",
    "police_involvement_details": "Qxpolicedetails",
    "authority_alert_details": "MASH-ref-Qxchildpresent",
    "approval_reasons": "Qxapproval",
    "police_reference": "Qxpoliceref",
    "police_notes": "Qxpolicenotes",
    "safeguarding_reference": "Qxmashref",
    "safeguarding_notes": "Qxsafeguardingnotes",
    "appeal_grounds": "Qxgrounds",
}
CUSTOMER_MARKERS = {"what_it_means": "Qxmeaning", "proposal_reasons": "Qxwhy", "appeal_reasons": "Qxappealwhy",
                    "review_reasons": "Qxextendwhy"}


def _text(letter) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(letter.content)).pages)


def _do(policy, journey: Journey, actor, element_id: str, data: dict) -> None:
    with policy.db.reading() as session:
        task = session.scalars(select(HumanTask).where(
            HumanTask.case_id == journey.case().id, HumanTask.status == "open",
            HumanTask.element_id == element_id)).one()
    inbox_actions.claim(policy.casework, actor, task.id)
    complete_task(policy.casework, actor, task.id, data)


def test_every_letter_type_leaves_out_every_internal_detail(policy, people):
    casey, hana, henry, erin = people["casey"], people["hana"], people["henry"], people["erin"]
    m = INTERNAL_MARKERS
    started = start_case(policy.casework, casey, samples.incident(
        what_happened=f"Shouted. {m['what_happened']}", staff_affected=m["staff_affected"],
        evidence_references=m["evidence_references"], crime_suspected="yes", safeguarding_concern="yes"),
        process_id=PROCESS_ID)
    journey = Journey(policy, started.reference)
    _do(policy, journey, casey, "Task_AssessIncident", samples.assessment(
        "severe", assessment_reasons=m["assessment_reasons"], crime_suspected="yes", safeguarding_concern="yes"))
    _do(policy, journey, casey, "Task_ReferToPolice", {
        "police_reference": m["police_reference"], "police_referred_on": "2026-03-02",
        "police_notes": m["police_notes"]})
    _do(policy, journey, casey, "Task_AlertSafeguarding", {
        "safeguarding_reference": m["safeguarding_reference"], "safeguarding_alerted_on": "2026-03-02",
        "safeguarding_notes": m["safeguarding_notes"]})
    _do(policy, journey, casey, "Task_OfferAdjustments", samples.adjustments(
        "formal_action_needed", vulnerability_considerations=m["vulnerability_considerations"]))
    _do(policy, journey, casey, "Task_ProposeFormalAction", samples.proposal(
        interventions=["single_communication_method", "police_involvement", "safeguarding_alert"],
        police_involvement_details=m["police_involvement_details"],
        authority_alert_details=m["authority_alert_details"],
        proposal_reasons=CUSTOMER_MARKERS["proposal_reasons"], what_it_means=CUSTOMER_MARKERS["what_it_means"]))
    _do(policy, journey, hana, "Task_ApproveProposal", {"approval_decision": "approve",
                                                          "approval_reasons": m["approval_reasons"]})
    _do(policy, journey, casey, "Task_SendDecisionLetter", samples.decision_letter("2026-03-02"))

    deliver_message(policy.casework, casey, journey.reference, "appeal_received", samples.appeal_received(
        "2026-03-02", appeal_grounds=m["appeal_grounds"]))
    _do(policy, journey, erin, "Task_HearAppeal", samples.appeal_decision(
        "vary", appeal_reasons=CUSTOMER_MARKERS["appeal_reasons"],
        varied_interventions=["single_communication_method", "police_involvement", "safeguarding_alert"],
        varied_restrictions="Email on weekdays only.", appeal_end_date_changed="no"))
    _do(policy, journey, erin, "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", "2026-03-02"))

    policy.clock.set(datetime(2027, 2, 2, 9, 0, tzinfo=UTC))
    fire_due_batch(policy.casework)
    _do(policy, journey, henry, "Task_ReviewRestriction", {"review_decision": "extend",
                                                           "review_reasons": CUSTOMER_MARKERS["review_reasons"]})
    _do(policy, journey, casey, "Task_SendDecisionLetter", samples.decision_letter("2027-02-02"))

    policy.clock.set(datetime(2028, 1, 2, 9, 0, tzinfo=UTC))
    fire_due_batch(policy.casework)
    _do(policy, journey, henry, "Task_ReviewRestriction", samples.review("lapse"))
    policy.clock.set(datetime(2028, 2, 2, 9, 0, tzinfo=UTC))
    fire_due_batch(policy.casework)
    _do(policy, journey, casey, "Task_SendRestrictionEndedLetter", samples.letter_sent("ended_letter", "2028-02-02"))

    letters = [letter for letter in journey.letters() if letter.status == "sent"]
    assert [letter.kind for letter in letters] == ["decision", "appeal_outcome", "extension", "restriction_ended"]
    texts = {letter.kind: _text(letter) for letter in letters}
    for kind, text in texts.items():
        leaked = sorted(field for field, marker in m.items() if marker.lower() in text.lower())
        assert leaked == [], f"the {kind} letter prints internal details: {leaked}"
    assert CUSTOMER_MARKERS["what_it_means"] in texts["decision"]
    assert CUSTOMER_MARKERS["appeal_reasons"] in texts["appeal_outcome"]
    assert CUSTOMER_MARKERS["review_reasons"] in texts["extension"]
    assert "We have involved the police." in texts["decision"]


def test_the_form_says_which_answers_go_to_the_customer(policy):
    questions = {}
    for key in ("formal_proposal", "appeal_decision", "police_referral", "safeguarding_alert"):
        stack = list(form_fields(load_form(policy.settings.forms_dir, key)))
        while stack:
            question = stack.pop()
            questions[question.name] = question.hint
            stack += [q for choice in question.choices for q in choice.revealed]
    for name in ("what_it_means", "proposal_reasons", "contact_person", "appeal_reasons", "varied_restrictions"):
        assert questions[name].endswith(IN_LETTER), name
    for name in ("authority_alert_details", "police_involvement_details", "police_reference", "safeguarding_notes"):
        assert questions[name].endswith(INTERNAL), name
