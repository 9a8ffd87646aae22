"""The subject-access export page: linked from the platform's data protection page for the customer, it
downloads a ZIP of what the policy's cases hold about them and is logged."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from service.models import AccessLogEntry
from service.packs.unacceptable_behaviour.dao import customers_dao
from tests.service.packs.unacceptable_behaviour.policy_cases import deploy_policy, isolated_case
from tests.service.views.conftest import text_of

NAME = "Petra Pagecheck"


def _closed_case_customer(runtime, people) -> str:
    deploy_policy(runtime)
    journey = isolated_case(runtime, people["casey"], NAME)
    with runtime.db.reading() as session:
        return customers_dao.customer_of_case(session, journey.case().id).reference


def test_a_subject_access_export_downloads_as_a_zip_and_is_logged(client_request, runtime, people):
    customer = _closed_case_customer(runtime, people)
    page = client_request.login("dora").get(f"/data-protection/customers/{customer}")
    assert text_of(page.select_one("h1")) == NAME
    link = page.select_one("#customer-actions a[href$='/export']")
    assert link["href"] == f"/data-protection/customers/{customer}/export"
    form = client_request.get(link["href"])
    assert form.select("input[name=redact_staff_names]")
    response = client_request.post(f"/data-protection/customers/{customer}/export", {"redact_staff_names": "yes"},
                                   status=200)
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == f'attachment; filename="subject-access-{customer}-2026-03-02.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert NAME in archive.read("index.html").decode() and "customer.json" in archive.namelist()
    with runtime.db.reading() as session:
        entries = session.scalars(select(AccessLogEntry).where(AccessLogEntry.subject_reference == customer)).all()
    assert {e.user_id for e in entries} == {people["dora"].user_id} and len(entries) == 2  # the page, the export


def test_an_invalid_export_request_is_the_form_again_with_the_problem(client_request, runtime, people):
    customer = _closed_case_customer(runtime, people)
    page = client_request.login("dora").post_page(f"/data-protection/customers/{customer}/export", {})
    assert "Select yes to replace staff names with their roles" in text_of(page.select_one(".govuk-error-summary"))
