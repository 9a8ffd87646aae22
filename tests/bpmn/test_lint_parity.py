"""The modeler's bpmnlint (frontend/.bpmnlintrc) and the server agree on what a diagram alone can be refused for.

Every lint error is a server refusal naming the same element; every refusal the server makes from the diagram
alone (Java and connector implementations, external tasks without a topic, business rule tasks without a table,
due dates, form references, tasks offered to no one, a process not executable) is a lint error on that element.
Style advice from bpmnlint's recommended rules is a warning only, since the server deploys such diagrams.
Refusals that need more than the diagram (a form or decision table missing, an expression beyond the subset)
are the server's alone.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from service.processes.deploy import check_bpmn
from workflows.definitions import DeploymentError

ROOT = Path(__file__).resolve().parents[2]
OWNER_FILES = ROOT / "tests" / "service" / "owner_files"
FORM = {"type": "object", "properties": {"done": {"type": "boolean"}}}

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="parity" name="Parity" isExecutable="{executable}">
    <bpmn:startEvent id="{start}" name="Start" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="{start}" targetRef="Step" />
    {step}
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Step" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" name="End" />
  </bpmn:process>
</bpmn:definitions>
"""
USER = '<bpmn:userTask id="Step" name="Step" camunda:candidateGroups="caseworker" {attributes}>{inner}</bpmn:userTask>'
FORM_FIELDS = ('<bpmn:extensionElements><camunda:formData><camunda:formField id="ok" label="OK" type="boolean" />'
               "</camunda:formData></bpmn:extensionElements>")
# name -> (the step, executable, refused by both?); "reserved_id" names its start event Start instead of StartEvent_1
CASES = {
    "java_class": ('<bpmn:serviceTask id="Step" name="Step" camunda:class="org.example.Charge" />', True, True),
    "delegate": ('<bpmn:serviceTask id="Step" name="Step" camunda:delegateExpression="${charge}" />', True, True),
    "connector": ('<bpmn:serviceTask id="Step" name="Step"><bpmn:extensionElements><camunda:connector>'
                  "<camunda:connectorId>http-connector</camunda:connectorId></camunda:connector>"
                  "</bpmn:extensionElements></bpmn:serviceTask>", True, True),
    "no_implementation": ('<bpmn:serviceTask id="Step" name="Step" />', True, True),
    "external_without_topic": ('<bpmn:serviceTask id="Step" name="Step" camunda:type="external" />', True, True),
    "external_with_topic": ('<bpmn:serviceTask id="Step" name="Step" camunda:type="external" camunda:topic="post" />',
                            True, False),
    "rule_without_table": ('<bpmn:businessRuleTask id="Step" name="Step" />', True, True),
    "due_el_expression": (USER.format(attributes='camunda:dueDate="${someDate}"', inner=""), True, True),
    "due_without_offset": (USER.format(attributes='camunda:dueDate="2015-06-26T09:54:00"', inner=""), True, True),
    "follow_up_words": (USER.format(attributes='camunda:followUpDate="next week"', inner=""), True, True),
    "due_working_days": (USER.format(attributes='camunda:dueDate="5 working days"', inner=""), True, False),
    "due_duration": (USER.format(attributes='camunda:dueDate="P3D"', inner=""), True, False),
    "due_instant": (USER.format(attributes='camunda:dueDate="2027-01-31T17:00:00+00:00"', inner=""), True, False),
    "camunda_form_ref": (USER.format(attributes='camunda:formRef="invoice"', inner=""), True, True),
    "embedded_form": (USER.format(attributes='camunda:formKey="embedded:app:forms/a.html"', inner=""), True, True),
    "form_key": (USER.format(attributes='camunda:formKey="checked"', inner=""), True, False),
    "generated_form": (USER.format(attributes="", inner=FORM_FIELDS), True, False),
    "mark_as_done": (USER.format(attributes="", inner=""), True, False),
    "offered_to_no_one": ('<bpmn:userTask id="Step" name="Step" />', True, True),
    "not_executable": (USER.format(attributes="", inner=""), False, True),
    "plain_task": ('<bpmn:task id="Step" name="Step" />', True, False),
    "reserved_id": (USER.format(attributes="", inner=""), True, True),
}


def _lint(files: list[Path]) -> dict[str, dict]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "bpmnlint").is_dir():
        pytest.skip("node and the front-end packages (npm ci) are needed for this check")
    result = subprocess.run([node, str(Path(__file__).with_name("lint_report.mjs")), *map(str, files)],
                            capture_output=True, text=True, timeout=120, cwd=ROOT, check=True)
    return json.loads(result.stdout)


def _server(path: Path, forms: dict) -> set[str | None] | None:
    """The elements the server names in refusing the file, or None if it would deploy."""
    try:
        check_bpmn(path.read_bytes(), forms, path.name)
    except DeploymentError as error:
        return {problem.element_id for problem in error.problems}
    return None


def test_the_browser_and_the_server_refuse_the_same_diagrams_for_the_same_elements(tmp_path):
    files = []
    for name, (step, executable, _) in CASES.items():
        files.append(tmp_path / f"{name}.bpmn")
        start = "Start" if name == "reserved_id" else "StartEvent_1"
        files[-1].write_text(DIAGRAM.format(step=step, executable=str(executable).lower(), start=start),
                             encoding="utf-8")
    lint = _lint(files)
    outcomes = {}
    for path in files:
        name = path.stem
        refused_by_server = _server(path, {"checked": FORM})
        outcomes[name] = (bool(lint[path.name]["errors"]), refused_by_server is not None)
        if name == "not_executable":  # the server says so of the file, the linter of the process
            assert lint[path.name]["errors"] == ["parity"] and refused_by_server == {None}
        elif name == "reserved_id":
            assert lint[path.name]["errors"] == ["Start"] and refused_by_server == {"Start"}
        elif refused_by_server is not None:
            assert lint[path.name]["errors"] == ["Step"] and "Step" in refused_by_server, name
    assert outcomes == {name: (refused, refused) for name, (_, _, refused) in CASES.items()}


def test_no_lint_error_on_what_the_server_deploys():
    """The shipped processes and the public-style corpus: a file the server accepts has no lint error (warnings
    are style advice), and a lint error comes only on a file the server refuses."""
    forms = {p.stem: json.loads(p.read_text()) for p in (OWNER_FILES / "forms").glob("*.json")}
    forms |= {p.stem: json.loads(p.read_text()) for p in (ROOT / "forms").glob("*.json")}
    decisions = {p.name: p.read_bytes() for p in OWNER_FILES.glob("*.dmn")}
    files = sorted([*OWNER_FILES.glob("*.bpmn"), *(ROOT / "bpmn").glob("*.bpmn")])
    lint = _lint(files)
    for path in files:
        try:
            check_bpmn(path.read_bytes(), forms, path.name, decisions=decisions, called=_called(path))
            accepted = True
        except DeploymentError:
            accepted = False
        assert not (accepted and lint[path.name]["errors"]), (path.name, lint[path.name])


def _called(path: Path):
    """Call activities across the corpus's files find their process in the file that defines it."""
    def lookup(process_id: str, binding: str, number: str | None) -> str | None:
        for other in OWNER_FILES.glob("*.bpmn"):
            if other != path and f'id="{process_id}"' in other.read_text():
                return other.read_text()
        return None

    return lookup
