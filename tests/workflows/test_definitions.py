from __future__ import annotations

import pytest

from tests.workflows.conftest import FIXTURES
from workflows.definitions import DeploymentError, parse_definitions

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol3;</bpmn:definitions>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p" isExecutable="true">
<bpmn:documentation>&xxe;</bpmn:documentation></bpmn:process></bpmn:definitions>"""


def test_user_task_attributes_are_read_from_camunda_attributes_and_lanes():
    definition = parse_definitions((FIXTURES / "three_tasks.bpmn").read_bytes())[0]
    task = definition.user_tasks["Task_First"]
    assert task.form_key == "note"
    assert task.candidate_groups == ("caseworker",)
    assert task.lane == "Caseworker"
    assert task.due_date == "5 working days"
    assert task.properties["recordsActor"] == "proposer"
    assert task.documentation == "Write a note."
    assert definition.flow_between("Task_First", "Task_Second") == "Flow_2"


def test_a_message_catch_event_names_who_may_send_it_or_no_one():
    messages = parse_definitions((FIXTURES / "customer_reply.bpmn").read_bytes())[0].messages
    assert messages["manager_override"].groups == ("head_of_service",)
    assert messages["customer_reply"].groups == ()  # the engine names no group: the platform decides


@pytest.mark.parametrize(("content", "message"), [
    (BILLION_LAUGHS, "DOCTYPE"),
    (EXTERNAL_ENTITY, "DOCTYPE"),
    (b"<bpmn:definitions", "not well-formed"),
    (b"", "not well-formed"),
    (b"<html/>", "not a BPMN"),
    (b"x" * (3 * 1024 * 1024), "larger than"),
])
def test_unsafe_or_malformed_files_are_refused_with_a_clear_message(content, message):
    with pytest.raises(DeploymentError) as refused:
        parse_definitions(content)
    assert message in str(refused.value)


def test_ids_reserved_by_the_engine_are_refused():
    content = (FIXTURES / "three_tasks.bpmn").read_bytes().replace(b"StartEvent_1", b"Start")
    with pytest.raises(DeploymentError) as refused:
        parse_definitions(content)
    assert refused.value.problems[0].element_id == "Start"
