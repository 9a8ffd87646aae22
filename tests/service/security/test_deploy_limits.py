"""Deploy-level attacks through the modeler, the upload page and the API: each refused with a plain
message naming its element (or the file), nothing deployed, and the policy still serving cases."""

from __future__ import annotations

import io
import json

import pytest
from lxml import etree
from sqlalchemy import func, select

from service.models import ProcessVersion
from tests.service.process_files import POLICY, deploy_policy, edited, element, policy_xml
from tests.service.views.conftest import checked_page, text_of

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _sub(parent, tag: str, text: str | None = None, **attributes):
    node = etree.SubElement(parent, f"{BPMN}{tag}", **attributes)
    node.text = text
    return node


def _extension(root, element_id: str):
    owner = element(root, element_id)
    extensions = owner.find(f"{BPMN}extensionElements")
    if extensions is None:
        extensions = etree.Element(f"{BPMN}extensionElements")
        owner.insert(0, extensions)
    return extensions


def _script_under_extensions(root):
    # The engine reads a script task's script wherever it is inside the task: so must the check.
    task = element(root, "Script_RestrictionDates")
    task.remove(task.find(f"{BPMN}script"))
    _sub(_extension(root, "Script_RestrictionDates"), "script", "leak = open('/etc/passwd').read()")


def _condition_under_extensions(root):
    _sub(_extension(root, "Event_ReviewDue"), "condition", "().__class__.__base__.__subclasses__()")


def _format_walk(root):
    flow = root.find(f".//{BPMN}sequenceFlow[@id='Flow_SevereCase']/{BPMN}conditionExpression")
    flow.text = "'{0.__class__}'.format(assessment_outcome) == 'x'"


def _type_call(root):
    flow = root.find(f".//{BPMN}sequenceFlow[@id='Flow_SevereCase']/{BPMN}conditionExpression")
    flow.text = "type(assessment_outcome).mro() == []"


def _huge_multi_instance(root):
    loop = _sub(element(root, "Script_RestrictionDates"), "multiInstanceLoopCharacteristics")
    _sub(loop, "loopCardinality", "100000")


def _zero_interval_cycle(root):
    timer = element(root, "Event_ReviewDue").find(f"{BPMN}timerEventDefinition")
    timer.remove(timer[0])
    _sub(timer, "timeCycle", '"R/PT0S"')


def _loop_without_wait(root):
    process = root.find(f"{BPMN}process")
    _sub(process, "scriptTask", None, id="Script_Spin", name="Spin")
    _sub(process, "exclusiveGateway", None, id="Gateway_Spin")
    _sub(process, "sequenceFlow", None, id="Flow_SpinOn", sourceRef="Script_Spin", targetRef="Gateway_Spin")
    _sub(process, "sequenceFlow", None, id="Flow_SpinBack", sourceRef="Gateway_Spin", targetRef="Script_Spin")


ATTACKS = {
    "script under extensionElements": (_script_under_extensions, "Script_RestrictionDates",
                                       "open() is not available"),
    "event condition under extensionElements": (_condition_under_extensions, "Event_ReviewDue",
                                                "does not compile safely"),
    "format walk": (_format_walk, "Flow_SevereCase", '"format" is not available on any value'),
    "type() call": (_type_call, "Flow_SevereCase", "type() is not available"),
    "huge multi-instance": (_huge_multi_instance, "Script_RestrictionDates",
                            "The multi-instance count 100,000 is more than the 200 allowed."),
    "zero-interval cycle": (_zero_interval_cycle, "Event_ReviewDue", "The timer repeats every 0 seconds"),
    "loop without a wait": (_loop_without_wait, "Gateway_Spin", "This loop has no task or event that waits"),
}


