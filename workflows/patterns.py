"""Form ``pattern`` rules matched in linear time (RE2), whatever the form's author wrote.

Python's ``re`` backtracks: ``^(a+)+$`` against thirty "a"s and a "b" takes minutes, and jsonschema
uses ``re`` for ``pattern``. RE2 never backtracks, so matching costs time proportional to the
answer's length; patterns it cannot run (back-references, look-arounds) are refused at deploy.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported to the deployer, not to stderr


class PatternRefused(ValueError):
    """The pattern cannot be matched in linear time, or is not a regular expression."""


@functools.lru_cache(maxsize=1024)
def compiled(pattern: str) -> Any:
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error:
        raise PatternRefused(
            f"the pattern {pattern[:80]!r} cannot be used: it is not a regular expression that can be matched "
            "in linear time (back-references and look-arounds are not supported)"
        ) from None


def matches(pattern: str, text: str) -> bool:
    """JSON Schema's ``pattern``: a search anywhere in the text (anchor it with ^ and $)."""
    return compiled(pattern).search(text) is not None


def patterns_in(schema: Any) -> Iterator[str]:
    """Every ``pattern`` rule anywhere in a form's schema."""
    if isinstance(schema, dict):
        if isinstance(schema.get("pattern"), str):
            yield schema["pattern"]
        for value in schema.values():
            yield from patterns_in(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from patterns_in(value)
