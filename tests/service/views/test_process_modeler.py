"""Diagrams the modeler's deploy endpoint refuses, each answer naming the element so the modeler can mark it.

The same checks run for the API, the command line and uploads (``deploy.check_bpmn``); here they are
driven the way a process owner meets them, through the browser's JSON endpoint.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from service.models import ProcessVersion
from tests.service.process_files import (
    POLICY,
    add_flow,
    deploy_policy,
    edited,
    element,
    policy_xml,
    set_camunda,
    set_property,
)


def _without_approval(root):
    set_property(root, "Task_ApproveProposal", "recordsActor", None)


def _restriction_without_approval(root):
    add_flow(root, "Flow_Shortcut", "Gateway_AssessmentOutcome", "Gateway_BeforeDecisionLetter",
             "assessment_outcome == 'urgent'")


def _appeal_heard_by_caseworkers(root):
    set_camunda(root, "Task_HearAppeal", "candidateGroups", "caseworker,head_of_service")


def _appeal_heard_by_the_approver(root):
    set_property(root, "Task_HearAppeal", "excludedActors", "proposer,letter_sender")


def _no_end_timer(root):
    timer = element(root, "Event_EndDateReached").find(".//{*}timeDate")
    timer.text = '"2030-01-01T00:00:00+00:00"'


def _adjustments_bypassed(root):
    add_flow(root, "Flow_StraightToProposal", "Gateway_AssessmentOutcome", "Gateway_BeforeProposal",
             "assessment_outcome == 'urgent'")


def _missing_form(root):
    set_camunda(root, "Task_AssessIncident", "formKey", "assess_everything")


def _unknown_candidate_group(root):
    set_camunda(root, "Task_AssessIncident", "candidateGroups", "caretakers")


def _unknown_lane(root):
    set_camunda(root, "Task_AssessIncident", "candidateGroups", None)
    element(root, "Lane_Caseworker").set("name", "Caretakers")


def _offered_to_no_one(root):
    set_camunda(root, "Task_AssessIncident", "candidateGroups", None)
    for ref in root.iterfind(".//{*}flowNodeRef"):
        if ref.text == "Task_AssessIncident":
            ref.getparent().remove(ref)


def _unsafe_condition(root):
    condition = root.find(".//{*}sequenceFlow[@id='Flow_SevereCase']/{*}conditionExpression")
    condition.text = "__import__('os').system('id') == 0"


def _approval_named_in_advance(root):
    set_camunda(root, "Task_ApproveProposal", "assignee", "hana")


REFUSALS = {
    "approval removed": (_without_approval, "Task_SendDecisionLetter",
                         "A restriction can be reached without approval by a Head of Service or Executive."),
    "restriction reachable without approval": (
        _restriction_without_approval, "Task_SendDecisionLetter",
        "A restriction can be reached without approval by a Head of Service or Executive."),
    "appeal not held by deciders": (_appeal_heard_by_caseworkers, "Task_HearAppeal",
                                    "The appeal must be held only by a Head of Service or Executive"),
    "appeal missing exclusions": (_appeal_heard_by_the_approver, "Task_HearAppeal",
                                  "excludedActors is missing: approver"),
    "end timer removed": (_no_end_timer, "Event_EndDateReached", "needs a timer on restriction_ends_at"),
    "adjustments bypassed": (_adjustments_bypassed, "Task_ProposeFormalAction",
                             "A formal proposal can be reached without the reasonable adjustments step."),
    "missing form": (_missing_form, "Task_AssessIncident", "uses the form 'assess_everything', which does not exist"),
    "offered to no one": (_offered_to_no_one, "Task_AssessIncident",
                          "is offered to no one: give it candidate groups or users, or put it in a lane"),
    "unsafe expression": (_unsafe_condition, "Flow_SevereCase", "The condition does not compile safely"),
    "approval assigned in advance": (_approval_named_in_advance, "Task_ApproveProposal",
                                     "The approval must not name an assignee"),
}

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x" name="&lol3;"/>
</bpmn:definitions>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="x" name="&secret;"/>
</bpmn:definitions>"""
FILES = {
    "malformed file": (policy_xml()[:5000], "The file is not well-formed XML"),
    "billion laughs": (BILLION_LAUGHS, "The file declares a DOCTYPE or entities, which BPMN files never need."),
    "external entity": (EXTERNAL_ENTITY, "The file declares a DOCTYPE or entities, which BPMN files never need."),
}


@pytest.fixture
def owner(client_request, runtime):
    deploy_policy(runtime)
    return client_request.login("owen")


def _deploy(client_request, xml: bytes):
    return client_request.client.post(f"/processes/{POLICY}/modeler/deploy", json={"xml": xml.decode("utf-8")},
                                      headers={"X-CSRFToken": client_request.csrf_token()})


def _version_count(runtime) -> int:
    with runtime.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessVersion))


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_diagram_that_breaks_a_safeguard_or_a_rule_is_refused_on_its_element(owner, runtime, case):
    change, element_id, message = REFUSALS[case]
    answer = _deploy(owner, edited(change))
    assert answer.status_code == 422
    assert answer.json["ok"] is False and answer.json["message"] == "The diagram was not deployed."
    assert answer.json["redirect"] is None
    named = [e["message"] for e in answer.json["errors"] if e["element_id"] == element_id]
    assert any(message in text for text in named), answer.json["errors"]
    assert _version_count(runtime) == 1


@pytest.mark.parametrize("case", list(FILES))
def test_an_unsafe_or_broken_file_is_refused_with_a_clear_message(owner, runtime, case):
    content, message = FILES[case]
    answer = _deploy(owner, content)
    assert answer.status_code == 422 and answer.json["ok"] is False
    assert [e["element_id"] for e in answer.json["errors"]] == [None]
    assert answer.json["errors"][0]["message"].startswith(message)
    assert "root:" not in answer.json["errors"][0]["message"]  # nothing from /etc/passwd
    assert _version_count(runtime) == 1


def test_the_policy_as_written_deploys(owner, runtime):
    answer = _deploy(owner, edited(lambda root: element(root, "Task_AssessIncident").set("name", "Assess it")))
    assert answer.status_code == 200 and answer.json["ok"], answer.json
    assert _version_count(runtime) == 2


WARNINGS = {
    "a group that does not exist": (_unknown_candidate_group, "The group 'caretakers' does not exist yet"),
    "a lane that names no group": (_unknown_lane, "is in the lane 'Caretakers', which matches no group"),
}


@pytest.mark.parametrize("case", list(WARNINGS))
def test_a_group_or_lane_no_one_is_in_deploys_with_a_warning_for_the_process_owner(owner, runtime, case):
    change, warning = WARNINGS[case]
    answer = _deploy(owner, edited(change))
    assert answer.status_code == 200 and answer.json["ok"], answer.json
    assert any(warning in text for text in answer.json["warnings"]), answer.json["warnings"]
    assert warning in answer.json["message"]
    assert _version_count(runtime) == 2
