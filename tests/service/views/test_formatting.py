"""Dates and times as people in England read them, and answers in the form's own words."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from service.config import ROOT
from service.views.formatting import answer_rows, london_date, london_datetime
from workflows.forms import FormSchema


@pytest.mark.parametrize(("instant", "expected"), [
    (datetime(2026, 3, 3, 9, 30, tzinfo=UTC), "3 March 2026 at 9:30am"),
    (datetime(2026, 7, 1, 8, 30, tzinfo=UTC), "1 July 2026 at 9:30am"),  # British Summer Time
    (datetime(2026, 3, 3, 12, 0, tzinfo=UTC), "3 March 2026 at midday"),
    (datetime(2026, 3, 3, 0, 0, tzinfo=UTC), "3 March 2026 at midnight"),
    (datetime(2026, 3, 3, 15, 5, tzinfo=UTC), "3 March 2026 at 3:05pm"),
    (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), "25 October 2026 at 11:30pm"),
    (datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "1 July 2026 at 12:30am"),
])
def test_times_are_shown_in_london(instant, expected):
    assert london_datetime(instant) == expected


def test_dates_read_the_same_from_dates_instants_and_iso_text():
    assert london_date(date(2027, 3, 2)) == "2 March 2027"
    assert london_date("2027-03-02") == "2 March 2027"
    assert london_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert london_date(None) == "" and london_datetime(None) == ""


def test_answers_use_the_forms_questions_and_choice_titles():
    form = FormSchema("incident_recorded", json.loads((ROOT / "forms" / "incident_recorded.json").read_text()))
    rows = answer_rows(form, {
        "what_happened": "Shouted.", "new_customer": False, "channels": ["telephone", "email"],
        "occurred_at": "2026-07-01T14:30", "staff_affected": "J. Smith", "case_reference": "UB-2026-0001",
    })
    assert rows == [
        ("Is this a new customer?", ["No"]),
        ("Date and time of the incident", ["1 July 2026 at 2:30pm"]),
        ("How did the customer contact us?", ["Telephone call", "Email"]),
        ("What happened", ["Shouted."]),
        ("Staff affected", ["J. Smith"]),
        ("Case reference", ["UB-2026-0001"]),
    ]
    assert answer_rows(None, {"a_thing": 3}) == [("A thing", ["3"])]
