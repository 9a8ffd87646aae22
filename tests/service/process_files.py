"""BPMN files for the process-owner tests: the policy as deployed, and small edits of it made with lxml."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from service.cases.cases import complete_task
from service.config import ROOT
from service.dao import instances_dao
from service.models import ProcessInstance
from service.tasks.inbox_actions import claim
from tests.service.conftest import FIXTURES, deploy_fixture, deploy_process_file
from tests.service.views.conftest import open_task, start_case
from workflows.definitions import CAMUNDA_NS, NS

POLICY = "unacceptable_behaviour"
POLICY_FILE = ROOT / "bpmn" / f"{POLICY}.bpmn"
THREE_TASKS = (FIXTURES / "three_tasks.bpmn").read_text()
# Version 2 of three_tasks: a step between the second and third.
THREE_TASKS_WITH_EXTRA = THREE_TASKS.replace(
    '<bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Second" targetRef="Task_Third"/>',
    '<bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Second" targetRef="Task_Extra"/>'
    '<bpmn:userTask id="Task_Extra" name="Extra step" camunda:formKey="note" camunda:candidateGroups="caseworker">'
    '<bpmn:incoming>Flow_3</bpmn:incoming><bpmn:outgoing>Flow_Extra</bpmn:outgoing></bpmn:userTask>'
    '<bpmn:sequenceFlow id="Flow_Extra" sourceRef="Task_Extra" targetRef="Task_Third"/>',
).replace('<bpmn:flowNodeRef>Task_Third</bpmn:flowNodeRef>',
          '<bpmn:flowNodeRef>Task_Extra</bpmn:flowNodeRef><bpmn:flowNodeRef>Task_Third</bpmn:flowNodeRef>')
assert "Task_Extra" in THREE_TASKS_WITH_EXTRA


def deploy_policy(runtime) -> None:
    deploy_process_file(runtime, f"{POLICY}.bpmn", "Policy as written")


def policy_xml() -> bytes:
    return POLICY_FILE.read_bytes()


def edited(change: Callable[[etree._Element], None], content: bytes | None = None) -> bytes:
    root = etree.fromstring(content or policy_xml())
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def element(root: etree._Element, element_id: str) -> etree._Element:
    found = root.find(f".//*[@id='{element_id}']")
    assert found is not None, element_id
    return found


def set_camunda(root: etree._Element, element_id: str, name: str, value: str | None) -> None:
    node = element(root, element_id)
    if value is None:
        node.attrib.pop(f"{{{CAMUNDA_NS}}}{name}", None)
    else:
        node.set(f"{{{CAMUNDA_NS}}}{name}", value)


def set_property(root: etree._Element, element_id: str, name: str, value: str | None) -> None:
    for prop in element(root, element_id).iterfind("bpmn:extensionElements/camunda:properties/camunda:property", NS):
        if prop.get("name") == name:
            if value is None:
                prop.getparent().remove(prop)
            else:
                prop.set("value", value)
            return
    raise AssertionError(f"{element_id} has no property {name}")


def add_flow(root: etree._Element, flow_id: str, source: str, target: str, condition: str | None = None) -> None:
    process = root.find("bpmn:process", NS)
    flow = etree.SubElement(process, f"{{{NS['bpmn']}}}sequenceFlow", id=flow_id, sourceRef=source, targetRef=target)
    if condition is not None:
        etree.SubElement(flow, f"{{{NS['bpmn']}}}conditionExpression").text = condition
    etree.SubElement(element(root, source), f"{{{NS['bpmn']}}}outgoing").text = flow_id
    etree.SubElement(element(root, target), f"{{{NS['bpmn']}}}incoming").text = flow_id


def cases_across_versions(runtime, people) -> tuple[str, str, str]:
    """Three cases of three_tasks version 1, at its first, second and third step; then version 2,
    which adds a step between the second and the third."""
    deploy_fixture(runtime, "three_tasks.bpmn")
    casey = people["casey"]
    at_first = start_case(runtime, casey, "C-1")
    at_second = start_case(runtime, casey, "C-2")
    advance(runtime, casey, at_second, 1)
    at_third = start_case(runtime, casey, "C-3")
    advance(runtime, casey, at_third, 2)
    deploy_fixture(runtime, "three_tasks.bpmn", THREE_TASKS_WITH_EXTRA.encode(), comment="Extra step")
    return at_first, at_second, at_third


def advance(runtime, actor, reference: str, steps: int) -> None:
    for _ in range(steps):
        advance_policy_task(runtime, actor, reference, {"note": "done"})


def instance_of(runtime, reference: str) -> ProcessInstance:
    with runtime.db.reading() as session:
        return instances_dao.get_instance_by_key(session, reference)


def advance_policy_task(runtime, actor, reference: str, answers: dict) -> None:
    task = open_task(runtime, reference)
    claim(runtime.casework, actor, task.id)
    complete_task(runtime.casework, actor, task.id, answers)
