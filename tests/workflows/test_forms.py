from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from workflows.forms import FieldError, FormError, FormSchema, load_form, schema_problems

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
TODAY = date(2026, 3, 2)


def form(key: str) -> FormSchema:
    return load_form(FORMS_DIR, key)


def incident(**changes):
    data = {
        "new_customer": "no",
        "customer_reference": " SH-1 ",
        "occurred_at": "2026-03-02T09:05",
        "channels": ["telephone"],
        "behaviour_categories": ["excessive_contact"],
        "what_happened": "Called 40 times in a day.",
        "staff_affected": "",
        "evidence_references": "  ",
        "crime_suspected": "no",
        "safeguarding_concern": "yes",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def errors_of(key: str, data: dict, today: date = TODAY) -> dict[str, str]:
    _, errors = form(key).validate(data, today=today)
    return {e.field: e.message for e in errors}


def tiny_form(**field) -> dict:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Tiny",
        "description": "A test form.",
        "type": "object",
        "additionalProperties": False,
        "required": [],
        "properties": {
            "note": {"type": "string", "title": "Note", "description": "Anything.", "x-widget": "textarea", **field}
        },
    }


# -- cleaning ---------------------------------------------------------------------------------------


def test_good_answers_are_cleaned_into_task_data():
    cleaned, errors = form("incident_recorded").validate(incident(), today=TODAY)
    assert errors == []
    assert cleaned == {
        "new_customer": False,
        "customer_reference": "SH-1",
        "occurred_at": "2026-03-02T09:05",
        "channels": ["telephone"],
        "behaviour_categories": ["excessive_contact"],
        "what_happened": "Called 40 times in a day.",
        "crime_suspected": False,
        "safeguarding_concern": True,
    }


def test_a_single_ticked_checkbox_becomes_a_list_and_blank_boxes_are_ignored():
    cleaned, errors = form("incident_recorded").validate(incident(channels="email"), today=TODAY)
    assert errors == [] and cleaned["channels"] == ["email"]
    cleaned, _ = form("incident_recorded").validate(incident(channels=["", "letter"]), today=TODAY)
    assert cleaned["channels"] == ["letter"]


def test_answers_to_questions_that_were_not_shown_are_dropped():
    cleaned, errors = form("incident_recorded").validate(incident(customer_name="Ann Other"), today=TODAY)
    assert errors == [] and "customer_name" not in cleaned


def test_real_booleans_are_accepted_as_well_as_yes_and_no():
    cleaned, errors = form("incident_recorded").validate(incident(crime_suspected=True, new_customer="No"), today=TODAY)
    assert errors == [] and cleaned["crime_suspected"] is True and cleaned["new_customer"] is False


def test_numbers_are_read_from_text():
    schema = tiny_form()
    schema["properties"]["count"] = {
        "type": "integer",
        "title": "Count",
        "description": "How many.",
        "x-widget": "text",
    }
    cleaned, errors = FormSchema("tiny", schema).validate({"count": " 12 "}, today=TODAY)
    assert errors == [] and cleaned == {"count": 12}
    _, errors = FormSchema("tiny", schema).validate({"count": "twelve"}, today=TODAY)
    assert errors == [FieldError("count", "Count must be a whole number")]


# -- errors ------------------------------------------------------------------------------------------


def test_missing_answers_get_one_plain_message_each_in_the_order_of_the_form():
    _, errors = form("incident_recorded").validate({}, today=TODAY)
    assert [e.field for e in errors] == [
        "new_customer",
        "occurred_at",
        "channels",
        "behaviour_categories",
        "what_happened",
        "crime_suspected",
        "safeguarding_concern",
    ]
    messages = {e.field: e.message for e in errors}
    assert messages["what_happened"] == "Enter what happened"
    assert messages["behaviour_categories"] == "Select at least one behaviour category"
    assert messages["crime_suspected"] == "Select yes if a crime is suspected"


def test_a_revealed_question_is_required_when_it_is_shown():
    assert errors_of("incident_recorded", incident(customer_reference=None)) == {
        "customer_reference": "Enter the customer reference"
    }
    assert errors_of("incident_recorded", incident(behaviour_categories=["aggressive_intimidating_abusive"])) == {
        "violence_or_threats": "Select yes if the behaviour included physical threats or actual violence"
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"what_happened": 42}, "what_happened", "What happened must be text"),
        ({"what_happened": ["a"]}, "what_happened", "What happened must be text"),
        ({"crime_suspected": "maybe"}, "crime_suspected", "Select yes or no for ‘Is a crime suspected?’"),
        ({"channels": {"a": 1}}, "channels", "Select only the listed options for ‘How did the customer contact us?’"),
        (
            {"channels": ["pigeon"]},
            "channels",
            "Select one of the listed options for ‘How did the customer contact us?’",
        ),
        (
            {"channels": ["email", "email"]},
            "channels",
            "Select each option for ‘How did the customer contact us?’ only once",
        ),
        ({"new_customer": None}, "new_customer", "Select yes if this is a new customer"),
    ],
)
def test_wrong_types_and_choices_are_explained(changes, field, message):
    assert errors_of("incident_recorded", incident(**changes))[field] == message


