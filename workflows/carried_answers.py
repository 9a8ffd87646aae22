"""Answers carried forward from earlier steps of a case.

A yes-no field marked ``"x-carried-forward": {}`` is asked again at a later step (a crime suspected
when the incident was recorded, asked again at the assessment). The earlier answer is shown
pre-filled, and a yes that any step gave is never lost: the data always carries
``<field>_at_any_stage``, true when any step said yes, which is what the diagram's gateways read.
``"x-carried-forward": {"reason": "<field>"}`` also makes turning an earlier yes into a no need a
recorded reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

SUFFIX = "_at_any_stage"


def carried_fields(fields: Mapping[str, Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {name: spec for name, spec in fields.items() if "x-carried-forward" in spec}


def earlier_answers(steps: Iterable[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Every answer each field was given, oldest first, from the answers of the steps so far."""
    found: dict[str, list[Any]] = {}
    for answers in steps:
        for name, value in answers.items():
            found.setdefault(name, []).append(value)
        for name, value in answers.items():
            if name.endswith(SUFFIX) and value is True:
                found.setdefault(name.removesuffix(SUFFIX), []).append(True)
    return found


def carry_forward(fields: Mapping[str, Mapping[str, Any]], cleaned: Mapping[str, Any],
                  earlier: Mapping[str, Sequence[Any]]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The answers with ``<field>_at_any_stage`` added, and the problems: (field, message)."""
    data, problems = dict(cleaned), []
    for name, spec in carried_fields(fields).items():
        said_yes = any(value is True for value in earlier.get(name, ()))
        data[name + SUFFIX] = said_yes or cleaned.get(name) is True
        rule = spec["x-carried-forward"]
        reason = rule.get("reason") if isinstance(rule, Mapping) else None
        if said_yes and cleaned.get(name) is False and reason and not str(cleaned.get(reason) or "").strip():
            title = spec.get("title", name)
            problems.append((reason, f"The answer to ‘{title}’ was yes at an earlier stage: enter why it is now no"))
    return data, problems


def prefilled(fields: Mapping[str, Mapping[str, Any]], earlier: Mapping[str, Sequence[Any]]) -> dict[str, str]:
    """The form's carried-forward questions answered as the case last answered them ("yes"/"no")."""
    shown = {}
    for name in carried_fields(fields):
        said = [v for v in earlier.get(name, ()) if isinstance(v, bool)]
        if said:
            shown[name] = "yes" if any(said) else "no"
    return shown


def rule_problems(fields: Mapping[str, Mapping[str, Any]], required: Sequence[str]) -> list[str]:
    problems = []
    for name, spec in carried_fields(fields).items():
        rule = spec["x-carried-forward"]
        if spec.get("x-widget") != "yes-no" or not isinstance(rule, Mapping):
            problems.append(f"Field ‘{name}’: x-carried-forward must be an object, on a yes-no field")
            continue
        reason = rule.get("reason")
        if reason is not None and (reason not in fields or reason in required):
            problems.append(f"Field ‘{name}’: the reason field {reason!r} must be an optional field of the form")
    return problems
