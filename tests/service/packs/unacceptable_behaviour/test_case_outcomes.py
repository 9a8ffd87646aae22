"""A closed policy case says what happened, in full, wherever a closed case is listed."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from service.models import Case
from tests.bpmn import samples
from tests.service.audit_cases import appeal, open_case, restriction_case, run_to_expiry
from tests.service.views.conftest import text_of

ISOLATED = "Closed: isolated incident, no action under the policy"


def _outcome(runtime, reference: str) -> str | None:
    with runtime.db.reading() as session:
        return session.scalars(select(Case.outcome).where(Case.reference == reference)).one()


def test_an_isolated_incident_closes_saying_so_everywhere(client_request, policy, people):
    journey = open_case(policy, people["casey"], "SH-000501")
    journey.do(people["casey"], "Task_AssessIncident", samples.assessment("isolated"))
    assert _outcome(policy, journey.reference) == ISOLATED

    case = client_request.login("casey").get(f"/cases/{journey.reference}")
    assert ISOLATED in text_of(case.main)
    customer = client_request.get("/customers/SH-000501")
    assert ISOLATED in text_of(customer.select_one("table"))
    client_request.login("audrey")
    assert ISOLATED in text_of(client_request.get("/audit/cases?status=closed").select_one("table"))
    rows = list(csv.reader(io.StringIO(client_request.get_response("/audit/cases.csv").get_data(as_text=True))))
    assert rows[1][rows[0].index("Outcome")] == ISOLATED  # in full, not cut short


@pytest.mark.parametrize(("path", "outcome"), [
    ("overturned", "Closed: restriction overturned on appeal"),
    ("ended", "Closed: restriction ended"),
])
def test_a_restriction_case_closes_with_what_happened_to_the_restriction(policy, people, path, outcome):
    journey = restriction_case(policy, people)
    if path == "overturned":
        appeal(policy, people, journey, "overturn")
    else:
        run_to_expiry(policy, people, journey)
    assert _outcome(policy, journey.reference) == outcome


def test_informal_resolution_and_a_rejected_proposal_say_so(policy, people):
    casey = people["casey"]
    informal = open_case(policy, casey, "SH-000601")
    informal.do(casey, "Task_AssessIncident", samples.assessment("informal"))
    informal.do(casey, "Task_TryInformalResolution", samples.informal_resolution("resolved", "2026-03-02"))
    assert _outcome(policy, informal.reference) == "Closed: resolved informally"
    rejected = open_case(policy, casey, "SH-000602")
    rejected.do(casey, "Task_AssessIncident", samples.assessment("severe"))
    rejected.do(casey, "Task_OfferAdjustments", samples.adjustments("formal_action_needed"))
    rejected.do(casey, "Task_ProposeFormalAction", samples.proposal())
    rejected.do(people["hana"], "Task_ApproveProposal", samples.approval("reject"))
    assert _outcome(policy, rejected.reference) == "Closed: formal action not approved"
