"""The anti-social behaviour report: a second process, plain BPMN with camunda attributes and no code.

Every path, through the engine and the forms (straight through and with a save/restore round trip
before every step, like the policy's scenarios): triaged as needing no action; investigated with the
evidence sent in time; investigated with the deadline passing first. The flows feed the path-coverage
report with the policy's.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from workflows.definitions import ProcessDefinition, parse_definitions
from workflows.form_dialect import meta_schema, normalise

from .conftest import BPMN_DIR

DIAGRAM = BPMN_DIR / "asb_report.bpmn"
REPORT = {"what_happened": "Loud music every night after midnight from flat 12.", "happened_on": "2026-03-01",
          "location": "Hill House, flat 12", "reported_by": "Sam Neighbour, flat 14", "anyone_at_risk": False}


@pytest.fixture(scope="module")
def definition() -> ProcessDefinition:
    """Overrides the policy's diagram for the ``new_case`` cases of this module."""
    return parse_definitions(DIAGRAM.read_bytes(), DIAGRAM.name)[0]


def _start(case) -> None:
    case.workflow, step = case.engine.start(case.definition, case._validated("asb_report", dict(REPORT)))
    case._record(step)


def _evidence_arrives(case, data: dict[str, Any]) -> None:
    cleaned = case._validated("asb_evidence_received", data)
    case._record(case.engine.deliver_message(case._restored(), "asb_evidence_received", cleaned))


def test_a_report_needing_no_action_is_closed_at_triage(new_case):
    case = new_case()
    _start(case)
    assert case.ready() == ["Task_Triage"]
    case.complete("Task_Triage", {"triage_decision": "no_action", "triage_notes": "It stopped."})
    assert case.finished and "End_NoAction" in case.completed


def test_evidence_sent_in_time_leads_to_a_decision(new_case):
    case = new_case()
    _start(case)
    case.complete("Task_Triage", {"triage_decision": "investigate"})
    case.complete("Task_AskForEvidence", {"evidence_asked_for": "A diary sheet", "evidence_due_by": "2026-03-16"})
    assert case.ready() == [] and case.next_timer() == datetime(2026, 3, 16, 17, tzinfo=UTC)
    case.set_time(datetime(2026, 3, 10, 9, tzinfo=UTC))
    assert not case.finished  # not due yet
    _evidence_arrives(case, {"evidence_summary": "Two weeks of diary sheets"})
    assert case.ready() == ["Task_DecideAction"]
    case.complete("Task_DecideAction", {"action": "warning_letter"})
    assert case.finished and "End_ActionTaken" in case.completed


def test_the_deadline_passing_first_closes_the_case(new_case):
    case = new_case()
    _start(case)
    case.complete("Task_Triage", {"triage_decision": "investigate"})
    case.complete("Task_AskForEvidence", {"evidence_asked_for": "Photos", "evidence_due_by": "2026-03-09"})
    case.set_time(datetime(2026, 3, 9, 16, 59, tzinfo=UTC))
    assert not case.finished
    case.set_time(datetime(2026, 3, 9, 17, 0, tzinfo=UTC))
    assert case.finished and "End_NoEvidence" in case.completed
    assert "Task_DecideAction" not in case.completed


def test_its_forms_are_standard_json_schema_with_widgets_inferred():
    """No product keyword decides how a question looks: each form passes draft 2020-12's own meta-schema and the
    published dialect, and the renderer infers every widget from type, format, oneOf and maxLength."""
    keys = {element.get("{http://camunda.org/schema/1.0/bpmn}formKey") for element in _elements()} - {None}
    keys |= {element.get("value") for element in _elements() if element.get("name") == "formKey"}
    assert keys == {"asb_report", "asb_triage", "asb_evidence_request", "asb_evidence_received", "asb_outcome"}
    dialect = Draft202012Validator(meta_schema())
    for key in sorted(keys):
        form = json.loads((BPMN_DIR.parent / "forms" / f"{key}.json").read_text(encoding="utf-8"))
        assert form["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(form)
        assert list(dialect.iter_errors(form)) == [], key
        assert not [name for name, field in form["properties"].items() if "x-widget" in field], key
        assert all("x-widget" in field for field in normalise(form, key)["properties"].values()), key


def _elements():
    from lxml import etree

    return etree.parse(str(DIAGRAM)).iter()
