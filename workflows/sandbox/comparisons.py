"""Comparisons, membership, hashing and sorting: sized before Python starts on them.

The clock only runs between bytecodes, so one C-level operation must itself be bounded. ``a == b``,
``x in rows``, ``sorted(rows)`` and hashing a tuple key walk nested containers in C, and sharing
makes that walk far larger than anything built: ``[[0] * 100_000] * 100_000`` costs two guarded
multiplications of 100,000 to build, but comparing two of them touches 10**10 items. So every
container reaching one of these operations is measured first (``measure`` counts shared items each
time they are reached, as C will), and anything over ``max_size`` is refused. Flat values — text,
numbers, dates — skip the walk: that keeps an ordinary ``decision == 'approve'`` at a type check.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from workflows.sandbox.errors import SandboxError
from workflows.sandbox.limits import current
from workflows.sandbox.sizes import measure

_FLAT = frozenset({str, int, float, bool, type(None), date, datetime, timedelta})
_SIZED = frozenset({list, tuple, dict})


def _measure_operand(value: Any) -> None:
    try:
        measure([value], current().max_size, storing=False)
    except SandboxError:
        raise SandboxError("a value is too large to compare") from None


def guarded_comparable(value: Any) -> Any:
    """An operand of ``==``, ``<``, ``in`` (its left side) ... or a dictionary key: measured if nested."""
    if type(value) not in _FLAT:
        _measure_operand(value)
    return value


def guarded_members(value: Any) -> Any:
    """The right side of ``in``: a dictionary or text is searched by hash or in linear C, a list or
    tuple is compared item by item, so only those are measured."""
    if type(value) not in _FLAT and type(value) is not dict:
        _measure_operand(value)
    return value


def measured_call(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (sorted, min, max, dict, list.index ...) with every argument measured first,
    because it compares or hashes what it is given. A generator or view is listed first, so what C
    will compare is measured; a ``key`` function's results are measured as they come back."""

    def call(*args: Any, **kwargs: Any) -> Any:
        args = tuple(_listed(value) for value in args)
        for value in args:
            guarded_comparable(value)
        key = kwargs.get("key")
        if key is not None:
            kwargs["key"] = lambda item: guarded_comparable(key(item))
        return function(*args, **kwargs)

    call.__name__ = getattr(function, "__name__", "call")
    return call


def _listed(value: Any) -> Any:
    if type(value) in _FLAT or type(value) in _SIZED or callable(value):
        return value
    return list(value)  # zip, enumerate, a generator, a dict view: items are counted as they come


COMPARISONS = {"_comparable_": guarded_comparable, "_members_": guarded_members}