def test_unknown_fields_are_errors_not_silently_dropped():
    long_name = "x" * 500
    _, errors = form("incident_recorded").validate(incident(colour="red", **{long_name: 1}), today=TODAY)
    assert errors[0] == FieldError("colour", "This form does not have a field called ‘colour’")
    assert len(errors[1].message) < 120


def test_huge_text_is_refused():
    assert errors_of("incident_recorded", incident(what_happened="a" * 10_001)) == {
        "what_happened": "What happened must be 10,000 characters or fewer"
    }
    assert errors_of("incident_recorded", incident(staff_affected="a" * 2_001)) == {
        "staff_affected": "Staff affected must be 2,000 characters or fewer"
    }


def test_text_fields_without_a_limit_get_the_default_one():
    schema = FormSchema("tiny", tiny_form())
    assert schema.fields["note"]["maxLength"] == 10_000
    _, errors = schema.validate({"note": "a" * 10_001}, today=TODAY)
    assert errors == [FieldError("note", "Note must be 10,000 characters or fewer")]


@pytest.mark.parametrize("value", ["2026-02-30", "31/01/2026", "2026-1-5", "20260131", "yesterday"])
def test_dates_must_be_real_dates(value):
    data = {"police_reference": "CAD-1", "police_referred_on": value}
    assert errors_of("police_referral", data) == {"police_referred_on": "Date you referred it must be a real date"}


@pytest.mark.parametrize("value", ["2026-03-02 09:05", "2026-13-01T10:00", "2026-03-02T25:00", "2026-03-02"])
def test_date_times_must_be_real(value):
    assert errors_of("incident_recorded", incident(occurred_at=value)) == {
        "occurred_at": "Date and time of the incident must be a real date and time"
    }


def test_dates_that_cannot_be_in_the_future():
    # The incident's and the letters' dates are held by the policy's date rules instead (with today's
    # date in the message): tests/service/packs/unacceptable_behaviour/test_date_rules.py.
    data = {"police_reference": "CAD-1", "police_referred_on": "2026-03-03"}
    assert errors_of("police_referral", data) == {
        "police_referred_on": "The date you referred it must be today or in the past"
    }
    assert errors_of("police_referral", {**data, "police_referred_on": "2026-03-02"}) == {}


def test_a_new_end_date_cannot_be_in_the_past():
    data = {
        "appeal_outcome": "vary",
        "varied_interventions": ["single_communication_method"],
        "appeal_reasons": "r",
        "varied_restrictions": "Email only.",
        "appeal_end_date_changed": "yes",
        "appeal_new_end_date": "2026-03-01",
    }
    assert errors_of("appeal_decision", data) == {"appeal_new_end_date": "New end date must be today or in the future"}


def test_tenancy_action_needs_violence_threats_or_harassment():
    proposal = {
        "interventions": ["tenancy_action"],
        "tenancy_action_details": "Notice.",
        "proposal_reasons": "r",
        "what_it_means": "m",
        "behaviour_categories": ["excessive_contact"],
    }
    message = (
        "Action on the tenancy can only be proposed for physical threats or violence, "
        "or harassment directed at an employee"
    )
    assert errors_of("formal_proposal", proposal) == {"interventions": message}
    aggressive = {**proposal, "behaviour_categories": ["aggressive_intimidating_abusive"]}
    assert errors_of("formal_proposal", {**aggressive, "violence_or_threats": "no"}) == {"interventions": message}
    assert errors_of("formal_proposal", {**aggressive, "violence_or_threats": "yes"}) == {}
    assert errors_of("formal_proposal", {**proposal, "behaviour_categories": ["harassment"]}) == {}


def test_an_extension_needs_reasons_but_a_lapse_does_not():
    assert errors_of("review_restriction", {"review_decision": "extend", "review_reasons": " "}) == {
        "review_reasons": "Enter the reasons for extending the restriction"
    }
    assert errors_of("review_restriction", {"review_decision": "lapse"}) == {}


def test_letters_in_an_adjusted_format_need_that_adjustment_agreed():
    data = {
        "customer_asked": "yes",
        "customer_request": "Large print.",
        "adjustments_considered": ["large_print"],
        "vulnerability_considerations": "None known.",
        "letter_format": "translation",
        "adjustments_outcome": "resolved",
    }
    assert errors_of("reasonable_adjustments", data) == {
        "adjustments_considered": (
            "Select ‘Written communication in translation’ and enter the language, so letters can be translated"
        ),
        "letter_format": "Letters can only be sent in translation if the customer agreed that adjustment",
    }
    data.update(letter_format="large_print", adjustments_agreed=["large_print"])
    assert errors_of("reasonable_adjustments", data) == {}
    data.update(adjustments_considered=["large_print", "none"])
    assert "adjustments_considered" in errors_of("reasonable_adjustments", data)


