"""API reads of a case or a customer leave the same trace in the access log as the pages do."""

from __future__ import annotations

from sqlalchemy import select

from service.models import AccessLogEntry
from tests.service.audit_cases import restriction_case


def test_api_reads_of_cases_and_customers_are_recorded(policy, people, api_as):
    reference = restriction_case(policy, people, "SH-004211").reference
    api = api_as("auditor")
    for path in (f"/cases/{reference}", f"/cases/{reference}/history", "/customers/SH-004211/restrictions",
                 "/customers/SH-004211/contact-check?channel=email"):
        assert api.get(path).status_code == 200, path
    with policy.db.reading() as session:
        entries = session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
    assert [(e.subject_kind, e.subject_reference) for e in entries] == [
        ("case", reference), ("case", reference), ("customer", "SH-004211"), ("customer", "SH-004211")]
    assert len({e.user_id for e in entries}) == 1 and entries[0].user_id != people["audrey"].user_id
