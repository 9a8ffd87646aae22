"""The policy's date rules hold on the task pages as in the service (see
tests/service/packs/unacceptable_behaviour/test_date_rules.py)."""

from __future__ import annotations

from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.test_date_rules import _approved


def test_the_task_page_enforces_the_letter_date_rule(policy, people, client_request):
    journey = _approved(policy, people)
    task = journey.open_task()
    inbox_actions.claim(policy.casework, people["casey"], task.id)
    client_request.login("casey")
    answers = {"letter_contents": samples.decision_letter("2025-01-01")["letter_contents"], "letter_sent_by": "post",
               "letter_sent_on-day": "1", "letter_sent_on-month": "1", "letter_sent_on-year": "2025",
               "task_id": task.id}
    page = client_request.post_page(f"/tasks/{task.id}", answers)
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "on or after 2 March 2026, the day the action was approved" in summary
    assert journey.letters() == []
