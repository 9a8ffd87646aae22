"""A process owner changes the policy in the browser: real server, Debian Chromium, bpmn-js.

They open the policy diagram in the modeler, add a task, see the server's checks mark it, set its
name, candidate group and form in the properties panel, and deploy. A case started afterwards
takes the new task; a case started before carries on, on the version it started on.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from service.cases.cases import start_case
from service.config import ROOT
from service.dao import instances_dao, processes_dao
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from tests.bpmn import samples
from tests.service.conftest import TEST_PASSWORD
from tests.service.process_files import POLICY, POLICY_FILE, advance_policy_task, deploy_policy
from tests.service.views.conftest import open_task

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts"
NEW_TASK = "Check for safeguarding needs"

ADD_USER_TASK = """() => {
  // Below the start event, in the caseworkers' lane; the first flow now leads through it.
  const modeler = window.ubpModeler;
  const elements = modeler.get('elementRegistry');
  const modeling = modeler.get('modeling');
  const task = modeling.createShape({ type: 'bpmn:UserTask' }, { x: 300, y: 600 },
                                    elements.get('Participant_UnacceptableBehaviour'));
  modeling.reconnectEnd(elements.get('Flow_ToAssessment'), task, { x: task.x, y: task.y + task.height / 2 });
  modeling.connect(task, elements.get('Task_AssessIncident'), { type: 'bpmn:SequenceFlow' });
  return task.id;
}"""
SET_FORM_KEY = """([id, key]) => {
  const modeler = window.ubpModeler;
  modeler.get('modeling').updateProperties(modeler.get('elementRegistry').get(id), { 'camunda:formKey': key });
}"""
SELECT = "(id) => { const m = window.ubpModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }"
ATTRIBUTE_IS = """([id, name, value]) =>
  window.ubpModeler.get('elementRegistry').get(id).businessObject.get(name) === value"""


@contextmanager
def serving(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def sqlite_runtime(backend, request):
    """One database is enough to show the browser side; the service paths run on both elsewhere."""
    if backend != "sqlite":
        pytest.skip("the browser test runs on SQLite only")
    ARTIFACTS.mkdir(exist_ok=True)
    return request.getfixturevalue("runtime")


def test_a_process_owner_adds_a_task_in_the_browser_and_deploys_it(sqlite_runtime, people, app):
    runtime = sqlite_runtime
    deploy_policy(runtime)
    old_case = start_case(runtime.casework, people["casey"], samples.incident(), process_id=PROCESS_ID).reference
    problems: list[str] = []

    with serving(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(10_000)
        # Failed requests are caught by URL below (the browser's own favicon request is no problem).
        page.on("console", lambda m: problems.append(m.text)
                if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.on("dialog", lambda dialog: dialog.accept())  # "Deploy this diagram as a new version?"

        _sign_in(page, base, "owen")
        page.goto(f"{base}/processes")
        page.click("text=Edit the latest version in the modeler")
        page.wait_for_selector("#modeler[data-state=ready]")

        task_id = page.evaluate(ADD_USER_TASK)
        # A task without a form key now gets a "mark as done" form; one naming a form that is not there is refused.
        page.evaluate(SET_FORM_KEY, [task_id, "no_such_form"])
        page.click("#modeler-validate")
        page.wait_for_selector("#modeler-messages .govuk-error-summary")
        assert page.locator(f".djs-element.ubp-error[data-element-id='{task_id}']").count() == 1
        assert "no_such_form" in page.inner_text("#modeler-messages")

        page.evaluate(SELECT, task_id)
        _open_group(page, "general")
        page.fill("#bio-properties-panel-name", NEW_TASK)
        _open_group(page, "CamundaPlatform__UserAssignment")
        page.fill("#bio-properties-panel-candidateGroups", "caseworker")
        _open_group(page, "CamundaPlatform__Form")
        page.select_option("#bio-properties-panel-formType", "formKey")
        page.fill("#bio-properties-panel-formKey", "safeguarding_alert")
        for name, value in (("name", NEW_TASK), ("camunda:candidateGroups", "caseworker"),
                            ("camunda:formKey", "safeguarding_alert")):
            page.wait_for_function(ATTRIBUTE_IS, arg=[task_id, name, value])
        page.screenshot(path=str(ARTIFACTS / "modeler-new-task.png"))

        page.click("#modeler-validate")
        page.wait_for_selector("#modeler-messages .govuk-notification-banner--success")
        assert page.locator(".djs-element.ubp-error").count() == 0
        page.fill("#deploy-comment", "Check for safeguarding needs before the assessment")
        page.click("#modeler-deploy")
        page.wait_for_url(f"{base}/processes/{POLICY}/versions/2")
        page.wait_for_selector(".ubp-diagram[data-state=ready]")
        assert f"{POLICY} version 2 deployed." in page.inner_text(".govuk-notification-banner--success")
        assert NEW_TASK in page.inner_text("#tasks")
        page.screenshot(path=str(ARTIFACTS / "modeler-deployed-version.png"), full_page=True)

    assert problems == []
    with runtime.db.reading() as session:
        version = processes_dao.get_latest_version(session, POLICY)
    assert (version.version, version.comment) == (2, "Check for safeguarding needs before the assessment")
    assert version.deployed_by_id == people["owen"].user_id

    new_case = start_case(runtime.casework, people["casey"], samples.incident(), process_id=PROCESS_ID).reference
    task = open_task(runtime, new_case)
    assert (task.element_id, task.name, task.form_key, task.candidate_groups, task.lane) == (
        task_id, NEW_TASK, "safeguarding_alert", ["caseworker"], "Caseworker")
    assert _version_of(runtime, new_case) == 2

    assert open_task(runtime, old_case).element_id == "Task_AssessIncident"
    advance_policy_task(runtime, people["casey"], old_case, samples.assessment("severe"))
    assert open_task(runtime, old_case).element_id == "Task_OfferAdjustments"
    assert _version_of(runtime, old_case) == 1


def test_the_form_preview_follows_what_the_process_owner_types(sqlite_runtime, people, app):
    deploy_policy(sqlite_runtime)
    with serving(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(10_000)
        _sign_in(page, base, "owen")
        page.goto(f"{base}/processes/{POLICY}/forms/police_referral")
        schema = json.loads(page.input_value("#form-schema"))
        schema["properties"]["officer_name"] = {
            "type": "string", "title": "Officer's name", "description": "Who took the report.", "x-widget": "text",
        }
        page.fill("#form-schema", json.dumps(schema, indent=2))
        page.wait_for_selector("#form-preview label[for=officer_name]")
        page.fill("#form-schema", "{ not json")
        page.wait_for_selector("#form-preview >> text=Nothing to preview until the form is usable")
        page.screenshot(path=str(ARTIFACTS / "form-editor-live-preview.png"), full_page=True)
    with sqlite_runtime.db.reading() as session:
        assert processes_dao.list_drafts(session) == []  # previews save nothing


def _sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", TEST_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/**")


def _open_group(page, group: str) -> None:
    header = page.locator(f"[data-group-id='group-{group}'] .bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()


def _version_of(runtime, reference: str) -> int:
    with runtime.db.reading() as session:
        instance = instances_dao.get_instance_by_key(session, reference)
        return processes_dao.get_version(session, instance.process_version_id).version


def test_the_modeler_opens_a_local_file_and_starts_from_a_blank_diagram(sqlite_runtime, people, app, tmp_path):
    deploy_policy(sqlite_runtime)
    local = tmp_path / "edited.bpmn"
    local.write_text(POLICY_FILE.read_text(encoding="utf-8").replace('name="Assess the incident"', 'name="Assess it"'))
    with serving(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("dialog", lambda dialog: dialog.accept())
        _sign_in(page, base, "owen")
        page.goto(f"{base}/processes")
        page.click("text=Edit the latest version in the modeler")
        page.wait_for_selector("#modeler[data-state=ready]")
        page.set_input_files("#modeler-open", str(local))
        page.wait_for_function("""() => (window.ubpModeler.get('elementRegistry').get('Task_AssessIncident') || {
                                  businessObject: {}}).businessObject.name === 'Assess it'""", timeout=15_000)
        page.click("#modeler-blank")
        page.wait_for_function("() => !window.ubpModeler.get('elementRegistry').get('Task_AssessIncident')")
        ids = page.evaluate("() => window.ubpModeler.get('elementRegistry').getAll().map(e => e.id)")
        assert "StartEvent_1" in ids and "Task_AssessIncident" not in ids


LEAVE_REQUEST = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
    id="Definitions_Leave" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="leave_request" name="Leave request" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="Leave asked for" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Approve" />
    <bpmn:userTask id="Task_Approve" name="Approve the leave" camunda:candidateGroups="head_of_service" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Approve" targetRef="EndEvent_1" />
    <bpmn:endEvent id="EndEvent_1" name="Decided" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="leave_request">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Task_Approve_di" bpmnElement="Task_Approve">
        <dc:Bounds x="270" y="138" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1">
        <dc:Bounds x="430" y="160" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="216" y="178" /><di:waypoint x="270" y="178" /></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="370" y="178" /><di:waypoint x="430" y="178" /></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""
APPEND_USER_TASK = """() => {
  const modeler = window.ubpModeler;
  const start = modeler.get('elementRegistry').get('StartEvent_1');
  return modeler.get('modeling').appendShape(start, { type: 'bpmn:UserTask' }).id;
}"""


def test_a_new_process_starts_blank_outside_any_process_and_deploys_from_a_local_file(
    sqlite_runtime, people, app, tmp_path
):
    deploy_policy(sqlite_runtime)
    local = tmp_path / "leave_request.bpmn"
    local.write_text(LEAVE_REQUEST, encoding="utf-8")
    problems: list[str] = []
    with serving(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(10_000)
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") and "/new/" not in r.url else None)
        page.on("dialog", lambda dialog: dialog.accept())
        _sign_in(page, base, "owen")
        page.goto(f"{base}/processes")
        page.click("text=New process")
        page.wait_for_selector("#modeler[data-state=ready]")
        assert page.inner_text("h1") == "New process"
        ids = page.evaluate("() => window.ubpModeler.get('elementRegistry').getAll().map(e => e.id)")
        assert "StartEvent_1" in ids and "new_process" in ids

        # The policy's id is taken: a new process cannot overwrite it.
        page.evaluate("""() => { const m = window.ubpModeler; m.get('modeling')
            .updateProperties(m.get('canvas').getRootElement(), { id: 'unacceptable_behaviour' }); }""")
        page.click("#modeler-validate")
        page.wait_for_selector("#modeler-messages .govuk-error-summary")
        assert "already exists" in page.inner_text("#modeler-messages")

        page.set_input_files("#modeler-open", str(local))
        page.wait_for_function("() => !!window.ubpModeler.get('elementRegistry').get('Task_Approve')")
        page.fill("#deploy-comment", "Leave requests, drawn in Camunda Modeler")
        page.click("#modeler-deploy")
        page.wait_for_url(f"{base}/processes/leave_request/versions/1")
        assert "Approve the leave" in page.inner_text("#tasks")
    assert problems == []
    with sqlite_runtime.db.reading() as session:
        version = processes_dao.get_latest_version(session, "leave_request")
    assert (version.version, version.comment, version.deployed_by_id) == (
        1, "Leave requests, drawn in Camunda Modeler", people["owen"].user_id)


def test_the_properties_panel_offers_only_what_the_server_accepts(sqlite_runtime, people, app):
    with serving(app) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(10_000)
        _sign_in(page, base, "owen")
        page.goto(f"{base}/processes/new")
        page.wait_for_selector("#modeler[data-state=ready]")
        task_id = page.evaluate(APPEND_USER_TASK)
        page.evaluate(SELECT, task_id)

        _open_group(page, "CamundaPlatform__Form")
        options = page.eval_on_selector_all("#bio-properties-panel-formType option", "os => os.map(o => o.value)")
        assert options == ["", "formKey", "formData"]  # no Camunda Forms (formRef): the server does not serve them
        page.select_option("#bio-properties-panel-formType", "formData")
        page.wait_for_function("""(id) => (window.ubpModeler.get('elementRegistry').get(id).businessObject
            .extensionElements || { values: [] }).values.some(v => v.$type === 'camunda:FormData')""", arg=task_id)

        _open_group(page, "CamundaPlatform__UserAssignment")
        hint = page.inner_text("[data-entry-id=dueDate]")
        assert "5 working days" in hint and "someDate" not in hint
        page.fill("#bio-properties-panel-dueDate", "${someDate}")
        page.wait_for_selector("[data-entry-id=dueDate] .bio-properties-panel-error")
        assert page.evaluate(ATTRIBUTE_IS, [task_id, "camunda:dueDate", "${someDate}"]) is False
        page.fill("#bio-properties-panel-dueDate", "5 working days")
        page.wait_for_function(ATTRIBUTE_IS, arg=[task_id, "camunda:dueDate", "5 working days"])
        assert page.locator("[data-entry-id=dueDate] .bio-properties-panel-error").count() == 0
        page.fill("#bio-properties-panel-followUpDate", "2015-06-26T09:54:00")
        page.wait_for_selector("[data-entry-id=followUpDate] .bio-properties-panel-error")
        assert "offset" in page.inner_text("[data-entry-id=followUpDate] .bio-properties-panel-error")
        page.screenshot(path=str(ARTIFACTS / "modeler-supported-properties.png"), full_page=True)
