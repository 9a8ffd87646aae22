"""FEEL cells of DMN tables as Camunda users write them, translated into sandbox expressions (nothing runs here)."""

from __future__ import annotations

import pytest

from workflows.feel import FeelError, expression, unary_tests
from workflows.sandbox.environment import SandboxedEnvironment


def _matches(entry: str, value, **data) -> bool:
    test = unary_tests(entry)
    if test is None:
        return True
    return SandboxedEnvironment().evaluate(test, data, external_context={"dmninputexpr": value})


@pytest.mark.parametrize(("entry", "value", "expected"), [
    ("[1..10]", 1, True), ("[1..10]", 10, True), ("[1..10]", 11, False), ("[1..10]", None, False),
    ("(1..10]", 1, False), ("]1..10[", 10, False), ("[1..10)", 9.5, True),
    (">= 5", 5, True), (">= 5", 4, False), ("> 5", None, False), ("< -2.5", -3, True), ("!= 3", 4, True),
    ('"a","b"', "b", True), ('"a","b"', "c", False), ('"a", "b,c"', "b,c", True),
    ('not("a")', "a", False), ('not("a", "b")', "c", True), ("not([1..3])", 5, True),
    ("-", "anything", True), ("", None, True), ("true", True, True), ("null", None, True),
    ('date("2027-01-31")', "2027-01-31", True), ('>= date("2027-01-31")', "2027-02-01", True),
    ('"x", [1..5]', 3, True), ('"x", [1..5]', 7, False), ("[1..5[, 7", 7, True), ("]1..5], 0", 0, True),
    ("[1..5[, 7", 5, False),
])
def test_unary_tests_match_as_in_camunda(entry, value, expected):
    assert _matches(entry, value) is expected


def test_an_entry_may_compare_with_a_variable_or_a_property():
    assert _matches("< limit", 5, limit=10)
    assert _matches("[floor..order.cap]", 7, floor=1, order={"cap": 8})
    assert not _matches("[floor..order.cap]", 9, floor=1, order={"cap": 8})


@pytest.mark.parametrize(("text", "python"), [
    ("amount", "amount"), ("customer.tier", "customer.get('tier')"), ('"gold"', "'gold'"), ("20", "20"),
    ("true", "True"), ("-1.5", "-1.5"), ("${amount > 3}", "(amount > 3)"),
])
def test_input_expressions_and_outputs_are_translated(text, python):
    assert expression(text) == python


@pytest.mark.parametrize("entry", ['matches(name, "^A")', "[1..", '"open', "count(x) > 1", "some x in y satisfies x"])
def test_more_feel_than_is_understood_is_refused_saying_what(entry):
    with pytest.raises(FeelError) as refused:
        unary_tests(entry)
    assert str(refused.value)


def test_arithmetic_in_an_output_is_refused():
    with pytest.raises(FeelError, match="not supported"):
        expression("amount * 2")
