"""Each decision-maker sees what they decide, in the main column above their decision: the approver the
whole proposal with its draft decision letter, the person hearing an appeal the customer's grounds and
the decision being appealed."""

from __future__ import annotations

import io

from pypdf import PdfReader

from service.cases.cases import deliver_message, start_case
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import restriction_case
from tests.service.packs.unacceptable_behaviour.test_policy_journey import Journey


def _proposed(policy, people) -> Journey:
    casey = people["casey"]
    journey = Journey(policy, start_case(policy.casework, casey, samples.incident(
        what_happened="Qxincident shouted at the call handler."), process_id=PROCESS_ID).reference)
    journey.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    journey.do(casey, "Task_OfferAdjustments", samples.adjustments(
        "formal_action_needed", adjustments_offered=["large_print", "clear_warnings"],
        adjustments_agreed=["large_print"]))
    journey.do(casey, "Task_ProposeFormalAction", samples.proposal(
        interventions=["single_point_of_contact", "single_communication_method", "restricted_contact"],
        contact_limits="Qxlimits repairs only, on Tuesdays.", proposal_reasons="Qxreasons abuse continued.",
        what_it_means="Qxmeaning email only."))
    return journey


def _main(page):
    return page.select_one(".govuk-grid-column-two-thirds")


def test_the_approver_sees_the_whole_proposal_above_the_decision(policy, people, client_request):
    journey = _proposed(policy, people)
    approval = journey.open_task()
    inbox_actions.claim(policy.casework, people["hana"], approval.id)
    page = client_request.login("hana").get(f"/tasks/{approval.id}")
    main = _main(page)
    proposal = main.select_one("#proposal")
    assert proposal is not None, "the proposal is in the main column"
    assert proposal.find_next("form", {"method": "post"}).select_one("[name=approval_decision]"), \
        "the proposal comes before the decision form"
    text = proposal.get_text(" ", strip=True)
    for shown in ("A single point of contact", "Qxlimits repairs only, on Tuesdays.", "Qxreasons abuse continued.",
                  "Qxmeaning email only.", "A. Patel, senior caseworker", "Qxincident shouted at the call handler.",
                  "Which adjustments did you offer?", "Which adjustments did the customer agree?",
                  "Written communication in large print", "Clear warnings before ending a call"):
        assert shown in text, shown
    assert "Which unacceptable behaviour is this proposal about?" in text
    assert proposal.select_one("#draft-decision-letter")["href"] == f"/tasks/{approval.id}/proposed-letter"


def test_the_draft_decision_letter_is_one_click_away(policy, people, client_request):
    journey = _proposed(policy, people)
    approval = journey.open_task()
    client = client_request.login("hana")
    response = client.get_response(f"/tasks/{approval.id}/proposed-letter")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages]
    text = " ".join(pages)
    assert "Qxmeaning" in text and "Qxreasons" in text
    assert all("DRAFT" in page for page in pages)  # it is not the letter that will be sent
    assert "Qxincident" not in text
    # Only a decision step has one: the assessment of a new case does not.
    other = Journey(policy, start_case(policy.casework, people["casey"], samples.incident(),
                                                       process_id=PROCESS_ID).reference)
    assert client.get_response(f"/tasks/{other.open_task().id}/proposed-letter").status_code == 404


def test_the_appeal_hearer_sees_the_grounds_and_the_decision_appealed(policy, people, client_request):
    journey = restriction_case(policy, people, "SH-004211")
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received", samples.appeal_received(
        "2026-03-02", appeal_received_via="email", appeal_grounds="Qxgrounds the calls were about a leak."))
    hearing = journey.open_task()
    assert hearing.element_id == "Task_HearAppeal"
    page = client_request.login("henry").get(f"/tasks/{hearing.id}")
    appeal = _main(page).select_one("#appeal")
    assert appeal is not None
    assert appeal.find_previous("h1").get_text(strip=True) == "Hear the appeal"
    text = appeal.get_text(" ", strip=True)
    assert "Qxgrounds the calls were about a leak." in text
    assert "2 March 2026" in text and "Email" in text
    assert "Decision letter sent 2 March 2026" in text
    assert "From 2 March 2026 to 2 March 2027" in text
    letter = next(x for x in journey.letters() if x.kind == "decision" and x.status == "sent")
    assert appeal.select_one(f"a[href='/cases/{journey.reference}/letters/{letter.id}/pdf']")


def test_other_steps_show_no_brief(policy, people, client_request):
    journey = Journey(policy, start_case(policy.casework, people["casey"], samples.incident(),
                                                         process_id=PROCESS_ID).reference)
    page = client_request.login("casey").get(f"/tasks/{journey.open_task().id}")
    assert page.select_one("#proposal") is None and page.select_one("#appeal") is None
