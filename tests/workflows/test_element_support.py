"""Elements as Camunda files use them: plain and manual tasks run through; what cannot run is refused at deploy."""

from __future__ import annotations

import pytest

from workflows.definitions import DeploymentError, parse_definitions

HEAD = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">')


def one_step(element: str, process_id: str = "p") -> bytes:
    return (HEAD + f'<bpmn:process id="{process_id}" isExecutable="true"><bpmn:startEvent id="S"/>'
            '<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="Step"/>' + element +
            '<bpmn:sequenceFlow id="F2" sourceRef="Step" targetRef="E"/><bpmn:endEvent id="E"/>'
            "</bpmn:process></bpmn:definitions>").encode()


@pytest.mark.parametrize("element", ['<bpmn:task id="Step" name="Check"/>',
                                     '<bpmn:manualTask id="Step" name="Post the letter"/>'])
def test_plain_and_manual_tasks_pass_straight_through(engine, element):
    definition = parse_definitions(one_step(element))[0]
    workflow, step = engine.start(definition, {})
    assert step.finished and "Step" in step.completed
    assert engine.ready_user_tasks(workflow) == []


@pytest.mark.parametrize(("element", "words"), [
    ('<bpmn:serviceTask id="Step" name="Charge" camunda:class="org.example.Charge"/>', "Java class"),
    ('<bpmn:serviceTask id="Step" name="Charge" camunda:delegateExpression="${charger}"/>', "Java delegate"),
    ('<bpmn:serviceTask id="Step" name="Charge" camunda:expression="${bean.charge()}"/>', "Java expression"),
    ('<bpmn:sendTask id="Step" name="Notify" camunda:class="org.example.Mail"/>', "Java class"),
    ('<bpmn:serviceTask id="Step" name="Charge"><bpmn:extensionElements><camunda:connector>'
     '<camunda:connectorId>http-connector</camunda:connectorId></camunda:connector></bpmn:extensionElements>'
     '</bpmn:serviceTask>', "connector"),
    ('<bpmn:serviceTask id="Step" name="Charge" camunda:type="external"/>', "topic"),
    ('<bpmn:serviceTask id="Step" name="Charge"/>', "no implementation"),
    ('<bpmn:businessRuleTask id="Step" name="Decide"/>', "no decision table"),
    ('<bpmn:userTask id="Step" name="Approve" camunda:formRef="invoice" camunda:candidateGroups="a"/>',
     "Camunda Form (camunda:formRef)"),
])
def test_what_cannot_run_here_is_refused_at_deploy_with_the_reason(element, words):
    with pytest.raises(DeploymentError) as refused:
        parse_definitions(one_step(element))
    [problem] = refused.value.problems
    assert problem.element_id == "Step" and words in problem.message


def test_a_process_that_calls_itself_is_refused_naming_the_call_activity():
    recursive = one_step('<bpmn:callActivity id="Step" calledElement="p"/>')
    with pytest.raises(DeploymentError) as refused:
        parse_definitions(recursive)
    assert [(p.element_id, "cannot call itself" in p.message) for p in refused.value.problems] == [("Step", True)]


def test_recursion_through_another_process_of_the_file_is_refused():
    text = (HEAD + '<bpmn:process id="a" isExecutable="true"><bpmn:startEvent id="S1"/>'
            '<bpmn:sequenceFlow id="F1" sourceRef="S1" targetRef="CallB"/>'
            '<bpmn:callActivity id="CallB" calledElement="b"/>'
            '<bpmn:sequenceFlow id="F2" sourceRef="CallB" targetRef="E1"/><bpmn:endEvent id="E1"/></bpmn:process>'
            '<bpmn:process id="b" isExecutable="false"><bpmn:startEvent id="S2"/>'
            '<bpmn:sequenceFlow id="F3" sourceRef="S2" targetRef="CallA"/>'
            '<bpmn:callActivity id="CallA" calledElement="a"/>'
            '<bpmn:sequenceFlow id="F4" sourceRef="CallA" targetRef="E2"/><bpmn:endEvent id="E2"/></bpmn:process>'
            "</bpmn:definitions>").encode()
    with pytest.raises(DeploymentError) as refused:
        parse_definitions(text)
    assert {p.element_id for p in refused.value.problems} == {"CallB", "CallA"}


def test_a_call_activity_within_the_file_runs_its_called_process(engine):
    text = (HEAD + '<bpmn:process id="a" isExecutable="true"><bpmn:startEvent id="S1"/>'
            '<bpmn:sequenceFlow id="F1" sourceRef="S1" targetRef="CallB"/>'
            '<bpmn:callActivity id="CallB" calledElement="b"/>'
            '<bpmn:sequenceFlow id="F2" sourceRef="CallB" targetRef="E1"/><bpmn:endEvent id="E1"/></bpmn:process>'
            '<bpmn:process id="b" isExecutable="true"><bpmn:startEvent id="S2"/>'
            '<bpmn:sequenceFlow id="F3" sourceRef="S2" targetRef="Work"/><bpmn:task id="Work"/>'
            '<bpmn:sequenceFlow id="F4" sourceRef="Work" targetRef="E2"/><bpmn:endEvent id="E2"/></bpmn:process>'
            "</bpmn:definitions>").encode()
    definition = parse_definitions(text)[0]
    _, step = engine.start(definition, {})
    assert step.finished


def test_a_parser_failure_of_any_kind_is_a_refusal_naming_the_file(monkeypatch):
    from SpiffWorkflow.camunda.parser import CamundaParser

    def broken(self, *args, **kwargs):
        raise KeyError("calledDecisionId")

    monkeypatch.setattr(CamundaParser, "add_bpmn_xml", broken)
    with pytest.raises(DeploymentError) as refused:
        parse_definitions(one_step('<bpmn:task id="Step"/>'), "owner.bpmn")
    assert "owner.bpmn could not be parsed (KeyError)" in refused.value.problems[0].message
