"""Call activities across files: the called process found among deployed ones, bound at deploy, recursion refused."""

from __future__ import annotations

import pytest

from service.cases.cases import start_case
from service.processes.deploy import deploy
from workflows.definitions import DeploymentError

HEAD = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">')


def callee(marker: str) -> bytes:
    return (HEAD + '<bpmn:process id="check_identity" isExecutable="true"><bpmn:startEvent id="S"/>'
            '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Mark"/>'
            f'<bpmn:scriptTask id="Mark" scriptFormat="python"><bpmn:script>checked = "{marker}"</bpmn:script>'
            '</bpmn:scriptTask><bpmn:sequenceFlow id="F2" sourceRef="Mark" targetRef="E"/><bpmn:endEvent id="E"/>'
            "</bpmn:process></bpmn:definitions>").encode()


def caller(binding: str = "") -> bytes:
    return (HEAD + '<bpmn:process id="open_account" isExecutable="true"><bpmn:startEvent id="S"/>'
            '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Call"/>'
            f'<bpmn:callActivity id="Call" name="Check identity" calledElement="check_identity" {binding}/>'
            '<bpmn:sequenceFlow id="F2" sourceRef="Call" targetRef="Wait"/>'
            '<bpmn:userTask id="Wait" name="Look at the result" camunda:candidateGroups="caseworker"/>'
            '<bpmn:sequenceFlow id="F3" sourceRef="Wait" targetRef="E"/><bpmn:endEvent id="E"/>'
            "</bpmn:process></bpmn:definitions>").encode()


def _deploy(runtime, content: bytes, name: str):
    return deploy(runtime.casework, content, {}, filename=name, deployed_by_id=None, comment="",
                  now=runtime.clock.now())


def _start(runtime, people):
    return start_case(runtime.casework, people["casey"], {}, process_id="open_account")


def test_a_call_activity_finds_the_latest_deployed_process_and_keeps_it(runtime, people):
    with pytest.raises(DeploymentError) as refused:
        _deploy(runtime, caller(), "caller.bpmn")
    assert refused.value.problems[0].element_id == "Call" and "neither in this file nor deployed" in str(refused.value)

    _deploy(runtime, callee("first"), "callee.bpmn")
    assert _deploy(runtime, caller(), "caller.bpmn").versions[0].created
    started = _start(runtime, people)
    assert [t.name for t in started.opened] == ["Look at the result"]

    _deploy(runtime, callee("second"), "callee.bpmn")  # a new callee does not change the deployed caller
    assert _deploy(runtime, caller(), "caller.bpmn").versions[0].version == 2  # redeploying binds the new one


def test_a_call_activity_can_bind_to_a_numbered_version(runtime, people):
    _deploy(runtime, callee("first"), "callee.bpmn")
    _deploy(runtime, callee("second"), "callee.bpmn")
    pinned = 'camunda:calledElementBinding="version" camunda:calledElementVersion="1"'
    assert _deploy(runtime, caller(pinned), "caller.bpmn").versions[0].created
    with pytest.raises(DeploymentError) as refused:
        _deploy(runtime, caller(pinned.replace('"1"', '"7"')), "other.bpmn")
    assert "version 7 of 'check_identity'" in str(refused.value)


def test_a_call_back_into_the_caller_across_files_is_refused(runtime):
    looping = callee("x").replace(
        b'<bpmn:scriptTask id="Mark" scriptFormat="python"><bpmn:script>checked = "x"</bpmn:script></bpmn:scriptTask>',
        b'<bpmn:callActivity id="Mark" calledElement="open_account"/>')
    with pytest.raises(DeploymentError):
        _deploy(runtime, looping, "callee.bpmn")  # open_account is not deployed yet
    _deploy(runtime, callee("first"), "callee.bpmn")
    _deploy(runtime, caller(), "caller.bpmn")
    with pytest.raises(DeploymentError) as refused:
        _deploy(runtime, looping, "callee.bpmn")
    assert any("cannot call itself" in p.message for p in refused.value.problems)