def test_letters_in_translation_need_the_language():
    data = {
        "customer_asked": "yes",
        "customer_request": "Letters in Polish.",
        "adjustments_considered": ["translation"],
        "adjustments_agreed": ["translation"],
        "vulnerability_considerations": "None known.",
        "letter_format": "translation",
        "adjustments_outcome": "formal_action_needed",
    }
    assert errors_of("reasonable_adjustments", data) == {"translation_language": "Enter the language for translation"}
    assert errors_of("reasonable_adjustments", {**data, "translation_language": "Polish"}) == {}


def test_every_part_of_the_decision_letter_must_be_confirmed():
    data = {"letter_contents": ["decision", "why"], "letter_sent_on": "2026-03-02", "letter_sent_by": "post"}
    assert errors_of("decision_letter", data) == {
        "letter_contents": "Confirm the letter includes everything the policy requires"
    }


def test_form_data_must_be_a_mapping():
    with pytest.raises(TypeError):
        form("incident_recorded").validate(["not", "a", "form"], today=TODAY)  # type: ignore[arg-type]


# -- loading -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["../forms/incident_recorded", "Incident", "", "a-b", "incident_recorded.json"])
def test_only_plain_form_names_are_loaded(key):
    with pytest.raises(FormError):
        load_form(FORMS_DIR, key)


def test_a_missing_form_is_an_error():
    with pytest.raises(FormError, match="no form called"):
        load_form(FORMS_DIR, "no_such_form")


def test_forms_are_cached_until_their_file_changes(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(tiny_form()), encoding="utf-8")
    first = load_form(tmp_path, "tiny")
    assert load_form(tmp_path, "tiny") is first
    changed = tiny_form(title="Your note")
    path.write_text(json.dumps(changed), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert load_form(tmp_path, "tiny").fields["note"]["title"] == "Your note"


def test_a_form_that_breaks_the_conventions_is_not_loaded(tmp_path):
    (tmp_path / "broken.json").write_text(json.dumps({"title": "Broken"}), encoding="utf-8")
    with pytest.raises(FormError, match="not valid"):
        load_form(tmp_path, "broken")


# -- conventions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FORMS_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_form_in_the_repository_follows_the_conventions(path):
    assert schema_problems(json.loads(path.read_text(encoding="utf-8"))) == []


def _broken(change) -> list[str]:
    schema = json.loads((FORMS_DIR / "incident_recorded.json").read_text(encoding="utf-8"))
    change(schema)
    return schema_problems(schema)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["properties"]["what_happened"].update(type="strin"), "JSON Schema"),
        (lambda s: s.update(additionalProperties=True), "Not in the supported form dialect"),
        (lambda s: s["properties"]["what_happened"].update(type="object"), "Not in the supported form dialect"),
        (lambda s: s["properties"].update({"_hidden": {"type": "string"}}), "Not in the supported form dialect"),
        (lambda s: s["properties"].update({"class": {"type": "string"}}), "Python keyword"),
        (lambda s: s["properties"].update({"n": {"type": "integer", "x-widget": "text"}}), "must have type string"),
        (lambda s: s["properties"]["what_happened"].update({"x-widget": "yes-no"}), "must have type boolean"),
        (lambda s: s["properties"]["occurred_at"].pop("pattern"), "a datetime field needs"),
        (lambda s: s["properties"]["channels"].update(uniqueItems=False), "uniqueItems"),
        (lambda s: s["properties"]["what_happened"].update({"x-not-future": True}), "only on a date"),
        (lambda s: s["required"].append("customer_name"), "required only when shown"),
        (lambda s: s["allOf"].pop(0), "needs an allOf rule"),
        (
            lambda s: s["properties"]["customer_name"].update(
                {"x-reveal-when": {"field": "crime_suspected", "equals": True}}
            ),
            "shown earlier",
        ),
        (
            lambda s: s["properties"]["customer_name"].update(
                {"x-reveal-when": {"field": "new_customer", "equals": "y"}}
            ),
            "can never equal",
        ),
        (
            lambda s: s["allOf"].append(
                {"if": {"required": ["new_customer"]}, "then": {"required": ["staff_affected"]}}
            ),
            "needs an x-message",
        ),
        (lambda s: s["required"].append("nothing_here"), "is required but is not a field"),
    ],
)
def test_schema_problems_explain_what_breaks_the_conventions(change, expected):
    problems = _broken(change)
    assert any(expected in p for p in problems), problems


def test_schema_problems_refuse_something_that_is_not_a_form():
    assert schema_problems(["not", "an", "object"]) == ["A form must be a JSON object"]


def test_huge_checkbox_lists_are_refused():
    errors = errors_of("incident_recorded", incident(channels=["email"] * 10_000))
    assert errors == {"channels": "Select no more than 8 options for ‘How did the customer contact us?’"}
