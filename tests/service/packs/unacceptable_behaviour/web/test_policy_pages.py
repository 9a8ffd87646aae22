"""The policy process itself through the pages: every widget of its forms in use, on both databases.

A caseworker records an incident, assesses it, records adjustments and proposes a restriction; a
Head of Service approves; the letter goes; the customer page shows the banner; an appeal is
recorded and goes to someone who took no part in the decision; a further incident is added.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from service.config import ROOT
from service.packs.unacceptable_behaviour.models import Incident
from tests.bpmn import samples
from tests.service.views.conftest import open_task, text_of
from workflows.form_dialect import normalise


def as_posted(form_key: str, answers: dict) -> dict:
    """Answers as a browser sends them: dates in day, month and year boxes (and a time box)."""
    fields = normalise(json.loads((ROOT / "forms" / f"{form_key}.json").read_text()), form_key)["properties"]
    posted = {}
    for name, value in answers.items():
        widget = fields[name]["x-widget"]
        if widget in ("date", "datetime"):
            day, _, time = value.partition("T")
            year, month, day = day.split("-")
            posted.update({f"{name}-day": day, f"{name}-month": month, f"{name}-year": year})
            if time:
                posted[f"{name}-time"] = time
        else:
            posted[name] = value
    return posted


def _do_task(client_request, runtime, reference: str, username: str, form_key: str, answers: dict) -> None:
    task = open_task(runtime, reference)
    client_request.login(username).post(f"/tasks/{task.id}/claim")
    page = client_request.get(f"/tasks/{task.id}")
    assert page.select_one("form#schema-form") is not None, task.name
    response = client_request.post(f"/tasks/{task.id}", {"task_id": task.id, **as_posted(form_key, answers)})
    assert response.headers["Location"] == f"/cases/{reference}", task.name


def test_a_restriction_and_an_appeal_through_the_pages(client_request, policy, people):
    client_request.login("casey")
    form = client_request.get("/cases/new")
    assert form.select_one("#occurred_at-time") is not None
    assert form.select_one("#conditional-new_customer-2 #customer_reference") is not None
    started = client_request.post("/cases/new", as_posted("incident_recorded", samples.incident()))
    reference = started.headers["Location"].rsplit("/", 1)[1]

    task = open_task(policy, reference)
    client_request.post(f"/tasks/{task.id}/claim")
    assessment = client_request.get(f"/tasks/{task.id}")
    assert assessment.h1.get_text(strip=True) == "Assess the incident"
    assert "Severe cases go straight to" in text_of(assessment.select_one("#assessment_outcome-hint"))
    assert [text_of(h) for h in assessment.select(".govuk-radios__hint")][0] == "Record it and close the case."
    assert "Incidents" in text_of(assessment.select_one("aside"))
    assert "The customer shouted and swore" in text_of(assessment.select_one("aside"))
    incomplete = client_request.post_page(f"/tasks/{task.id}", {"task_id": task.id, "assessment_outcome": "severe"})
    assert [a["href"] for a in incomplete.select(".govuk-error-summary a")] == [
        "#assessment_reasons", "#crime_suspected", "#safeguarding_concern"]
    assert incomplete.select_one("input[name=assessment_outcome][value=severe]").has_attr("checked")
    client_request.post(f"/tasks/{task.id}", {"task_id": task.id, **as_posted(
        "assess_incident", samples.assessment("severe"))})

    _do_task(client_request, policy, reference, "casey", "reasonable_adjustments",
             samples.adjustments("formal_action_needed"))
    _do_task(client_request, policy, reference, "casey", "formal_proposal", samples.proposal())
    _do_task(client_request, policy, reference, "hana", "approve_proposal", samples.approval("approve"))
    _do_task(client_request, policy, reference, "casey", "decision_letter", samples.decision_letter("2026-03-02"))

    customer = client_request.login("audrey").get("/customers/SH-004211")
    banner = text_of(customer.select_one(".ubp-restriction-banner"))
    assert "A. Patel, senior caseworker" in banner and "only by email" in banner
    assert "ending on 2 March 2027" in banner

    case = client_request.login("casey").get(f"/cases/{reference}")
    assert "Decision letter 2 March 2026 (post) Download" in text_of(case.main)
    people_involved = text_of(case.select(".govuk-summary-list")[1])
    assert "Hana Head Approved the formal action" in people_involved
    appeal_link = case.select_one(f"a[href='/cases/{reference}/appeal']")
    assert text_of(appeal_link) == "Record an appeal received"
    appeal_form = client_request.get(f"/cases/{reference}/appeal")
    assert appeal_form.h1.get_text(strip=True) == "Record an appeal received"
    missing = client_request.post_page(f"/cases/{reference}/appeal", {"appeal_received_via": "letter"})
    assert len(missing.select(".govuk-error-summary a")) == 2
    recorded = client_request.post(f"/cases/{reference}/appeal", as_posted(
        "appeal_received", samples.appeal_received("2026-03-02")))
    after = client_request.follow(recorded)
    assert "Appeal recorded." in text_of(after.main)
    assert after.select_one(f"a[href='/cases/{reference}/appeal']") is None
    assert "Recorded an appeal received" in [text_of(t) for t in after.select(".moj-timeline__title")]

    hearing = open_task(policy, reference)
    refused = client_request.login("hana").post(f"/tasks/{hearing.id}/claim")
    assert "You approved the formal action on this case" in text_of(client_request.follow(refused).main)
    client_request.login("henry").post(f"/tasks/{hearing.id}/claim")
    hearing_page = client_request.get(f"/tasks/{hearing.id}")
    assert hearing_page.select_one("#conditional-appeal_outcome-3 #conditional-appeal_end_date_changed") is not None
    assert "Previous decisions" in text_of(hearing_page.select_one("aside"))


def test_questions_are_asked_in_the_forms_order(client_request, policy, people):
    page = client_request.login("casey").get("/cases/new")
    asked = [q["name"] for q in page.select("form#schema-form [name]") if q["name"] not in ("csrf_token",)]
    fields = json.loads((ROOT / "forms" / "incident_recorded.json").read_text())["properties"]
    top_level = [name for name, field in fields.items() if "x-reveal-when" not in field]
    assert [name for name in dict.fromkeys(n.split("-")[0] for n in asked) if name in top_level] == top_level


def test_a_further_incident_is_added_to_an_open_case(client_request, policy, people):
    client_request.login("casey")
    started = client_request.post("/cases/new", as_posted("incident_recorded", samples.incident()))
    reference = started.headers["Location"].rsplit("/", 1)[1]
    page = client_request.get(f"/cases/{reference}/incidents")
    assert page.select_one("#new_customer") is None and page.select_one("#occurred_at-day") is not None
    answers = samples.incident(what_happened="Rang eleven times in an hour.", occurred_at="2026-03-02T08:00")
    for customer_question in ("new_customer", "customer_reference"):
        answers.pop(customer_question)
    done = client_request.post(f"/cases/{reference}/incidents", as_posted("incident_recorded", answers))
    case = client_request.follow(done)
    assert "Further incident recorded on the case." in text_of(case.main)
    assert "Rang eleven times in an hour." in text_of(case.main)
    with policy.db.reading() as session:
        incidents = session.scalars(select(Incident).order_by(Incident.id)).all()
    assert len(incidents) == 2 and incidents[1].description == "Rang eleven times in an hour."
