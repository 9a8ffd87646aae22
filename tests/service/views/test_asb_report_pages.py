"""The anti-social behaviour report, a process with no pack, run through every path on the staff pages.

Someone in no staff role but in the ASB team starts it from "Start a case", the generic case page
shows where it is and what it waits for, tasks go to the lane's groups, evidence is recorded as a
message from the case page, and the evidence deadline closes it through the timer worker.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from service.auth.passwords import hash_password
from service.dao import users_dao
from service.packs.unacceptable_behaviour.models import Customer
from service.people import groups
from service.tasks.timers import fire_due_batch
from tests.service.packs.unacceptable_behaviour.web.test_policy_pages import as_posted
from tests.service.views.conftest import open_task, text_of

REPORT = as_posted("asb_report", {
    "what_happened": "Loud music every night after midnight.", "happened_on": "2026-03-01",
    "location": "Hill House, flat 12", "reported_by": "Sam Neighbour, flat 14", "anyone_at_risk": "no"})


@pytest.fixture
def asb(runtime, people, asb_report):
    """The ASB team as an administrator sets it up: a group named like the diagram's lane, and Tess in it."""
    with runtime.db.transaction() as session:
        user = users_dao.add_user(session, username="tess", full_name="Tess Team", roles=[], job_title="ASB officer",
                                  password_hash=hash_password("x" * 12), now=runtime.clock.now())
        user_id = user.id
    groups.create_group(runtime.casework, people["adam"], name="asb-team", label="Anti-social behaviour team",
                        description="", now=runtime.clock.now())
    groups.add_member(runtime.casework, people["adam"], "asb-team", "tess", runtime.clock.now())
    with runtime.db.reading() as session:
        people["tess"] = groups.actor_of(session, users_dao.get_user(session, user_id))
    return runtime


def _start(client_request) -> str:
    page = client_request.get("/start-a-case")
    links = {text_of(a): a["href"] for a in page.select("main ul.govuk-list a")}
    assert links == {"Start a case: Anti-social behaviour report": "/start-a-case/asb_report"}
    form = client_request.get("/start-a-case/asb_report")
    assert form.h1.get_text(strip=True) == "Start a case: Anti-social behaviour report"
    started = client_request.post("/start-a-case/asb_report", REPORT)
    reference = started.headers["Location"].rsplit("/", 1)[-1]
    assert re.fullmatch(r"ASB-2026-\d{4}", reference)
    return reference


def _do_task(client_request, runtime, reference: str, answers: dict) -> None:
    task = open_task(runtime, reference)
    client_request.post(f"/tasks/{task.id}/claim")
    done = client_request.post(f"/tasks/{task.id}", {"task_id": task.id, **as_posted(task.form_key, answers)})
    assert done.headers["Location"] == f"/cases/{reference}"


def test_evidence_in_time_runs_from_start_to_an_action_on_the_pages(client_request, asb, runtime):
    tess = client_request.login("tess")
    reference = _start(tess)
    case = tess.get(f"/cases/{reference}")
    rows = {text_of(r.dt): text_of(r.dd) for r in case.select("dl.govuk-summary-list > div")}
    assert rows["Process"] == "Anti-social behaviour report, version 1"
    assert rows["Where it is now"] == "Triage the report"
    assert "Incidents" not in text_of(case) and "Restrictions" not in text_of(case)
    assert "Loud music every night after midnight." in text_of(case.select_one(".moj-timeline"))
    with runtime.db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Customer)) == 0  # no empty customers

    inbox = tess.get("/tasks", tab="groups")
    assert "Triage the report" in text_of(inbox.main)
    _do_task(tess, runtime, reference, {"triage_decision": "investigate"})

    casey = client_request.login("casey")  # the housing officers' lane names the caseworker group
    _do_task(casey, runtime, reference, {"evidence_asked_for": "A diary sheet", "evidence_due_by": "2026-03-16"})
    case = casey.get(f"/cases/{reference}")
    waiting = [text_of(li) for li in case.select(".ubp-waiting-messages li")]
    assert len(waiting) == 1 and "message ‘asb_evidence_received’, from asb-team" in waiting[0]
    timers = [text_of(row) for row in case.select("#timers + table tbody tr")]
    assert len(timers) == 1 and timers[0].endswith("16 March 2026 at 5pm")

    tess = client_request.login("tess")
    path = f"/cases/{reference}/messages/asb_evidence_received"
    assert tess.get(path).h1.get_text(strip=True) == "Record ‘Evidence received’"
    missing = tess.post_page(path, {})
    assert "Enter what was sent" in text_of(missing.select_one(".govuk-error-summary"))
    tess.post(path, {"evidence_summary": "Two weeks of diary sheets"})
    _do_task(tess, runtime, reference, {"action": "warning_letter"})
    case = tess.get(f"/cases/{reference}")
    rows = {text_of(r.dt): text_of(r.dd) for r in case.select("dl.govuk-summary-list > div")}
    assert rows["Status"] == "Closed Closed: action taken"
    # One card per step with what was entered (all at one frozen instant here, so in no set order).
    entered = sorted(text_of(h) for h in case.select(".govuk-summary-card__title"))
    assert entered == ["Ask the reporter for evidence", "Decide what to do", "Triage the report"]
    assert "Send a warning letter" in text_of(case.select(".govuk-summary-card")[0].parent)


def test_no_action_at_triage_closes_the_case(client_request, asb, runtime):
    tess = client_request.login("tess")
    reference = _start(tess)
    _do_task(tess, runtime, reference, {"triage_decision": "no_action", "triage_notes": "It stopped."})
    rows = {text_of(r.dt): text_of(r.dd) for r in tess.get(f"/cases/{reference}").select("dl.govuk-summary-list > div")}
    assert rows["Status"] == "Closed Closed: no action needed"


def test_the_deadline_passing_closes_the_case_through_the_timer_worker(client_request, asb, runtime):
    tess = client_request.login("tess")
    reference = _start(tess)
    _do_task(tess, runtime, reference, {"triage_decision": "investigate"})
    casey = client_request.login("casey")
    _do_task(casey, runtime, reference, {"evidence_asked_for": "Photos", "evidence_due_by": "2026-03-09"})
    runtime.clock.set(datetime(2026, 3, 9, 17, 0, tzinfo=UTC))
    assert fire_due_batch(runtime.casework).fired == 1
    casey = client_request.login("casey")  # a week later: a fresh session
    page = casey.get(f"/cases/{reference}")
    rows = {text_of(r.dt): text_of(r.dd) for r in page.select("dl.govuk-summary-list > div")}
    assert rows["Status"] == "Closed Closed: no evidence received"
    assert casey.get_response(f"/cases/{reference}/messages/asb_evidence_received").status_code == 302


def test_who_may_start_it_and_read_it(client_request, asb, runtime):
    # Hana is neither in the ASB team nor a caseworker: the process is not offered to her.
    hana = client_request.login("hana")
    assert "Anti-social behaviour report" not in text_of(hana.get("/start-a-case").main)
    assert hana.get_response("/start-a-case/asb_report").status_code == 403
    # Tess is in no staff role: she cannot open the policy's cases (customers' details).
    casey = client_request.login("casey")
    assert "Record an incident" in text_of(casey.get("/start-a-case").main)
    tess = client_request.login("tess")
    assert "Record an incident" not in text_of(tess.get("/start-a-case").main)
    assert tess.get_response("/cases/new").status_code == 403
