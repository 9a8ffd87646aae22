"""Date rules: a form names one of its process's pack's rules (``Pack.date_rules``) with ``x-date-rule``, and the
rule measures the answer against the pack's own dates (``Pack.case_dates``) beside the platform's. The policy's
rules are tested beside it (tests/service/packs/unacceptable_behaviour/test_date_rules.py).

The test clock opens every case on Monday 2 March 2026.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from service.cases.cases import complete_task, start_case
from service.cases.errors import InvalidInput
from service.dao import tasks_dao
from service.packs import registry
from service.packs.registry import Pack
from service.processes.date_rules import DateRule, rule_problems
from service.processes.deploy import deploy
from service.tasks import inbox_actions
from workflows.calendar import london_date
from workflows.definitions import DeploymentError

BPMN = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">'
        '<bpmn:process id="{process}" isExecutable="true"><bpmn:startEvent id="S"/>'
        '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Visit"/>'
        '<bpmn:userTask id="Visit" name="Record the visit" camunda:formKey="visit"'
        ' camunda:candidateGroups="caseworker"/>'
        '<bpmn:sequenceFlow id="F2" sourceRef="Visit" targetRef="E"/><bpmn:endEvent id="E"/>'
        "</bpmn:process></bpmn:definitions>")
DATE = {"type": "string", "title": "Visited on", "description": "d", "format": "date", "x-widget": "date"}
VISIT = {"title": "Record the visit", "type": "object", "required": ["visited_on"], "properties": {
    "visited_on": {**DATE, "x-date-rule": {"rule": "after_booking", "reason": "why_early"}},
    "why_early": {"type": "string", "title": "Why it was early", "x-widget": "text"},
}}


def _after_booking(field, day, answers, dates, reason):
    """A visit is on or after the day the pack says it was booked, unless the reason field says why not."""
    if day < dates.pack and not answers.get(reason):
        yield reason, f"The visit is dated before {dates.pack.isoformat()}, the day it was booked ({dates.today})"


VISITS = Pack(name="visits", process_ids=("visits",), date_rules={"after_booking": DateRule(_after_booking,
                                                                                             takes_reason=True)},
              case_dates=lambda session, case: london_date(case.opened_at) + timedelta(days=1))


@pytest.fixture
def visits():
    registry.register(VISITS)
    yield
    registry.unregister(VISITS.name)


def _deploy(runtime, process: str):
    return deploy(runtime.casework, BPMN.format(process=process).encode(), {"visit": VISIT}, filename="visit.bpmn",
                  deployed_by_id=None, comment="", now=runtime.clock.now())


def test_a_packs_rule_measures_a_forms_answer_against_the_packs_own_dates(runtime, people, visits):
    _deploy(runtime, "visits")
    casey = people["casey"]
    [task] = start_case(runtime.casework, casey, {}, process_id="visits").opened
    inbox_actions.claim(runtime.casework, casey, task.id)
    with pytest.raises(InvalidInput) as refused:
        complete_task(runtime.casework, casey, task.id, {"visited_on": "2026-03-02"})
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("why_early", "The visit is dated before 2026-03-03, the day it was booked (2026-03-02)")]
    complete_task(runtime.casework, casey, task.id, {"visited_on": "2026-03-02", "why_early": "They came in."})
    with runtime.db.reading() as session:
        assert tasks_dao.get_task(session, task.id).status == "completed"


def test_a_process_without_a_pack_has_no_date_rules_to_name(runtime):
    with pytest.raises(DeploymentError) as refused:
        _deploy(runtime, "unpacked_visits")
    assert [p.message for p in refused.value.problems] == [
        "The form 'visit': Field ‘visited_on’: x-date-rule must be an object naming one of the date rules "
        "(its process has none)"]


def test_a_form_must_name_a_rule_of_its_pack_on_a_field_it_fits_with_an_optional_reason():
    rules = VISITS.date_rules
    assert rule_problems(VISIT, rules) == []
    unknown = {"properties": {"visited_on": {**DATE, "x-date-rule": {"rule": "whenever"}}}}
    assert rule_problems(unknown, rules) == [
        "Field ‘visited_on’: x-date-rule must be an object naming one of the date rules (after_booking)"]
    assert rule_problems(unknown, {}) == [
        "Field ‘visited_on’: x-date-rule must be an object naming one of the date rules (its process has none)"]
    required_reason = {**VISIT, "required": ["visited_on", "why_early"]}
    assert rule_problems(required_reason, rules) == [
        "Field ‘visited_on’: the reason field 'why_early' must be an optional field of the form, on a rule that "
        "takes a reason"]
    text = {"properties": {"visited_on": {**DATE, "x-widget": "text", "x-date-rule": {"rule": "after_booking"}}}}
    assert rule_problems(text, rules) == ["Field ‘visited_on’: the date rule 'after_booking' needs a date field"]
