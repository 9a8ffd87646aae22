"""The one form renderer: questions from a schema, reveals nested under answers, dates joined back up."""

from __future__ import annotations

import json
from datetime import date

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from service.app import create_app
from service.cases.errors import FieldProblem
from service.config import ROOT, Settings
from service.views.schema_forms import error_summary, form_data, form_fields
from tests.service.views.conftest import checked_page, text_of
from workflows.forms import FormSchema

FORMS = sorted((ROOT / "forms").glob("*.json"))
PAGE = """{% extends "layout.html" %}
{% from "components/schema_form.html" import error_summary, schema_form %}
{% set page_title = "A form" %}
{% block content %}{{ error_summary(errors) }}<h1 class="govuk-heading-l">A form</h1>
{{ schema_form(questions, "Save") }}{% endblock %}"""


@pytest.fixture(scope="module")
def app():
    settings = Settings(environment="testing", database_url="sqlite://", secret_key="forms", secure_cookies=False)
    return create_app(settings)


def _form(name: str) -> FormSchema:
    return FormSchema(name, json.loads((ROOT / "forms" / f"{name}.json").read_text()))


def _render(app, form: FormSchema, raw: MultiDict | None = None, errors: dict | None = None):
    with app.test_request_context():
        questions = form_fields(form, raw, errors)
        problems = [FieldProblem(name, message) for name, message in (errors or {}).items()]
        return checked_page(render_template_string(PAGE, questions=questions,
                                                   errors=error_summary(problems, questions)))


@pytest.mark.parametrize("path", FORMS, ids=[p.stem for p in FORMS])
def test_every_policy_form_renders_as_valid_accessible_html(app, path):
    form = _form(path.stem)
    page = _render(app, form)
    shown = {el["name"].split("-")[0] for el in page.select("form [name]") if el["name"] != "csrf_token"}
    assert shown == set(form.fields)
    failing = _render(app, form, errors={name: f"Problem with {name}" for name in form.fields})
    links = [a["href"] for a in failing.select(".govuk-error-summary a")]
    assert len(links) == len(form.fields)
    assert len(failing.select(".govuk-error-message")) == len(form.fields)


def test_questions_revealed_by_an_answer_sit_inside_it(app):
    page = _render(app, _form("incident_recorded"))
    assert page.select_one("#conditional-new_customer-2 #customer_reference") is not None  # "No" reveals it
    assert page.select_one("#conditional-new_customer #customer_name") is not None
    categories = page.select_one("input[name=behaviour_categories][value=aggressive_intimidating_abusive]")
    assert page.select_one(f"#{categories['data-aria-controls']} input[name=violence_or_threats]") is not None
    # a yes/no question with nothing to reveal is inline
    assert "govuk-radios--inline" in page.select_one("#crime_suspected").find_parent(class_="govuk-radios")["class"]
    appeal = _render(app, _form("appeal_decision"))
    nested = appeal.select_one("#conditional-appeal_outcome-3 #conditional-appeal_end_date_changed")
    assert nested.select_one("#appeal_new_end_date-day") is not None


def test_a_datetime_question_asks_for_a_time_beside_the_date(app):
    page = _render(app, _form("incident_recorded"))
    assert [i["name"] for i in page.select("#occurred_at input")] == [
        "occurred_at-day", "occurred_at-month", "occurred_at-year", "occurred_at-time"]
    assert text_of(page.select_one("label[for=occurred_at-time]")) == "Time"
    hint = text_of(page.select_one("#occurred_at-hint"))
    assert "2026-03-27T14:30" not in hint and "For example, 27 3 2026 and 14:30 (UK time)." in hint


def test_answers_are_kept_when_the_form_comes_back(app):
    raw = MultiDict([("channels", "telephone"), ("channels", "email"), ("what_happened", "Shouted."),
                     ("occurred_at-day", "2"), ("occurred_at-time", "9am"), ("new_customer", "no")])
    page = _render(app, _form("incident_recorded"), raw, {"occurred_at": "Enter a real date"})
    assert [i["value"] for i in page.select("input[name=channels][checked]")] == ["telephone", "email"]
    assert page.select_one("#what_happened").get_text() == "Shouted."
    assert page.select_one("#occurred_at-day")["value"] == "2"
    assert page.select_one("#occurred_at-time")["value"] == "9am"
    assert "govuk-radios__conditional--hidden" not in page.select_one("#conditional-new_customer-2")["class"]
    assert page.select_one(".govuk-error-summary a")["href"] == "#occurred_at-day"


@pytest.mark.parametrize(("parts", "expected"), [
    (("2", "3", "2026"), "2026-03-02"),
    (("31", "2", "2026"), "2026-2-31"),
    (("2", "3", "26"), "26-3-2"),
    (("", "", ""), None),
    (("x", "3", "2026"), "2026-3-x"),
])
def test_a_date_is_joined_from_its_boxes(parts, expected):
    form = _form("appeal_received")
    raw = MultiDict(zip(("appeal_received_on-day", "appeal_received_on-month", "appeal_received_on-year"), parts,
                        strict=True))
    assert form_data(form, raw).get("appeal_received_on") == expected


@pytest.mark.parametrize(("time", "expected"), [
    ("14:30", "2026-03-02T14:30"), ("2:30pm", "2026-03-02T14:30"), ("2.30PM", "2026-03-02T14:30"),
    ("9am", "2026-03-02T09:00"), ("12am", "2026-03-02T00:00"), ("12pm", "2026-03-02T12:00"),
    ("25:00", "2026-3-2T25:00"), ("14", "2026-3-2T14"), ("", "2026-3-2T"),
])
def test_a_date_and_time_are_joined(time, expected):
    raw = MultiDict({"occurred_at-day": "2", "occurred_at-month": "3", "occurred_at-year": "2026",
                     "occurred_at-time": time})
    assert form_data(_form("incident_recorded"), raw)["occurred_at"] == expected


def test_joined_answers_pass_the_forms_own_validation():
    form = _form("incident_recorded")
    raw = MultiDict([("new_customer", "no"), ("customer_reference", "SH-1"), ("occurred_at-day", "2"),
                     ("occurred_at-month", "3"), ("occurred_at-year", "2026"), ("occurred_at-time", "9:05am"),
                     ("channels", "telephone"), ("behaviour_categories", "excessive_contact"),
                     ("what_happened", "Rang 40 times."), ("crime_suspected", "no"), ("safeguarding_concern", "no"),
                     ("csrf_token", "ignored"), ("task_id", "ignored")])
    cleaned, errors = form.validate(form_data(form, raw), today=date(2026, 3, 2))
    assert errors == []
    assert cleaned["occurred_at"] == "2026-03-02T09:05" and cleaned["new_customer"] is False
    bad, problems = form.validate(form_data(form, MultiDict({"occurred_at-day": "31", "occurred_at-month": "2",
                                                             "occurred_at-year": "2026"})), today=date(2026, 3, 2))
    assert "Date and time of the incident must be a real date and time" in [p.message for p in problems]
