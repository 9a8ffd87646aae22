"""A case's letters download from one address, for staff and auditors, each download in the access log (the
auditor's case history links there too: test_audit.py)."""

from __future__ import annotations

from sqlalchemy import select

from service.cases.cases import complete_task, start_case
from service.models import AccessLogEntry
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.web.test_letter_pages import at_decision_letter, letters_of
from tests.service.views.conftest import text_of


def test_the_case_page_offers_each_letter_as_a_pdf_and_logs_who_downloaded_it(client_request, policy, people):
    reference, task_id = at_decision_letter(policy, people)
    complete_task(policy.casework, people["casey"], task_id, samples.decision_letter("2026-03-02"))
    (sent,) = letters_of(policy)
    case = client_request.login("hana").get(f"/cases/{reference}")
    row = case.select_one("table:has(caption:-soup-contains('Letters sent')) tbody tr")
    assert text_of(row).startswith("Decision letter 2 March 2026 (post) Download")
    link = row.select_one("a")
    assert link["href"] == f"/cases/{reference}/letters/{sent.id}/pdf"
    for username in ("hana", "audrey"):
        pdf = client_request.login(username).get_response(link["href"])
        assert pdf.status_code == 200 and pdf.data == sent.content
        assert pdf.headers["Content-Disposition"].startswith("attachment")
    with policy.db.reading() as session:
        logged = session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject_kind == "letter")).all()
    assert [(e.user_id, e.subject_reference) for e in logged] == [
        (people["hana"].user_id, f"{reference}/{sent.id}"), (people["audrey"].user_id, f"{reference}/{sent.id}")]
    assert client_request.login("owen").get_response(link["href"]).status_code == 403
    other = start_case(policy.casework, people["casey"], samples.incident(), process_id=PROCESS_ID).reference
    assert client_request.login("hana").get_response(f"/cases/{other}/letters/{sent.id}/pdf").status_code == 404
