"""The policy's letter pages, on both databases: the preview inside the notification task, PDF drafts, and
attaching the translated letter (the letter a decision would send: test_briefs.py)."""

from __future__ import annotations

import io

import weasyprint
from pypdf import PdfReader
from sqlalchemy import select

from service.cases.cases import complete_task, start_case
from service.models import User
from service.packs.unacceptable_behaviour.letter_rendering import Signatory
from service.packs.unacceptable_behaviour.letter_rendering.render import TEMPLATE_VERSION
from service.packs.unacceptable_behaviour.letter_signatures import signatory_of
from service.packs.unacceptable_behaviour.models import Letter
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.packs.unacceptable_behaviour.web.letter_pages import PREVIEW_POLICY
from service.security import CONTENT_SECURITY_POLICY
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.web.test_policy_pages import as_posted
from tests.service.views.conftest import open_task, text_of

HEADINGS = ("The decision we have made", "Why we made this decision", "What this means for you", "How to appeal")


def at_decision_letter(runtime, people, adjustments=None) -> tuple[str, str]:
    """A case approved for a restriction, its "Send the decision letter" task held by Casey."""
    casey = people["casey"]
    reference = start_case(runtime.casework, casey, samples.incident(), process_id=PROCESS_ID).reference
    for username, element, answers in (
        ("casey", "Task_AssessIncident", samples.assessment("severe")),
        ("casey", "Task_OfferAdjustments", adjustments or samples.adjustments("formal_action_needed")),
        ("casey", "Task_ProposeFormalAction", samples.proposal()),
        ("hana", "Task_ApproveProposal", samples.approval("approve")),
    ):
        task = open_task(runtime, reference)
        assert task.element_id == element
        inbox_actions.claim(runtime.casework, people[username], task.id)
        complete_task(runtime.casework, people[username], task.id, answers)
    task = open_task(runtime, reference)
    inbox_actions.claim(runtime.casework, casey, task.id)
    return reference, task.id


def letters_of(runtime) -> list[Letter]:
    with runtime.db.reading() as session:
        return list(session.scalars(select(Letter).order_by(Letter.id)))


def test_the_letter_task_shows_the_letter_that_will_be_sent(client_request, policy, people):
    reference, task_id = at_decision_letter(policy, people)
    page = client_request.login("casey").get(f"/tasks/{task_id}")
    section = page.select_one("section#letter")
    frame = section.select_one("iframe")
    assert frame["src"] == f"/tasks/{task_id}/letter-preview" and frame.has_attr("sandbox")
    assert not frame["sandbox"] and frame["title"] == "Preview of the decision letter"  # no allow-* at all
    assert "dated today" in text_of(section)
    assert text_of(section.select_one("form button")) == "Make a PDF draft"
    assert section.select_one("a[href$='/pdf']") is None  # no draft yet

    preview = client_request.get_response(f"/tasks/{task_id}/letter-preview")
    assert preview.status_code == 200 and preview.mimetype == "text/html"
    assert preview.headers["Content-Security-Policy"] == PREVIEW_POLICY
    assert "style-src 'unsafe-inline'" in PREVIEW_POLICY and "script" not in PREVIEW_POLICY
    assert preview.headers["X-Frame-Options"] == "SAMEORIGIN"
    html = preview.get_data(as_text=True)
    assert "<script" not in html
    for expected in (*HEADINGS, "A. Patel, senior caseworker", "end on 2 March 2027", "Case reference: " + reference):
        assert expected in html
    task_page = client_request.get_response(f"/tasks/{task_id}")
    assert task_page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert task_page.headers["X-Frame-Options"] == "DENY"


def test_regenerating_makes_a_new_draft_each_time_and_the_letter_sent_is_made_when_the_task_completes(
        client_request, policy, people):
    reference, task_id = at_decision_letter(policy, people)
    client_request.login("casey")
    for _ in range(2):
        done = client_request.post(f"/tasks/{task_id}/letter-draft")
        assert done.headers["Location"] == f"/tasks/{task_id}#letter"
    first, second = letters_of(policy)
    for draft in (first, second):
        assert (draft.status, draft.kind, draft.task_id, draft.sent_at) == ("draft", "decision", task_id, None)
        assert draft.template_version == TEMPLATE_VERSION and draft.rendered_from["kind"] == "decision"
        assert draft.generated_by_id == people["casey"].user_id and draft.content.startswith(b"%PDF")
    assert first.id != second.id

    page = client_request.follow(done)
    assert "A new PDF draft of the letter has been made." in text_of(page.main)
    section = page.select_one("section#letter")
    download = section.select_one("a[href$='/pdf']")
    assert text_of(download) == "Download the PDF draft"
    assert download["href"] == f"/cases/{reference}/letters/{second.id}/pdf"
    assert "1 earlier draft is kept on the case" in text_of(section)
    assert text_of(section.select_one("form button")) == "Regenerate draft"
    pdf = client_request.get_response(download["href"])
    assert pdf.mimetype == "application/pdf" and pdf.data == second.content

    client_request.post(f"/tasks/{task_id}", {"task_id": task_id, **as_posted(
        "decision_letter", samples.decision_letter("2026-03-02"))})
    letters = letters_of(policy)
    assert [letter.status for letter in letters] == ["draft", "draft", "sent"]
    assert letters[2].task_id is None and letters[2].sent_method == "post"
    assert client_request.get_response(f"/tasks/{task_id}/letter-preview").status_code == 404


