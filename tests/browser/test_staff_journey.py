"""The staff journey in a real browser: from an incident to a restriction, its letter, and an upheld appeal.

A caseworker records an incident, assesses it, tries informal resolution (not resolved), records the
adjustments and proposes a single point of contact; a Head of Service approves; the caseworker
previews the decision letter, makes a PDF draft and confirms it was sent; the customer page shows
the restriction; an appeal is recorded and a different Head of Service upholds it. Every page is
screenshotted, and axe-core checks the inbox, task and case pages. A second run does the core steps
with JavaScript switched off.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.bpmn import samples
from tests.browser.conftest import AXE, Staff

pytestmark = pytest.mark.browser

TODAY = "2026-03-02"  # the live server's frozen clock
# What staff wrote for each other on this journey's case, which no letter to the customer may print.
RETURN_REASONS = "Say which matters the customer may still contact us about."
INTERNAL_DETAILS = (
    "shouted and swore", "J. Smith", "Proportionate after informal steps", "visual impairment", RETURN_REASONS,
    "urgent leak",
)


def assert_accessible(staff: Staff, what: str) -> None:
    """No serious or critical axe-core violations (WCAG 2.2 A and AA rules and best practices)."""
    page = staff.page
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    problems = []
    for violation in result["violations"]:
        if violation["impact"] not in ("serious", "critical"):
            continue
        problems += [f"{violation['id']} ({violation['impact']}): {n['target']} {n['failureSummary']}"
                     for n in violation["nodes"]]
    assert problems == [], f"accessibility problems on {what}:\n" + "\n".join(problems)


def open_task(staff: Staff, reference: str, name: str) -> None:
    """From the case page: open the task and claim it, unless it came already held (a caseworker's next
    step on a case they carry, or the appeal outcome letter for the person who heard the appeal)."""
    staff.goto(f"/cases/{reference}")
    staff.follow(name)
    if staff.page.get_by_role("button", name="Claim this task", exact=True).count():
        staff.submit("Claim this task")
    assert staff.heading() == name


def do_task(staff: Staff, reference: str, name: str, form_key: str, answers: dict, *, check: bool = False) -> None:
    """From the case page: open the task, claim it if need be, answer its form and save."""
    open_task(staff, reference, name)
    staff.fill(form_key, answers)
    staff.screenshot(form_key)
    if check:
        assert_accessible(staff, f"the task page ‘{name}’")
    staff.submit("Save and continue")
    assert f"‘{name}’ is done." in staff.main_text()


def send_letter(staff: Staff, reference: str, name: str, form_key: str, answers: dict, opening: str) -> None:
    """Open the letter task, read the preview, make a PDF draft, then confirm the letter was sent."""
    open_task(staff, reference, name)
    staff.screenshot(f"{form_key}-preview", "section#letter")
    preview = staff.page.frame_locator("section#letter iframe")
    assert preview.locator("h2").first.inner_text() == "The decision we have made"
    assert opening in preview.locator("body").inner_text()
    staff.submit("Make a PDF draft")
    assert "A new PDF draft of the letter has been made." in staff.main_text()
    with staff.page.expect_download() as download:
        staff.page.get_by_role("link", name="Download the PDF draft").click()
    assert download.value.suggested_filename.endswith(".pdf")
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert opening in text
    leaked = [detail for detail in INTERNAL_DETAILS if detail in text]
    assert leaked == [], f"internal details printed in the {name} draft: {leaked}"
    staff.fill(form_key, answers)
    staff.screenshot(form_key)
    assert_accessible(staff, f"the letter task ‘{name}’")
    staff.submit("Save and continue")
    assert f"‘{name}’ is done." in staff.main_text()


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def record_incident(staff: Staff, customer_name: str) -> str:
    staff.goto("/cases/new")
    staff.fill("incident_recorded", samples.incident(
        new_customer="yes", customer_reference=None, customer_name=customer_name, preferred_channel="post",
        correspondence_address="1 Mill Lane\nWestbury\nBA13 1AA"))
    staff.screenshot("record-an-incident")
    staff.submit("Record the incident")
    assert "Incident recorded. The case reference is" in staff.main_text()
    return staff.heading().removeprefix("Case ")


def test_a_restriction_from_incident_to_an_upheld_appeal(browser, live_server, artifacts):
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 1000})  # to inject axe-core
    context.set_default_timeout(15_000)
    page = context.new_page()
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(error))
    staff = Staff(page, live_server, artifacts)

    staff.sign_in("casey")
    staff.goto("/tasks")
    staff.screenshot("inbox")
    assert_accessible(staff, "the inbox")
    reference = record_incident(staff, "Pat Example")
    staff.screenshot("case-opened")
    assert_accessible(staff, "the case page")
    do_task(staff, reference, "Assess the incident", "assess_incident", samples.assessment("informal"), check=True)
    do_task(staff, reference, "Try informal resolution", "informal_resolution",
            samples.informal_resolution("not_resolved", TODAY))
    do_task(staff, reference, "Offer reasonable adjustments", "reasonable_adjustments",
            samples.adjustments("formal_action_needed"))
    do_task(staff, reference, "Propose formal action", "formal_proposal",
            samples.proposal(interventions=["single_point_of_contact"], contact_method=None))

    staff.sign_in("hana")
    staff.goto("/tasks?tab=groups")
    staff.screenshot("head-of-service-inbox")
    assert "Approve the proposed action" in staff.main_text()
    open_task(staff, reference, "Approve the proposed action")
    proposal = " ".join(page.inner_text(".govuk-grid-column-two-thirds section#proposal").split())
    for shown in ("A single point of contact", "A. Patel, senior caseworker", "Abuse continued after a clear warning",
                  "Contact us by email only", "shouted and swore", "Written communication in large print"):
        assert shown in proposal, shown
    assert page.locator("section#proposal ~ form [name=approval_decision]").count(), "the proposal is above the form"
    staff.screenshot("approval-with-the-proposal")
    draft = page.request.get(live_server + page.get_attribute("#draft-decision-letter", "href"))
    assert draft.ok and draft.headers["content-type"] == "application/pdf"
    assert "Contact us only through your single point of contact" in pdf_text(draft.body())
    staff.fill("approve_proposal", {"approval_decision": "return", "approval_reasons": RETURN_REASONS})
    staff.submit("Save and continue")

    staff.sign_in("casey")  # the proposal comes back to the caseworker who made it, filled in as sent
    open_task(staff, reference, "Propose formal action")
    banner = " ".join(page.inner_text(".govuk-notification-banner").split())
    assert "Hana Head returned this for changes." in banner and RETURN_REASONS in banner
    assert page.input_value("#contact_person") == "A. Patel, senior caseworker"
    assert page.is_checked("input[name='interventions'][value='single_point_of_contact']")
    staff.screenshot("proposal-returned-for-changes")
    assert_accessible(staff, "the returned proposal")
    staff.submit("Save and continue")
    assert "‘Propose formal action’ is done." in staff.main_text()

    staff.sign_in("hana")
    do_task(staff, reference, "Approve the proposed action", "approve_proposal", samples.approval("approve"),
            check=True)

    staff.sign_in("casey")
    send_letter(staff, reference, "Send the decision letter", "decision_letter", samples.decision_letter(TODAY),
                "Contact us only through your single point of contact: A. Patel, senior caseworker.")
    staff.follow("Pat Example")
    staff.screenshot("customer-with-restriction")
    banner = " ".join(page.inner_text(".ubp-restriction-banner").split())
    assert "A. Patel, senior caseworker" in banner and "ending on 2 March 2027" in banner

    staff.goto(f"/cases/{reference}")
    staff.follow("Record an appeal received")
    staff.fill("appeal_received", samples.appeal_received(TODAY))
    staff.screenshot("appeal-received")
    staff.submit("Record the appeal")
    assert "Appeal recorded." in staff.main_text()

    staff.sign_in("henry")  # hana approved the restriction, so another Head of Service hears the appeal
    open_task(staff, reference, "Hear the appeal")
    appeal = " ".join(page.inner_text(".govuk-grid-column-two-thirds section#appeal").split())
    assert "The customer says the calls were about an urgent leak." in appeal and "Letter" in appeal
    assert "Decision letter sent 2 March 2026" in appeal
    assert page.locator("section#appeal ~ form [name=appeal_outcome]").count(), "the appeal is above the form"
    staff.screenshot("hearing-with-the-grounds")
    do_task(staff, reference, "Hear the appeal", "appeal_decision", samples.appeal_decision("uphold"), check=True)
    send_letter(staff, reference, "Send the appeal outcome letter", "appeal_outcome_letter",
                {**samples.letter_sent("outcome_letter", TODAY), "outcome_letter_sent_by": "post"},
                "They have upheld the decision.")
    staff.screenshot("case-after-appeal")
    letters = " ".join(page.inner_text("table:has(caption:text('Letters sent')) tbody").split())
    assert "Decision letter 2 March 2026 (post)" in letters and "Appeal outcome letter 2 March 2026 (post)" in letters
    assert script_errors == []
    context.close()


def test_the_core_steps_work_without_javascript(browser, live_server, artifacts):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    staff = Staff(context.new_page(), live_server, artifacts)

    staff.sign_in("cora")
    reference = record_incident(staff, "Sam Example")  # the new customer's name is a revealed question
    do_task(staff, reference, "Assess the incident", "assess_incident", samples.assessment("severe"))
    do_task(staff, reference, "Offer reasonable adjustments", "reasonable_adjustments",
            samples.adjustments_in_translation("formal_action_needed"))
    do_task(staff, reference, "Propose formal action", "formal_proposal", samples.proposal())
    staff.sign_in("erin")
    do_task(staff, reference, "Approve the proposed action", "approve_proposal", samples.approval("approve"))
    staff.sign_in("cora")
    staff.goto(f"/cases/{reference}")
    staff.follow("Send the decision letter")  # cora proposed it, so the letter comes to her already held
    assert not staff.page.get_by_role("button", name="Claim this task", exact=True).count()
    assert "The customer asked for letters in Polish." in staff.main_text()
    staff.submit("Make a PDF draft")
    assert "Download the PDF draft" in staff.main_text()
    staff.fill("decision_letter", samples.decision_letter(TODAY))
    staff.submit("Save and continue")
    assert "‘Send the decision letter’ is done." in staff.main_text()
    assert "Attach the translated decision letter" in staff.main_text()
    staff.screenshot("case-without-javascript")
    context.close()
