"""What staff read about a restriction's dates: never "In force" after its end date; an overturned
restriction ended on the day it was lifted, on the case page and in the outcome letter."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from service.cases.cases import complete_task, deliver_message
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.packs.unacceptable_behaviour.policy_cases import restriction_case

REFERENCE = "SH-004211"


def _restrictions_table(page) -> list[list[str]]:
    table = next(t for t in page.select("table") if "Restrictions on this case" in t.get_text())
    return [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in table.select("tbody tr")]


def test_a_restriction_is_never_shown_in_force_after_its_end_date(policy, people, client_request):
    journey = restriction_case(policy, people, REFERENCE)
    client_request.login("casey")
    page = client_request.get(f"/cases/{journey.reference}")
    assert page.select_one("#restriction-banner-title") is not None
    assert {row[-1] for row in _restrictions_table(page)} == {"In force"}

    # The review was never done, so the end date's timer is not even waiting: the register still says
    # "active", but the restriction ended at the start of 2 March 2027.
    policy.clock.set(datetime(2027, 3, 2, 0, 0, 1, tzinfo=UTC))
    client_request.login("casey")  # a fresh session: the old one timed out
    page = client_request.get(f"/cases/{journey.reference}")
    assert page.select_one("#restriction-banner-title") is None
    assert {row[-1] for row in _restrictions_table(page)} == {"Ended"}
    customer = client_request.get(f"/customers/{REFERENCE}")
    assert "No restriction is in force" in customer.get_text(" ", strip=True)


def test_an_overturned_restriction_ended_on_the_day_it_was_lifted(policy, people, client_request):
    journey = restriction_case(policy, people, REFERENCE)
    policy.clock.set(datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                    samples.appeal_received("2026-03-10"))
    policy.clock.set(datetime(2026, 3, 12, 14, 0, tzinfo=UTC))
    journey.do(people["erin"], "Task_HearAppeal", samples.appeal_decision("overturn"))
    policy.clock.set(datetime(2026, 3, 13, 9, 0, tzinfo=UTC))
    journey.do(people["erin"], "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", "2026-03-13"))

    letter = journey.letters()[-1]
    assert letter.rendered_from["restriction_end"] == "2026-03-12"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(letter.content)).pages)
    assert "ended on 12 March 2026" in text and "13 March 2026. They" not in text

    client_request.login("casey")
    page = client_request.get(f"/cases/{journey.reference}")
    assert {row[-1] for row in _restrictions_table(page)} == {"Lifted on appeal on 12 March 2026"}


def test_a_restriction_overturned_the_day_it_started_ended_that_day(policy, people):
    journey = restriction_case(policy, people, REFERENCE)
    deliver_message(policy.casework, people["casey"], journey.reference, "appeal_received",
                                    samples.appeal_received("2026-03-02"))
    task = journey.open_task()
    inbox_actions.claim(policy.casework, people["erin"], task.id)
    complete_task(policy.casework, people["erin"], task.id, samples.appeal_decision("overturn"))
    journey.do(people["erin"], "Task_SendAppealOutcomeLetter", samples.letter_sent("outcome_letter", "2026-03-02"))
    assert journey.letters()[-1].rendered_from["restriction_end"] == "2026-03-02"
