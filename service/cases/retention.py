"""How long a case of a process without a pack's retention policy is kept: the process says so.

A ``retentionPeriod`` property on an end event (an outcome) wins, then one on the process, then the
platform's default of one year. Periods read "2 years", "18 months", "90 days").
"""

from __future__ import annotations

from datetime import date

from service.data_protection.periods import Period, PeriodError, Retention, Rule
from workflows.definitions import ProcessDefinition

PROPERTY = "retentionPeriod"
DEFAULT = Period(months=12)


def process_retention(definition: ProcessDefinition, outcome: str | None, closed_on: date) -> Retention:
    """The period of the end event the case reached (its outcome is that event's name), else the process's."""
    names = definition.element_names
    for element_id, properties in definition.end_event_properties.items():
        if outcome and names.get(element_id) == outcome and properties.get(PROPERTY):
            return _retention(f"{definition.name}: {outcome}", properties[PROPERTY], closed_on)
    if definition.properties.get(PROPERTY):
        return _retention(definition.name, definition.properties[PROPERTY], closed_on)
    name = f"{definition.name} (the default period)"
    rule = Rule(name, "process", DEFAULT, name)
    return Retention(rule, closed_on, DEFAULT.after(closed_on))


def retention_problems(definition: ProcessDefinition) -> list[str]:
    """Periods that cannot be read: a deploy refusal, so that no case is ever kept for an unknown time."""
    declared = [("The process", definition.properties.get(PROPERTY))] + [
        (f"The end event {definition.element_names.get(i, i)!r}", p.get(PROPERTY))
        for i, p in definition.end_event_properties.items()]
    problems = []
    for where, value in declared:
        if value is None:
            continue
        try:
            Period.parse(value)
        except PeriodError as error:
            problems.append(f"{where} has a {PROPERTY} that is not a period: {error}")
    return problems


def _retention(name: str, text: str, closed_on: date) -> Retention:
    period = Period.parse(text)
    return Retention(Rule(name, "process", period, name), closed_on, period.after(closed_on))
