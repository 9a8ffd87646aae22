"""A letter context refuses data that would make a wrong or unreadable letter, and survives JSON."""

import dataclasses
import datetime
import json

import pytest

from service.config import Provider
from service.packs.unacceptable_behaviour.letter_rendering import (
    AppealOutcome,
    LetterContext,
    LetterFormat,
    LetterKind,
    RestrictionTerms,
)
from tests.service.packs.unacceptable_behaviour.letter_rendering.examples import EXAMPLES, FORMATS, PROVIDER, example


@pytest.mark.parametrize("format_name", FORMATS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_round_trips_through_json(name, format_name):
    context = example(name, format_name)
    stored = json.loads(json.dumps(context.to_dict()))
    assert LetterContext.from_dict(stored) == context


def test_the_letter_keeps_the_configured_provider_which_must_say_something_on_every_line():
    stored = json.loads(json.dumps(EXAMPLES["decision"].to_dict()))
    assert stored["provider"]["address_lines"] == list(PROVIDER.address_lines)
    restored = LetterContext.from_dict(stored).provider
    assert type(restored) is Provider and restored == PROVIDER
    with pytest.raises(ValueError, match="address_lines must be a list of non-empty strings"):
        dataclasses.replace(PROVIDER, address_lines=("Demo House", " "))
    with pytest.raises(ValueError, match="telephone must be a non-empty string"):
        dataclasses.replace(PROVIDER, telephone="")


def test_stores_dates_as_iso_strings_and_enums_as_values():
    stored = example("appeal_varied", "coloured").to_dict()
    assert stored["schema_version"] == 1
    assert stored["letter_date"] == "2026-03-16"
    assert stored["previous_end_date"] == "2027-01-31"
    assert stored["appeal_deadline"] is None
    assert stored["appeal_outcome"] == "varied"
    assert stored["restrictions"][0]["kind"] == "single_point_of_contact"
    assert stored["letter_format"] == {
        "kind": "coloured",
        "background_colour": "#fff5cc",
        "text_colour": "#1a1a1a",
        "language": "Polish",
    }


def test_refuses_a_schema_version_it_cannot_read():
    stored = example("decision").to_dict() | {"schema_version": 99}
    with pytest.raises(ValueError, match="schema version 99"):
        LetterContext.from_dict(stored)


def test_accepts_lists_and_strings_as_json_gives_them():
    context = example("appeal_upheld")
    from_plain_values = dataclasses.replace(
        context,
        kind="appeal_outcome",
        appeal_outcome="upheld",
        restrictions=list(context.restrictions),
        reasons=list(context.reasons),
    )
    assert from_plain_values == context
    assert from_plain_values.appeal_outcome is AppealOutcome.UPHELD


@pytest.mark.parametrize(
    ("background", "text", "accepted"),
    [
        ("#ffffff", "#767676", True),  # 4.54:1, just readable
        ("#ffffff", "#777777", False),  # 4.48:1
        ("#FFF5CC", "#1A1A1A", True),
        ("#ffff00", "#ffffff", False),
    ],
)
def test_coloured_paper_needs_a_contrast_of_at_least_4_5_to_1(background, text, accepted):
    if accepted:
        LetterFormat("coloured", background_colour=background, text_colour=text)
    else:
        with pytest.raises(ValueError, match="contrast ratio"):
            LetterFormat("coloured", background_colour=background, text_colour=text)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "coloured", "background_colour": "yellow", "text_colour": "#000000"}, "#rrggbb"),
        ({"kind": "coloured", "background_colour": "#fff", "text_colour": "#000000"}, "#rrggbb"),
        ({"kind": "coloured", "background_colour": "#ffffff"}, "needs both"),
        ({"kind": "large_print", "background_colour": "#ffffff", "text_colour": "#000000"}, "only coloured"),
        ({"kind": "braille"}, "braille"),
        ({"language": "  "}, "language"),
    ],
)
def test_refuses_a_format_it_cannot_print(fields, message):
    with pytest.raises(ValueError, match=message):
        LetterFormat(**fields)


@pytest.mark.parametrize(
    ("name", "changes", "message"),
    [
        ("decision", {"appeal_deadline": None}, "needs appeal_deadline"),
        ("extension", {"previous_end_date": None}, "needs previous_end_date"),
        ("appeal_upheld", {"reviewer_role": None}, "needs reviewer_role"),
        ("appeal_upheld", {"appeal_outcome": None}, "needs appeal_outcome"),
        ("restriction_ended", {"appeal_deadline": datetime.date(2027, 2, 28)}, "not use appeal_deadline"),
        ("decision", {"appeal_outcome": AppealOutcome.UPHELD}, "does not use appeal_outcome"),
        ("decision", {"restriction_end": datetime.date(2026, 1, 31)}, "after restriction_start"),
        ("decision", {"appeal_deadline": datetime.date(2026, 1, 31)}, "after letter_date"),
        ("extension", {"previous_end_date": datetime.date(2028, 1, 20)}, "after previous_end_date"),
        ("decision", {"letter_date": datetime.datetime(2026, 1, 31, 9, 0)}, "datetime.date"),
        ("decision", {"restrictions": ()}, "restrictions"),
        ("decision", {"reasons": ("",)}, "reasons"),
        ("decision", {"case_reference": " "}, "case_reference"),
        ("decision", {"kind": "warning"}, "warning"),
    ],
)
def test_refuses_a_letter_that_would_be_wrong_or_incomplete(name, changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(EXAMPLES[name], **changes)


def test_refuses_a_restriction_the_policy_does_not_list():
    with pytest.raises(ValueError, match="curfew"):
        RestrictionTerms("curfew", "Do not contact us after 6pm.")


def test_every_kind_of_letter_has_an_example():
    assert {context.kind for context in EXAMPLES.values()} == set(LetterKind)
    assert {context.appeal_outcome for context in EXAMPLES.values()} - {None} == set(AppealOutcome)
