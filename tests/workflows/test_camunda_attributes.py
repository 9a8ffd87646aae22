"""What the service reads from a file made in Camunda Modeler: form key, candidate groups, assignee,
due date and lanes, and which element uses which form."""

from __future__ import annotations

from lxml import etree

from tests.workflows.conftest import FIXTURES
from workflows.definitions import form_references, parse_definitions

CAMUNDA_MODELER_TASK = (FIXTURES / "three_tasks.bpmn").read_text().replace(
    'name="Second step" camunda:formKey="note" camunda:candidateGroups="caseworker"',
    'name="Second step" camunda:formKey="decide" camunda:candidateGroups="caseworker, head_of_service" '
    'camunda:assignee="casey" camunda:dueDate="3 working days"',
)


def test_assignee_groups_due_date_form_and_lane_are_read_for_each_user_task():
    task = parse_definitions(CAMUNDA_MODELER_TASK.encode())[0].user_tasks["Task_Second"]
    assert (task.form_key, task.candidate_groups, task.assignee, task.due_date, task.lane) == (
        "decide", ("caseworker", "head_of_service"), "casey", "3 working days", "Caseworker",
    )


def test_form_references_name_the_elements_using_each_form():
    policy = (FIXTURES.parent.parent.parent / "bpmn" / "unacceptable_behaviour.bpmn").read_bytes()
    uses = form_references(etree.fromstring(policy))
    assert uses["incident_recorded"] == ["Incident recorded"]
    assert uses["assess_incident"] == ["Assess the incident"]
    assert uses["appeal_received"] == ["Appeal received"] * 3  # three catch events, by a formKey property
    assert form_references(etree.fromstring(CAMUNDA_MODELER_TASK.encode())) == {
        "start": ["Started"], "note": ["First step", "Third step"], "decide": ["Second step"],
    }
