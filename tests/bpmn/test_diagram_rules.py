"""The policy diagram's rules, checked on the file without running it: roles, forms, conditions,
timers, and the safeguards the policy requires."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime

import pytest
from lxml import etree

from tests.bpmn.diagram import FORMS_DIR, diagrams, names_read
from workflows.definitions import NS
from workflows.due_dates import due_instant
from workflows.forms import load_form, schema_problems
from workflows.sandbox import SandboxedEnvironment, compile_problems

POLICY = next(d for d in diagrams() if d.process.get("id") == "unacceptable_behaviour")
LANE_GROUPS = {
    "Caseworker": ("caseworker",),
    "Head of Service or Executive": ("head_of_service", "executive"),
    "Independent reviewer": ("head_of_service", "executive"),
}
CASE_EVENTS = {
    "incident_recorded",
    "incident_assessed",
    "informal_resolution_tried",
    "adjustments_recorded",
    "restriction_proposed",
    "proposal_decided",
    "decision_letter_sent",
    "restriction_dates_set",
    "appeal_received",
    "review_decided",
    "appeal_decided",
    "appeal_outcome_letter_sent",
    "restriction_expired",
    "restriction_ended_letter_sent",
    "translated_letter_sent",
    "police_referral_done",
    "safeguarding_alert_done",
    "case_closed",
}
ACTORS = {"proposer", "approver", "letter_sender", "review_decider", "reviewer"}
USER_TASKS = POLICY.of_kind("userTask")
CHOICES = [f for f in POLICY.flows.values() if f.condition]
READABLE_ID = re.compile(r"^(Start|End|Task|Script|Gateway|Event|Boundary|Flow)_[A-Z][A-Za-z]+$")


def test_one_executable_process_named_for_the_policy():
    assert [p.get("id") for p in POLICY.root.iterfind("bpmn:process", NS)] == ["unacceptable_behaviour"]
    assert POLICY.process.get("name") == "Unacceptable behaviour case"
    assert POLICY.process.get("isExecutable") == "true"


def test_lanes_are_the_roles_and_every_element_is_in_exactly_one():
    lanes = list(POLICY.process.iterfind(".//bpmn:lane", NS))
    assert [lane.get("name") for lane in lanes] == list(LANE_GROUPS)
    refs = [ref.text for lane in lanes for ref in lane.iterfind("bpmn:flowNodeRef", NS)]
    assert sorted(refs) == sorted(POLICY.nodes)


def test_every_element_has_a_readable_id_and_a_label():
    for element_id, node in POLICY.nodes.items():
        assert READABLE_ID.match(element_id), element_id
        assert node.name.strip(), f"{element_id} has no label"
    for flow in POLICY.flows.values():
        assert READABLE_ID.match(flow.id), flow.id


@pytest.mark.parametrize("task", USER_TASKS, ids=lambda t: t.id)
def test_user_task_has_role_form_due_date_and_instructions(task):
    assert task.lane in LANE_GROUPS, f"{task.id} is not in a role's lane"
    groups = tuple((task.camunda("candidateGroups") or "").split(","))
    assert groups == LANE_GROUPS[task.lane], f"{task.id}: candidate groups do not match its lane"
    schema = load_form(FORMS_DIR, task.camunda("formKey")).schema
    assert schema_problems(schema) == []
    assert due_instant(task.camunda("dueDate"), datetime(2026, 3, 2, 9, tzinfo=UTC)) is not None
    assert "working day" in task.camunda("dueDate")
    documentation = task.xml.find("bpmn:documentation", NS)
    assert documentation is not None and len(documentation.text.strip()) > 40


def test_every_form_file_is_used_and_passes_the_conventions():
    used = set(POLICY.forms)
    assert POLICY.form_key(POLICY.of_kind("startEvent")[0]) == "incident_recorded"
    every_diagrams_forms = set().union(*(d.forms for d in diagrams()))
    assert {p.stem for p in FORMS_DIR.glob("*.json")} == every_diagrams_forms
    for key in used:
        assert schema_problems(POLICY.forms[key]) == [], key


def test_case_events_and_decision_makers_are_ones_the_service_knows():
    for node in POLICY.nodes.values():
        assert node.properties.get("caseEvent", "incident_recorded") in CASE_EVENTS, node.id
        assert node.properties.get("recordsActor", "proposer") in ACTORS, node.id
        excluded = node.properties.get("excludedActors")
        assert not excluded or set(excluded.split(",")) <= ACTORS, node.id


def test_separation_of_duties_is_declared_on_the_decisions():
    nodes = POLICY.nodes
    assert nodes["Task_ProposeFormalAction"].properties["recordsActor"] == "proposer"
    assert nodes["Task_ApproveProposal"].properties["excludedActors"] == "proposer"
    appeal = nodes["Task_HearAppeal"]
    assert appeal.lane == "Independent reviewer"
    assert set(appeal.properties["excludedActors"].split(",")) == ACTORS - {"reviewer"}


@pytest.mark.parametrize("flow", CHOICES, ids=lambda f: f.id)
def test_conditions_compile_in_the_sandbox_and_read_answers_set_on_every_path(flow):
    assert compile_problems(flow.condition, "eval") == []
    assert flow.name, f"{flow.id} is a choice without a label"
    for variable in names_read(flow.condition):
        assert not POLICY.reachable_avoiding(flow.source, variable), (
            f"{flow.id} reads {variable!r}, but some path reaches {flow.source} without a form that "
            "requires it or a script that always sets it"
        )
        for key, form in POLICY.forms.items():
            if variable in form["properties"]:
                assert variable in form.get("required", []), f"{key} must require {variable!r}"


@pytest.mark.parametrize("gateway", POLICY.of_kind("exclusiveGateway", "inclusiveGateway"), ids=lambda g: g.id)
def test_gateway_choices_never_overlap_and_leave_no_gap(gateway):
    flows = [f for f in POLICY.outgoing(gateway.id) if f.condition]
    if not flows:
        return  # a merge
    environment = SandboxedEnvironment()
    variables = sorted(set().union(*(names_read(f.condition) for f in flows)))
    possible = [POLICY.values_reaching(gateway.id, v) for v in variables]
    assert all(possible), f"{gateway.id}: no known values for {variables}"
    for values in itertools.product(*possible):
        answers = dict(zip(variables, values, strict=True))
        taken = [f.id for f in flows if environment.evaluate(f.condition, dict(answers))]
        if gateway.kind == "exclusiveGateway":
            assert len(taken) == 1, f"{gateway.id} with {answers} takes {taken}"
        else:
            assert taken, f"{gateway.id} with {answers} takes no path"


def test_scripts_compile_in_the_sandbox():
    for script in POLICY.of_kind("scriptTask"):
        assert compile_problems(script.xml.find("bpmn:script", NS).text, "exec") == [], script.id


def test_timers_wait_for_dates_the_service_stored_so_an_appeal_never_restarts_them():
    timers = [n for n in POLICY.nodes.values() if n.xml.find("bpmn:timerEventDefinition", NS) is not None]
    assert {t.id for t in timers} == {"Event_ReviewDue", "Event_EndDateReached"}
    for timer in timers:
        definition = timer.xml.find("bpmn:timerEventDefinition", NS)
        assert [etree.QName(child).localname for child in definition] == ["timeDate"], f"{timer.id} must use timeDate"
        (variable,) = names_read(definition[0].text.strip())
        assert not POLICY.reachable_avoiding(timer.id, variable), f"{variable} may be unset at {timer.id}"
    end = POLICY.nodes["Event_EndDateReached"].xml.find("bpmn:timerEventDefinition/bpmn:timeDate", NS)
    assert end.text.strip() == "restriction_ends_at"


def test_an_event_based_gateway_waits_for_at_most_one_timer():
    # SpiffWorkflow 3.2 keeps one stored due time per event-based gateway, shared by all its timers:
    # a second timer would silently fire at the first one's time.
    for gateway in POLICY.of_kind("eventBasedGateway"):
        targets = [POLICY.nodes[f.target] for f in POLICY.outgoing(gateway.id)]
        timers = [t for t in targets if t.xml.find("bpmn:timerEventDefinition", NS) is not None]
        messages = [t for t in targets if t.xml.find("bpmn:messageEventDefinition", NS) is not None]
        assert len(timers) == 1 and len(messages) == 1, gateway.id


def test_no_formal_proposal_without_reasonable_adjustments():
    assert not _reachable_without("Task_ProposeFormalAction", {"Task_OfferAdjustments"})


def test_no_decision_letter_without_a_head_of_service_or_executive_decision():
    deciders = {t.id for t in USER_TASKS if t.lane == "Head of Service or Executive"}
    assert not _reachable_without("Task_SendDecisionLetter", deciders)


def test_every_message_is_the_appeal_and_lands_under_its_own_name():
    messages = POLICY.root.findall("bpmn:message", NS)
    assert [m.get("name") for m in messages] == ["appeal_received"]
    catchers = [n for n in POLICY.nodes.values() if n.xml.find("bpmn:messageEventDefinition", NS) is not None]
    assert {n.properties.get("formKey") for n in catchers} == {"appeal_received"}


def _reachable_without(target: str, removed: set[str]) -> bool:
    graph: dict[str, list[str]] = {}
    for flow in POLICY.flows.values():
        graph.setdefault(flow.source, []).append(flow.target)
    for node in POLICY.of_kind("boundaryEvent"):
        graph.setdefault(node.xml.get("attachedToRef"), []).append(node.id)
    queue = [n.id for n in POLICY.of_kind("startEvent")]
    seen = set(queue)
    while queue:
        current = queue.pop()
        if current == target:
            return True
        for following in graph.get(current, []):
            if following not in seen and following not in removed:
                seen.add(following)
                queue.append(following)
    return False
