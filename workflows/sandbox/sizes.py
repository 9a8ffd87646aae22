"""How big a value is, measured without building anything from it.

Per-operation checks bound each new value, but sharing can still hide a blow-up: ``[row] * 1000``
where ``row`` already holds 100,000 items is cheap to build and enormous to print or to store as
JSON. So values are walked, with a budget, before they are turned into text or kept in task data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from workflows.sandbox.errors import SandboxError

_CONTAINERS = (list, tuple, set, frozenset)
_STORABLE_LEAVES = frozenset({type(None), bool, int, float, str, date, datetime, timedelta})


def footprint(value: Any) -> int:
    """Roughly how many characters, slots or 64-bit words a freshly built value occupies."""
    kind = type(value)
    if kind is int:
        return value.bit_length() >> 6
    if kind in (str, list, tuple, dict, set, frozenset):
        return len(value)
    return 0


def measure(values: Iterable[Any], budget: int, *, storing: bool) -> int:
    """Refuse if ``values`` together exceed ``budget`` (one unit per item, character or 64-bit
    word). With ``storing``, also refuse anything that is not plain data, such as an iterator or a
    function tucked inside a list: SpiffWorkflow's serializer would fail on it later, far from here.
    Returns the units used.
    """
    allowed = budget
    pending = list(values)
    while pending:
        value = pending.pop()
        kind = type(value)
        budget -= 1
        if kind is str:
            budget -= len(value)
        elif kind is int:
            budget -= value.bit_length() >> 6
        elif kind is dict or kind in _CONTAINERS:
            if len(value) > budget:  # checked before queueing, so the queue stays within the budget
                raise SandboxError("the result is too large")
            if kind is dict:
                pending.extend(value.keys())
                pending.extend(value.values())
            else:
                pending.extend(value)
        elif storing and kind not in _STORABLE_LEAVES:
            raise SandboxError("the result holds a value that cannot be stored (only plain data can)")
        if budget < 0:
            raise SandboxError("the result is too large")
    return allowed - budget
