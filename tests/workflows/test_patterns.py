"""Form patterns: matched by RE2 in linear time; patterns RE2 cannot run are refused at deploy."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.forms import FormSchema, schema_problems
from workflows.patterns import PatternRefused, compiled, matches


def _form(pattern: str) -> dict:
    return {"title": "Note", "description": "A note.", "type": "object", "additionalProperties": False,
            "properties": {"code": {"type": "string", "title": "Code", "description": "A code.",
                                    "x-widget": "text", "maxLength": 100_000, "pattern": pattern}}}


def test_a_catastrophic_pattern_answers_at_once():
    form = FormSchema("note", _form("^(a+)+$"))
    answer = "a" * 50_000 + "b"  # Python's re would backtrack for longer than anyone would wait
    _, errors = form.validate({"code": answer}, today=date(2026, 1, 1))
    assert [e.field for e in errors] == ["code"]
    _, fine = form.validate({"code": "aaaa"}, today=date(2026, 1, 1))
    assert fine == []


@pytest.mark.parametrize("pattern", [r"^(a)\1$", r"^(?=a)a$", r"^(?!b).*$", "[unclosed"])
def test_patterns_that_cannot_run_in_linear_time_are_refused(pattern):
    problems = schema_problems(_form(pattern))
    assert any("cannot be used" in p and "linear time" in p for p in problems), problems
    with pytest.raises(PatternRefused):
        compiled(pattern)


def test_json_schema_pattern_semantics_are_kept():
    assert matches("[0-9]{3}", "ab123")  # a search, not a full match
    assert not matches("^[0-9]{3}$", "ab123")
    assert matches(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", "2026-01-31T09:30")
