"""The case page, notes, and what a case offers in each state (the policy's own case pages: packs/.../web)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from service.cases import cases as case_steps
from service.cases.cases import complete_task
from service.models import AccessLogEntry, AuditEvent, CaseNote
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks.inbox_actions import claim
from tests.bpmn import samples
from tests.service.views.conftest import open_task, start_case, text_of
from tests.service.views.test_asb_report_pages import _start, asb  # noqa: F401 - asb is a fixture used here


def test_the_case_page_shows_status_step_people_tasks_and_timeline(client_request, three_tasks, people, runtime):
    runtime.clock.set(datetime(2026, 7, 1, 8, 30, tzinfo=UTC))  # British Summer Time
    reference = start_case(three_tasks, people["casey"])
    task = open_task(runtime, reference)
    claim(runtime.casework, people["cora"], task.id)
    runtime.clock.advance(minutes=30)
    complete_task(runtime.casework, people["cora"], task.id, {"note": "Called back.\nNo answer."})

    page = client_request.login("hana").get(f"/cases/{reference}")
    facts = {text_of(r.dt): text_of(r.dd) for r in page.select(".govuk-summary-list")[0].select("div")}
    assert facts == {"Status": "Open", "Process": "Three tasks, version 1", "Where it is now": "Second step",
                     "Opened": "1 July 2026 at 9:30am", "Case owner": "Casey Worker"}
    people_rows = {text_of(r.dt): text_of(r.dd) for r in page.select(".govuk-summary-list")[1].select("div")}
    assert people_rows == {"Casey Worker": "Recorded the incident", "Cora Caseworker": "Proposed the formal action"}
    assert [text_of(a) for a in page.select("table a")] == ["Second step"]

    items = page.select(".moj-timeline__item")
    titles = [text_of(i.select_one(".moj-timeline__title")) for i in items]
    assert titles == ["‘Second step’ is ready for caseworkers", "Completed ‘First step’", "Picked up ‘First step’",
                      "‘First step’ is ready for caseworkers", "Recorded an incident and opened the case"]
    completed = items[1]
    assert text_of(completed.select_one(".moj-timeline__byline")) == "by Cora Caseworker"
    assert text_of(completed.select_one(".moj-timeline__date")) == "1 July 2026 at 10am"
    assert completed.select_one("time")["datetime"] == "2026-07-01T09:00:00+00:00"
    answers = completed.select_one(".govuk-summary-list")
    assert text_of(answers.dt) == "Note" and answers.dd.decode_contents().count("<br/>") == 1
    started = items[-1].select_one(".govuk-summary-list")
    assert {text_of(r.dt): text_of(r.dd) for r in started.select("div")} == {
        "Customer reference": "C-100", "Customer name": "Pat Doe"}
    assert "No letters have been sent on this case." in text_of(page.main)


def test_viewing_a_case_is_logged(client_request, three_tasks, people, runtime):
    reference = start_case(three_tasks, people["casey"])
    client_request.login("audrey").get(f"/cases/{reference.lower()}")
    with runtime.db.reading() as session:
        entry = session.scalars(select(AccessLogEntry)).one()
    assert (entry.user_id, entry.subject_kind, entry.subject_reference) == (people["audrey"].user_id, "case", reference)


def test_an_auditor_sees_the_case_but_no_actions(client_request, three_tasks, people):
    reference = start_case(three_tasks, people["casey"])
    page = client_request.login("audrey").get(f"/cases/{reference}")
    assert not page.select(".govuk-button-group a")
    client_request.get(f"/cases/{reference}/notes", status=403)
    client_request.post(f"/cases/{reference}/notes", {"text": "x"}, status=403)


def test_adding_a_note_is_recorded_and_audited(client_request, three_tasks, people, runtime):
    reference = start_case(three_tasks, people["casey"])
    page = client_request.login("hana").get(f"/cases/{reference}")
    assert page.select_one(f"a[href='/cases/{reference}/notes']").get_text(strip=True) == "Add a note or evidence"
    form = client_request.get(f"/cases/{reference}/notes")
    assert form.h1.get_text(strip=True) == "Add a note or evidence"
    missing = client_request.post_page(f"/cases/{reference}/notes", {"evidence_reference": "CALL-1"})
    assert [text_of(a) for a in missing.select(".govuk-error-summary a")] == ["Enter the note"]
    assert missing.select_one("#evidence_reference")["value"] == "CALL-1"

    done = client_request.post(f"/cases/{reference}/notes", {"text": "Customer rang again.", "evidence_reference":
                                                              "CALL-1"})
    case = client_request.follow(done)
    assert "Note added to the case." in text_of(case.main)
    assert "Customer rang again." in text_of(case.select_one(".govuk-inset-text"))
    assert text_of(case.select_one(".moj-timeline__title")) == "Added a note"
    with runtime.db.reading() as session:
        note = session.scalars(select(CaseNote)).one()
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert note.author_id == people["hana"].user_id and note.evidence_reference == "CALL-1"
    assert event.event_type == "note_added" and event.data["text"] == "Customer rang again."


def test_a_closed_case_offers_no_actions_and_refuses_notes(client_request, three_tasks, people, runtime):
    reference = start_case(three_tasks, people["casey"])
    for note in ("a", "b", "c"):
        task = open_task(runtime, reference)
        claim(runtime.casework, people["casey"], task.id)
        complete_task(runtime.casework, people["casey"], task.id, {"note": note})
    page = client_request.login("casey").get(f"/cases/{reference}")
    assert text_of(page.select_one(".govuk-summary-list dd")).startswith("Closed")
    assert not page.select(".govuk-button-group a") and "No tasks are waiting." in text_of(page.main)
    refused = client_request.post(f"/cases/{reference}/notes", {"text": "Late note."})
    assert "This case is closed" in text_of(client_request.follow(refused).main)


def test_an_unknown_case_is_not_found(client_request, people):
    page = client_request.login("casey").get("/cases/UB-1999-0001", status=404)
    assert page.h1.get_text(strip=True) == "There is no case with that reference."


# The timeline speaks the platform's words for a process without a pack, the pack's own for the policy's cases.

def _titles(page) -> list[str]:
    return [text_of(title) for title in page.select(".moj-timeline__title")]


def test_a_process_without_a_pack_has_the_platforms_words(client_request, asb):  # noqa: F811 - the fixture above
    tess = client_request.login("tess")
    reference = _start(tess)
    titles = _titles(tess.get(f"/cases/{reference}"))
    assert titles[-1] == "Opened the case"
    assert any(title.endswith("is ready for asb-team") for title in titles), titles
    assert not [title for title in titles if "incident" in title.lower() or "caseworkers" in title]


def test_the_policys_cases_have_its_words(client_request, asb, people):  # noqa: F811 - the fixture above
    started = case_steps.start_case(asb.casework, people["casey"], samples.incident(), process_id=PROCESS_ID)
    reference = started.reference
    titles = _titles(client_request.login("casey").get(f"/cases/{reference}"))
    assert titles[-1] == "Recorded an incident and opened the case"
    assert any(title.endswith("is ready for caseworkers") for title in titles), titles
