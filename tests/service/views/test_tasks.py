"""The task page: the form for the holder, read-only for everyone else, errors, and double submits."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from service.models import AuditEvent, HumanTask
from service.tasks.inbox_actions import claim
from tests.service.conftest import FIXTURES, deploy_fixture
from tests.service.views.conftest import get_task, open_task, start_case, text_of


def _held_task(runtime, people, holder="casey", fixture="three_tasks.bpmn", process_id="three_tasks"):
    deploy_fixture(runtime, fixture)
    reference = start_case(runtime, people["casey"], process_id=process_id)
    task = open_task(runtime, reference)
    claim(runtime.casework, people[holder], task.id)
    return reference, task


def _counts(runtime) -> tuple[int, int]:
    with runtime.db.reading() as session:
        return (session.scalar(select(func.count()).select_from(AuditEvent)),
                session.scalar(select(func.count()).select_from(HumanTask)))


def test_the_holder_sees_the_form_the_instructions_and_the_case(client_request, runtime, people):
    reference, task = _held_task(runtime, people)
    page = client_request.login("casey").get(f"/tasks/{task.id}")
    assert page.h1.get_text(strip=True) == "First step"
    assert text_of(page.select_one(".govuk-inset-text")) == "Write a note."
    form = page.select_one("form#schema-form")
    assert form.select_one("input[name=task_id]")["value"] == task.id
    assert form.select_one("label[for=note]").get_text(strip=True) == "Note"
    assert text_of(form.select_one("#note-hint")) == "The note."
    assert "aria-describedby" in form.select_one("textarea#note").attrs
    summary = page.select_one("aside.ubp-case-summary")
    assert f"Case {reference}" in text_of(summary) and "Pat Doe" in text_of(summary)
    assert "Current step First step" in text_of(summary)
    assert "None in force." in text_of(summary)


def test_completing_a_task_moves_the_case_on(client_request, runtime, people):
    reference, task = _held_task(runtime, people)
    client_request.login("casey")
    response = client_request.post(f"/tasks/{task.id}", {"task_id": task.id, "note": "Spoke to the customer."})
    assert response.headers["Location"] == f"/cases/{reference}"
    page = client_request.follow(response)
    assert "‘First step’ is done." in text_of(page.select_one(".govuk-notification-banner--success"))
    assert get_task(runtime, task.id).status == "completed"
    done = client_request.get(f"/tasks/{task.id}")
    assert "Done" in text_of(done.select_one(".govuk-summary-list"))
    assert "Spoke to the customer." in text_of(done.main)
    assert done.select_one("form#schema-form") is None


def test_bad_answers_come_back_in_an_error_summary_with_what_was_entered(client_request, runtime, people):
    _, task = _held_task(runtime, people, fixture="restriction_clock.bpmn", process_id="restriction_clock")
    client_request.login("casey")
    page = client_request.post_page(f"/tasks/{task.id}", {
        "task_id": task.id, "decision": "restrict",
        "letter_date-day": "31", "letter_date-month": "2", "letter_date-year": "2026",
    })
    assert page.title.get_text().startswith("Error: Decide")
    summary = page.select_one(".govuk-error-summary")
    assert [(a["href"], text_of(a)) for a in summary.select("a")] == [
        ("#letter_date-day", "Letter date must be a real date"),
    ]
    assert page.select_one("input[name=decision][value=restrict]").has_attr("checked")
    conditional = page.select_one("#conditional-decision")
    assert "govuk-radios__conditional--hidden" not in conditional["class"]
    assert conditional.select_one("#letter_date-day")["value"] == "31"
    assert "govuk-input--error" in conditional.select_one("#letter_date-year")["class"]
    assert get_task(runtime, task.id).status == "open"


def test_a_revealed_question_is_nested_under_its_answer(client_request, runtime, people):
    _, task = _held_task(runtime, people, fixture="restriction_clock.bpmn", process_id="restriction_clock")
    page = client_request.login("casey").get(f"/tasks/{task.id}")
    restrict = page.select_one("input[name=decision][value=restrict]")
    assert restrict["data-aria-controls"] == "conditional-decision"
    conditional = page.select_one("#conditional-decision")
    assert "govuk-radios__conditional--hidden" in conditional["class"]
    assert [i["name"] for i in conditional.select("input")] == ["letter_date-day", "letter_date-month",
                                                                 "letter_date-year"]
    client_request.post(f"/tasks/{task.id}", {
        "task_id": task.id, "decision": "restrict",
        "letter_date-day": "2", "letter_date-month": "3", "letter_date-year": "2026",
    })
    assert get_task(runtime, task.id).data == {"decision": "restrict", "letter_date": "2026-03-02"}


def test_a_double_submit_gets_a_clear_message_and_changes_nothing(client_request, runtime, people):
    reference, task = _held_task(runtime, people)
    client_request.login("casey")
    client_request.post(f"/tasks/{task.id}", {"task_id": task.id, "note": "First click."})
    before = _counts(runtime)
    again = client_request.post(f"/tasks/{task.id}", {"task_id": task.id, "note": "Second click."})
    assert again.headers["Location"] == f"/cases/{reference}"
    banner = client_request.follow(again).select_one(".govuk-notification-banner")
    assert "This task has already been completed or has moved on, so nothing was changed." in text_of(banner)
    assert _counts(runtime) == before
    assert get_task(runtime, task.id).data == {"note": "First click."}


def test_only_the_holder_can_complete_a_task(client_request, runtime, people):
    _, task = _held_task(runtime, people)
    page = client_request.login("cora").get(f"/tasks/{task.id}")
    assert page.select_one("form#schema-form") is None
    assert "Casey Worker" in text_of(page.select_one(".govuk-summary-list"))
    assert "Only the person holding this task can complete it." in text_of(page.main)
    assert not [b for b in page.select("button") if "Claim" in b.get_text()]
    refused = client_request.post(f"/tasks/{task.id}", {"task_id": task.id, "note": "Not mine."})
    assert refused.headers["Location"] == f"/tasks/{task.id}"
    assert "Only the person holding this task can complete it" in text_of(client_request.follow(refused).main)
    assert get_task(runtime, task.id).status == "open"


def test_an_unclaimed_task_offers_a_claim_button_to_its_group_only(client_request, three_tasks, people, runtime):
    task = open_task(runtime, start_case(three_tasks, people["casey"]))
    page = client_request.login("cora").get(f"/tasks/{task.id}")
    button = page.select_one(f"form[action='/tasks/{task.id}/claim'] button")
    assert button.get_text(strip=True) == "Claim this task"
    assert "Claim it to work on it" in text_of(page.main)
    auditor = client_request.login("audrey").get(f"/tasks/{task.id}")
    assert auditor.select_one(f"form[action='/tasks/{task.id}/claim']") is None
    assert auditor.select_one("form#schema-form") is None
    client_request.post(f"/tasks/{task.id}", {"task_id": task.id, "note": "x"}, status=302)
    assert get_task(runtime, task.id).status == "open"


def test_a_form_for_a_different_task_is_refused(client_request, runtime, people):
    _, task = _held_task(runtime, people)
    client_request.login("casey").post(f"/tasks/{task.id}", {"task_id": "another", "note": "x"}, status=400)
    assert get_task(runtime, task.id).status == "open"


def test_an_unknown_task_is_not_found(client_request, people):
    page = client_request.login("casey").get("/tasks/no-such-task", status=404)
    assert page.h1.get_text(strip=True) == "There is no such task."


def test_a_file_question_on_a_step_whose_pack_keeps_no_files_is_refused_in_words(client_request, runtime, people):
    """Only a pack says where a step's file is kept (``Pack.file_questions``); a process with none keeps no file."""
    xml = (FIXTURES / "three_tasks.bpmn").read_text().replace('"three_tasks"', '"file_step"')
    xml = xml.replace('formKey="note"', 'formKey="attachment"', 1)  # the first step asks for a file
    deploy_fixture(runtime, "file_step.bpmn", xml.encode())
    reference = start_case(runtime, people["casey"], process_id="file_step")
    task = open_task(runtime, reference)
    claim(runtime.casework, people["casey"], task.id)
    client_request.login("casey")
    assert client_request.get(f"/tasks/{task.id}").select_one("input#attachment[type=file]") is not None
    page = client_request.post_page(f"/tasks/{task.id}", {"task_id": task.id,
                                                          "attachment": (io.BytesIO(b"%PDF-1.7 %%EOF"), "a.pdf")})
    assert text_of(page.select_one("#attachment-error")).endswith("This step cannot keep files")
    assert get_task(runtime, task.id).status == "open"
