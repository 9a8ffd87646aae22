"""The FEEL that Camunda users write in DMN decision tables, rewritten at deploy into sandbox expressions.

SpiffWorkflow's DMN engine evaluates every cell as a Python expression, so a table written in FEEL
(``[1..10]``, ``>= 5``, ``"a","b"``, ``not("x")``, ``true``) fails, or silently never matches, at
run time. Each cell is translated in the parsed DMN tree before the engine reads it (the stored file
keeps what the owner wrote); nothing here is evaluated.

Input entries (unary tests), compared with the column's input value:
- ``-`` or nothing matches anything;
- a value (number, ``"text"``, ``true``/``false``/``null``, a variable or ``a.b`` path, ``date("2027-01-31")``)
  matches an equal input;
- ``< v``, ``<= v``, ``> v``, ``>= v``, ``= v``, ``!= v``; an interval ``[a..b]`` with ``(``/``]`` for an
  open start and ``)``/``[`` for an open end; a null input never matches a comparison or an interval;
- several of these separated by commas match if any does; ``not(…)`` around them negates the list.

Input expressions and output entries: a value as above, or the simple expressions ``camunda_el``
understands (comparisons, ``and``/``or``/``not``). Dates are compared as ISO text, the way forms store them.
Anything else raises ``FeelError`` saying what was found, and deploy names the table and the rule.
"""

from __future__ import annotations

import json
import re

from workflows import camunda_el

INPUT = "dmninputexpr"  # the name SpiffWorkflow's DMN engine gives a cell's input value
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_STRING = re.compile(r'^"(?:[^"\\]|\\.)*"$')
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")
_DATE = re.compile(r'^(?:date|date and time)\s*\(\s*(?P<text>"[0-9T:.+\-Z]*")\s*\)$')
_INTERVAL = re.compile(r"^(?P<open>[\[(\]])\s*(?P<low>.+?)\s*\.\.\s*(?P<high>.+?)\s*(?P<close>[\])\[])$", re.S)
_COMPARISON = re.compile(r"^(?P<op><=|>=|!=|<|>|=)\s*(?P<value>.+)$", re.S)
_NEGATION = re.compile(r"^not\s*\((?P<body>.*)\)$", re.S)
_LITERALS = {"true": "True", "false": "False", "null": "None"}
_KEYWORDS = {"and", "or", "not", "in", "between", "instance", "of", "some", "every", "if", "then", "else",
             "for", "return", "satisfies", "function"}


class FeelError(ValueError):
    """A cell written in more FEEL than this platform runs; the message says what was found."""


def unary_tests(text: str | None) -> str | None:
    """The sandbox condition over ``dmninputexpr`` for an input entry, or None when it matches anything."""
    body = (text or "").strip()
    if body in ("", "-"):
        return None
    if negated := _NEGATION.match(body):
        return f"not ({_any_of(negated['body'])})"
    return _any_of(body)


def expression(text: str | None) -> str:
    """The sandbox expression for an input expression or an output entry."""
    body = (text or "").strip()
    if not body:
        raise FeelError("it is empty")
    try:
        return value(body)
    except FeelError:
        pass
    try:
        return camunda_el.translate(body if camunda_el.is_camunda_expression(body) else "${" + body + "}")
    except camunda_el.UnsupportedExpression as error:
        raise FeelError(f"{body[:80]!r} is not supported: {error}") from None


def value(text: str) -> str:
    """A literal, variable, path or date as a sandbox expression."""
    body = text.strip()
    if _NUMBER.match(body):
        return repr(float(body) if "." in body else int(body))
    if _STRING.match(body):
        return repr(json.loads(body))
    if body in _LITERALS:
        return _LITERALS[body]
    if date := _DATE.match(body):
        return repr(json.loads(date["text"]))
    if _PATH.match(body) and not set(body.split(".")) & _KEYWORDS:
        return camunda_el.translate("${" + body + "}")
    raise FeelError(f"{body[:80]!r} is not a value this platform reads (a number, \"text\", true, false, "
                    "null, a variable or date(\"2027-01-31\"))")


def _any_of(body: str) -> str:
    tests = [_positive(part) for part in _split(body)]
    return tests[0] if len(tests) == 1 else " or ".join(f"({test})" for test in tests)


def _positive(text: str) -> str:
    body = text.strip()
    if not body:
        raise FeelError("a comma-separated list has an empty item")
    if interval := _INTERVAL.match(body):
        low, high = value(interval["low"]), value(interval["high"])
        above = ">=" if interval["open"] == "[" else ">"
        below = "<=" if interval["close"] == "]" else "<"
        return f"{INPUT} is not None and {INPUT} {above} {low} and {INPUT} {below} {high}"
    if comparison := _COMPARISON.match(body):
        op, operand = comparison["op"], value(comparison["value"])
        if op in ("=", "!="):
            return f"{INPUT} {'==' if op == '=' else '!='} {operand}"
        return f"{INPUT} is not None and {INPUT} {op} {operand}"
    return f"{INPUT} == {value(body)}"


def _split(body: str) -> list[str]:
    """Split at commas outside quotes, intervals and calls. An interval may open with ``]`` and close with ``[``,
    so each bracket or parenthesis toggles being inside one rather than counting depth."""
    parts, current, inside, quoted = [], [], False, False
    previous = ""
    for char in body:
        if quoted:
            quoted = not (char == '"' and previous != "\\")
        elif char == '"':
            quoted = True
        elif char in "()[]":
            inside = not inside
        elif char == "," and not inside:
            parts.append("".join(current))
            current = []
            previous = char
            continue
        current.append(char)
        previous = char
    if quoted:
        raise FeelError(f"{body[:80]!r} has a string with no closing quote")
    parts.append("".join(current))
    return parts