def test_drafts_are_marked_draft_and_every_letter_is_signed_by_the_person_who_sends_it(client_request, policy,
                                                                                       people):
    with policy.db.transaction() as session:
        session.get(User, people["casey"].user_id).job_title = "Tenancy Enforcement Officer"
    _, task_id = at_decision_letter(policy, people)
    client_request.login("casey")
    preview = client_request.get_response(f"/tasks/{task_id}/letter-preview").get_data(as_text=True)
    assert "DRAFT" in preview and "Casey Worker<br>Tenancy Enforcement Officer" in preview
    client_request.post(f"/tasks/{task_id}/letter-draft")
    client_request.post(f"/tasks/{task_id}", {"task_id": task_id, **as_posted(
        "decision_letter", samples.decision_letter("2026-03-02"))})
    draft, sent = (PdfReader(io.BytesIO(letter.content)) for letter in letters_of(policy))
    assert all("DRAFT" in page.extract_text() for page in draft.pages)
    sent_text = " ".join(" ".join(page.extract_text().split()) for page in sent.pages)
    assert "DRAFT" not in sent_text
    assert "Yours sincerely Casey Worker Tenancy Enforcement Officer" in sent_text
    assert letters_of(policy)[1].rendered_from["signatory"] == {"name": "Casey Worker",
                                                                "job_title": "Tenancy Enforcement Officer"}


def test_an_officer_without_a_job_title_signs_with_their_role(policy, people):
    with policy.db.reading() as session:
        assert signatory_of(session, people["hana"].user_id) == Signatory("Hana Head", "Head of Service")


def test_only_the_person_holding_the_task_makes_drafts(client_request, policy, people):
    _, task_id = at_decision_letter(policy, people)
    page = client_request.login("cora").get(f"/tasks/{task_id}")
    assert page.select_one("section#letter iframe") is not None
    assert page.select_one("section#letter form") is None
    refused = client_request.post(f"/tasks/{task_id}/letter-draft")
    assert "Only the person holding this task" in text_of(client_request.follow(refused).main)
    assert letters_of(policy) == []
    assert client_request.login("audrey").post(f"/tasks/{task_id}/letter-draft", status=403)


def test_tasks_that_send_no_letter_have_no_preview(client_request, policy, people):
    reference = start_case(policy.casework, people["casey"], samples.incident(), process_id=PROCESS_ID).reference
    task = open_task(policy, reference)
    client_request.login("casey")
    assert client_request.get(f"/tasks/{task.id}").select_one("section#letter") is None
    assert client_request.get_response(f"/tasks/{task.id}/letter-preview").status_code == 404


def test_a_translated_letter_is_attached_as_a_pdf_beside_the_english_original(client_request, policy, people):
    reference, task_id = at_decision_letter(policy, people, samples.adjustments_in_translation("formal_action_needed"))
    page = client_request.login("casey").get(f"/tasks/{task_id}")
    assert "The customer asked for letters in Polish." in text_of(page.select_one("section#letter"))
    client_request.post(f"/tasks/{task_id}", {"task_id": task_id, **as_posted(
        "decision_letter", samples.decision_letter("2026-03-02"))})
    (english,) = letters_of(policy)
    attach = open_task(policy, reference)
    assert attach.name == "Attach the translated decision letter"
    client_request.post(f"/tasks/{attach.id}/claim")
    page = client_request.get(f"/tasks/{attach.id}")
    assert page.select_one("form#schema-form")["enctype"] == "multipart/form-data"
    upload = page.select_one("input#translated_letter[type=file]")
    assert upload["accept"] == ".pdf,application/pdf"
    original = text_of(page.find("h2", string="The English original").parent)
    assert "to be translated into Polish" in original and f"/letters/{english.id}/pdf" in str(page)

    date = as_posted("translated_letter", {"translation_sent_on": "2026-03-02"})
    not_a_pdf = client_request.post_page(f"/tasks/{attach.id}", {
        "task_id": attach.id, "translation_sent_by": "post", **date,
        "translated_letter": (io.BytesIO(b"Not a PDF at all"), "list.pdf")})
    assert [a["href"] for a in not_a_pdf.select(".govuk-error-summary a")] == ["#translated_letter"]
    assert text_of(not_a_pdf.select_one("#translated_letter-error")).endswith("must be a PDF file")
    too_big = client_request.post_page(f"/tasks/{attach.id}", {
        "task_id": attach.id, "translation_sent_by": "post", **date,
        "translated_letter": (io.BytesIO(b"%PDF-" + b"0" * (2 * 1024 * 1024) + b"%%EOF"), "big.pdf")})
    assert "smaller than 2 MB" in text_of(too_big.select_one(".govuk-error-summary"))
    assert [letter.id for letter in letters_of(policy)] == [english.id]

    translated = weasyprint.HTML(string="<p lang='pl'>Tłumaczenie.</p>").write_pdf()
    no_date = client_request.post_page(f"/tasks/{attach.id}", {
        "task_id": attach.id, "translation_sent_by": "post",
        "translated_letter": (io.BytesIO(translated), "list-po-polsku.pdf")})
    assert [a["href"] for a in no_date.select(".govuk-error-summary a")] == ["#translation_sent_on-day"]
    assert "You have attached" in text_of(no_date.select_one("#translated_letter-hint"))
    done = client_request.post(f"/tasks/{attach.id}", {"task_id": attach.id, "translation_sent_by": "post", **date})
    assert done.headers["Location"] == f"/cases/{reference}"

    english, translation = letters_of(policy)
    assert (english.status, translation.status) == ("sent", "sent")
    assert translation.translation_of_id == english.id and translation.language == "Polish"
    assert translation.content == translated and translation.task_id == attach.id
    case = client_request.get(f"/cases/{reference}")
    rows = [text_of(row) for row in case.select("table:has(caption:-soup-contains('Letters sent')) tbody tr")]
    assert rows[1].startswith("Polish translation of the decision letter 2 March 2026 (post)")
