"""A case's history comes from the audit log alone: it reads the same with the workflow state gone."""

from __future__ import annotations

from sqlalchemy import text

from service.history.case_history import load_case_history, load_path_overlay, path_taken
from tests.service.audit_cases import deploy_policy, restriction_case


def test_the_history_needs_no_workflow_state(runtime, people):
    deploy_policy(runtime)
    reference = restriction_case(runtime, people).reference
    with runtime.db.engine.begin() as connection:
        connection.execute(text("UPDATE process_instances SET state = '{}'"))
    history = load_case_history(runtime.casework, reference)
    assert history.path[:2] == ["Incident recorded", "Assess the incident"]
    assert history.current == ["Restriction in force"]
    assert [s.title for s in history.data][-1].startswith("Send the decision letter")
    overlay = load_path_overlay(runtime.casework, reference)
    assert "Task_SendDecisionLetter" in overlay["completed"] and overlay["active"]


def test_the_data_after_a_step_holds_only_what_was_given_by_then(runtime, people):
    deploy_policy(runtime)
    reference = restriction_case(runtime, people).reference
    first = load_case_history(runtime.casework, reference, at_seq=1)
    assert first.at_seq == 1 and [s.title for s in first.data] == ["Recorded an incident and opened the case (event 1)"]
    assert first.data[0].answers["what_happened"].startswith("The customer shouted")
    everything = load_case_history(runtime.casework, reference, at_seq=10_000)
    assert everything.at_seq == len(everything.events)
    given = {key for section in everything.data for key in section.answers}
    assert {"assessment_outcome", "proposal_reasons", "approval_decision", "letter_sent_on"} <= given
    assert [e.seq for e in everything.data_steps] == [e.seq for e in everything.events if e.changed]


def test_the_path_is_each_element_once_in_the_order_first_reached():
    steps = [{"path": {"completed": ["a", "b"], "taken_flows": ["f1"]}}, {"form": {}},
             {"path": {"completed": ["b", "c", "a"], "taken_flows": ["f2", "f1"]}}, {}]
    assert path_taken(steps) == (["a", "b", "c"], ["f1", "f2"])