def _chain(tasks: int) -> bytes:
    body = "".join(f'<bpmn:scriptTask id="T{n}"><bpmn:script>x = {n}</bpmn:script></bpmn:scriptTask>'
                   f'<bpmn:sequenceFlow id="F{n}" sourceRef="T{n}" targetRef="T{n + 1}"/>' for n in range(tasks))
    return (f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="{BPMN[1:-1]}" id="D" '
            f'targetNamespace="x"><bpmn:process id="chain" isExecutable="true">{body}'
            f'<bpmn:endEvent id="T{tasks}"/></bpmn:process></bpmn:definitions>').encode()


def _latin1() -> bytes:
    text = policy_xml().decode("utf-8").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"', 1)
    return text.replace("Restriction", "Restriction é", 1).encode("iso-8859-1", errors="replace")


def _late_doctype() -> bytes:
    content = policy_xml()
    end = content.rindex(b"</bpmn:definitions>")
    return content[:end] + b"<!DOCTYPE x>" + content[end:]


FILES = {
    "ISO-8859-1": (_latin1, "The file is not UTF-8 text."),
    "UTF-16": (lambda: policy_xml().decode("utf-8").encode("utf-16"), "The file is not UTF-8 text."),
    "DOCTYPE past the first 4 KB": (_late_doctype, "The file declares a DOCTYPE or entities"),
    "4,000-task chain": (lambda: _chain(4_000), "elements; at most 3,000 are allowed"),
}


@pytest.fixture
def owner(client_request, runtime):
    deploy_policy(runtime)
    return client_request.login("owen")


def _versions(runtime) -> int:
    with runtime.db.reading() as session:
        return session.scalar(select(func.count()).select_from(ProcessVersion))


def _modeler(client_request, content: bytes):
    return client_request.client.post(f"/processes/{POLICY}/modeler/deploy",
                                      json={"xml": content.decode("utf-8", errors="replace")},
                                      headers={"X-CSRFToken": client_request.csrf_token()})


def _upload(client_request, content: bytes):
    client_request.get("/processes")
    upload = {"csrf_token": client_request.csrf_token(), "bpmn_file": (io.BytesIO(content), "attack.bpmn")}
    return client_request.client.post("/processes/upload", data=upload, content_type="multipart/form-data")


def _upload_problems(response) -> list[str]:
    assert response.status_code == 422, response.status_code
    page = checked_page(response.get_data(as_text=True))
    return [text_of(li) for li in page.select(".govuk-error-summary__list li")]


@pytest.mark.parametrize("case", list(ATTACKS))
def test_diagram_attacks_are_refused_in_the_modeler_and_the_upload_naming_the_element(owner, runtime, case):
    change, element_id, message = ATTACKS[case]
    content = edited(change)
    answer = _modeler(owner, content)
    assert answer.status_code == 422
    named = [e["message"] for e in answer.json["errors"] if e["element_id"] == element_id]
    assert any(message in text for text in named), answer.json["errors"]
    problems = _upload_problems(_upload(owner, content))
    assert any(p.startswith(f"{element_id}: ") and message in p for p in problems), problems
    assert _versions(runtime) == 1


@pytest.mark.parametrize("case", list(FILES))
def test_files_the_engine_must_not_read_are_refused_with_a_plain_message(owner, runtime, case):
    build, message = FILES[case]
    problems = _upload_problems(_upload(owner, build()))
    assert any(message in p for p in problems), problems
    assert not any("Traceback" in p or "Error" in p for p in problems)
    assert _versions(runtime) == 1


def test_a_catastrophic_form_pattern_is_refused_through_the_api(runtime, api_as):
    forms = {path.stem: json.loads(path.read_text()) for path in sorted(runtime.settings.forms_dir.glob("*.json"))}
    key = next(iter(forms))
    field = next(iter(forms[key]["properties"].values()))
    field["pattern"] = "^(a+)+\\1$"
    response = api_as("process_owner").post("/deployments", json={"bpmn": policy_xml().decode(), "forms": forms})
    assert response.status_code == 422
    assert any("linear time" in p["message"] for p in response.json["error"]["problems"]), response.json
    assert _versions(runtime) == 0
