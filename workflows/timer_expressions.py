"""Timer expressions as process owners write them, made into what SpiffWorkflow can run.

SpiffWorkflow evaluates a timer's body as a Python expression that must give an ISO 8601 string,
and reads a date-time without an offset in the server's own zone. Camunda files write the value
plainly (``PT1M``, ``R3/PT10M``, ``2027-01-31T09:00``) or as ``${dueDate}``. ``translate`` turns
each form into one sandbox expression wrapped in a checking function:

- a plain ISO value becomes a string literal (checked now, so a typo is refused at deploy);
- ``${…}`` is translated by ``camunda_el``;
- anything else is taken as a sandbox expression over task data (``"P12M"``, ``end_date``).

At run time the wrapping functions (``timer_functions``) read a date-time without an offset in
Europe/London, a date alone as the start of that day in London, and always hand SpiffWorkflow a
UTC instant with its offset written out, so every timer is scheduled and none waits unseen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from workflows import camunda_el
from workflows.calendar import LONDON, start_of_day
from workflows.sandbox.errors import SandboxError

KINDS = ("date", "duration", "cycle")
_FUNCTION = {"date": "timer_date", "duration": "timer_duration", "cycle": "timer_cycle"}
_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.,]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
# Anything starting like a duration is read as one (and checked), never as a variable named PT1X.
_PLAIN_DURATION = re.compile(r"^P(?:\d|T\d)[0-9A-Z.,]*$", re.IGNORECASE)
_PLAIN_CYCLE = re.compile(r"^R\d*/\S+$", re.IGNORECASE)
_EXAMPLES = {
    "date": "an ISO 8601 date or date-time such as 2027-01-31 or 2027-01-31T09:00",
    "duration": "an ISO 8601 duration such as PT1M, P5D or P1Y2M",
    "cycle": "an ISO 8601 repeating interval such as R3/PT10M or R/2027-01-01T09:00/P1D",
}


class TimerExpressionError(SandboxError):
    """A timer value or expression that cannot be understood; the message says what was expected.

    A SandboxError, so at run time the sandbox passes this message on as it is: it never quotes the
    value (which came from task data), only what was expected.
    """


def translate(kind: str, text: str) -> str:
    """The sandbox expression for a timer's body, or TimerExpressionError (at deploy, before anything runs)."""
    body = (text or "").strip()
    if not body:
        raise TimerExpressionError(f"The timer has no value: write {_EXAMPLES[kind]}.")
    if camunda_el.is_camunda_expression(body):
        try:
            inner = camunda_el.translate(body)
        except camunda_el.UnsupportedExpression as error:
            raise TimerExpressionError(f"The timer expression {body!r} is not understood: {error}.") from None
    elif _looks_plain(kind, body):
        inner = repr(_checked(kind, body))
    else:
        inner = body
    return f"{_FUNCTION[kind]}({inner})"


def _looks_plain(kind: str, body: str) -> bool:
    if kind == "date":
        return _PLAIN_DATE.match(body) is not None
    if kind == "duration":
        return _PLAIN_DURATION.match(body) is not None
    return _PLAIN_CYCLE.match(body) is not None


def _checked(kind: str, value: str) -> str:
    try:
        return {"date": timer_date, "duration": timer_duration, "cycle": timer_cycle}[kind](value)
    except TimerExpressionError:
        raise TimerExpressionError(f"The timer value {value!r} is not understood: write {_EXAMPLES[kind]}.") from None


def timer_date(value: Any) -> str:
    """A UTC instant (ISO, offset written) for a date or date-time; no offset means London time."""
    return _instant(value).isoformat()


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        instant = value
    elif isinstance(value, date):
        return start_of_day(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return start_of_day(date.fromisoformat(text))
            instant = datetime.fromisoformat(text)
        except ValueError:
            raise TimerExpressionError(f"A timer date must be {_EXAMPLES['date']}.") from None
    else:
        raise TimerExpressionError(f"A timer date must be {_EXAMPLES['date']}, not a {type(value).__name__}.")
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=LONDON)
    return instant.astimezone(UTC)


def timer_duration(value: Any) -> str:
    text = value.strip().upper() if isinstance(value, str) else ""
    if not text.startswith("P"):
        raise TimerExpressionError(f"A timer duration must be {_EXAMPLES['duration']}.")
    try:
        TimerEventDefinition.parse_iso_duration(text)
    except Exception:  # SpiffWorkflow raises a bare Exception for a bad duration
        raise TimerExpressionError(f"A timer duration must be {_EXAMPLES['duration']}.") from None
    return text


def timer_cycle(value: Any) -> str:
    """``R[n]/…`` with each date-time part made a UTC instant and each duration checked."""
    text = value.strip().upper() if isinstance(value, str) else ""
    parts = text.split("/")
    if not text.startswith("R") or len(parts) not in (2, 3) or not (parts[0][1:] == "" or parts[0][1:].isdigit()):
        raise TimerExpressionError(f"A timer cycle must be {_EXAMPLES['cycle']}.")
    normalised = [parts[0]]
    for part in parts[1:]:
        normalised.append(timer_duration(part) if part.startswith("P") else timer_date(part))
    if sum(1 for p in normalised[1:] if p.startswith("P")) != 1:
        raise TimerExpressionError(f"A timer cycle must be {_EXAMPLES['cycle']} (exactly one duration).")
    return "/".join(normalised)


def timer_functions() -> dict[str, Callable[[Any], str]]:
    """The functions translated timer expressions call, for the sandbox."""
    return {"timer_date": timer_date, "timer_duration": timer_duration, "timer_cycle": timer_cycle}


def kind_of(definition: TimerEventDefinition) -> str:
    name = type(definition).__name__
    return "cycle" if "Cycle" in name else "duration" if "Duration" in name else "date"
