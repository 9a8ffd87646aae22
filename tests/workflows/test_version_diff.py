"""Differences between two versions of a BPMN file, element by element."""

from __future__ import annotations

from tests.workflows.conftest import FIXTURES
from workflows.version_diff import diff_versions

THREE = (FIXTURES / "three_tasks.bpmn").read_text()


def _diff(new: str, old: str = THREE):
    return diff_versions(old.encode(), new.encode())


def test_the_same_file_has_no_differences_even_when_laid_out_again():
    assert _diff(THREE).is_empty
    assert _diff(THREE.replace("\n    ", "\n")).is_empty


def test_a_renamed_task_with_new_form_and_groups_lists_each_change():
    new = THREE.replace(
        'name="Second step" camunda:formKey="note" camunda:candidateGroups="caseworker"',
        'name="Check the evidence" camunda:formKey="decide" camunda:candidateGroups="caseworker,head_of_service" '
        'camunda:assignee="hana"',
    )
    diff = _diff(new)
    assert diff.added == () and diff.removed == ()
    (change,) = diff.changed
    assert (change.element_id, change.kind, change.name) == ("Task_Second", "userTask", "Check the evidence")
    assert [(f.label, f.before, f.after) for f in change.facts] == [
        ("name", "Second step", "Check the evidence"),
        ("form", "note", "decide"),
        ("candidate groups", "caseworker", "caseworker,head_of_service"),
        ("assignee", None, "hana"),
    ]


def test_properties_documentation_due_dates_and_lanes_are_changes():
    new = (THREE.replace('value="proposer"', 'value="approver"')
           .replace("Write a note.", "Write a short note.")
           .replace('camunda:dueDate="5 working days"', 'camunda:dueDate="3 working days"')
           .replace('name="Caseworker"', 'name="Head of Service or Executive"'))
    changes = {c.element_id: {f.label: (f.before, f.after) for f in c.facts} for c in _diff(new).changed}
    assert changes["Task_First"] == {
        "due date": ("5 working days", "3 working days"),
        "documentation": ("Write a note.", "Write a short note."),
        "lane": ("Caseworker", "Head of Service or Executive"),
        "property recordsActor": ("proposer", "approver"),
    }
    assert changes["Lane_Caseworker"] == {"name": ("Caseworker", "Head of Service or Executive")}


def test_conditions_timers_and_added_or_removed_elements():
    old = (FIXTURES / "restriction_clock.bpmn").read_text()
    new = (old.replace("decision == 'close'", "decision in ('close', 'withdraw')")
           .replace("<bpmn:timeDate>restriction_ends_at</bpmn:timeDate>",
                    "<bpmn:timeDate>restriction_ends_at_varied</bpmn:timeDate>")
           .replace('<bpmn:endEvent id="End_Closed" name="Closed">', '<bpmn:endEvent id="End_Withdrawn" name="Closed">')
           .replace('targetRef="End_Closed"', 'targetRef="End_Withdrawn"'))
    diff = _diff(new, old)
    assert [c.element_id for c in diff.added] == ["End_Withdrawn"]
    assert [c.element_id for c in diff.removed] == ["End_Closed"]
    changes = {c.element_id: {f.label: (f.before, f.after) for f in c.facts} for c in diff.changed}
    assert changes["Flow_Close"] == {"to": ("End_Closed", "End_Withdrawn"),
                                     "condition": ("decision == 'close'", "decision in ('close', 'withdraw')")}
    assert changes["Event_Expiry"] == {"timer event timeDate": ("restriction_ends_at", "restriction_ends_at_varied")}
    assert _diff(new, old).overlay("from") == {"added": [], "removed": ["End_Closed"],
                                               "changed": ["Flow_Close", "Event_Expiry"]}
