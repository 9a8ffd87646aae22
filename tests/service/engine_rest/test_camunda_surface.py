"""The rest of Camunda 7's REST surface on both databases: Camunda Modeler's deploy request, then a case
started, worked and sent a message through /engine-rest to its end, with history and permissions."""

from __future__ import annotations

from service.accounts.api_tokens import issue_token
from service.cases.cases import start_case
from service.dao import users_dao
from service.people import groups
from tests.bpmn import samples
from tests.service.conftest import FIXTURES, deploy_fixture
from tests.service.engine_rest.conftest import EngineRest

DIAGRAM = (FIXTURES / "restriction_clock.bpmn").read_bytes()
ASB_REPORT = {"what_happened": "Loud music every night after midnight.", "happened_on": "2026-03-01",
              "location": "Hill House, flat 12", "reported_by": "Sam Neighbour, flat 14", "anyone_at_risk": False}


def _modeler_deploy(rest, diagram: bytes = DIAGRAM, **files):
    """What Camunda Modeler's Deploy button sends: multipart with these fields and the diagram as a file."""
    data = {"deployment-name": "Restriction clock", "deploy-changed-only": "true",
            "deployment-source": "Camunda Modeler",
            "restriction_clock.bpmn": (_file(diagram), "restriction_clock.bpmn")}
    for name, content in files.items():
        data[name] = (_file(content), name)
    return rest.client.post("/engine-rest/deployment/create", headers=rest.headers, data=data,
                            content_type="multipart/form-data")


def _file(content: bytes):
    import io

    return io.BytesIO(content)


def _forms() -> dict[str, bytes]:
    return {f"{name}.json": (FIXTURES / "forms" / f"{name}.json").read_bytes() for name in ("start", "decide")}


def _one_task(rest, reference: str) -> dict:
    [task] = rest.get("/task", processInstanceId=reference).get_json()
    return task


def _work(rest, task_id: str, variables: dict) -> None:
    assert rest.post(f"/task/{task_id}/claim", {}).status_code == 204
    reply = rest.post(f"/task/{task_id}/complete", {"variables": variables})
    assert reply.status_code == 204, reply.get_json()


def test_a_modeler_deployment_is_started_worked_and_messaged_to_its_end(engine_rest_as, runtime):
    owner, casey = engine_rest_as("process_owner"), engine_rest_as("caseworker")
    head = engine_rest_as("head_of_service")
    assert owner.get("/version").get_json() == {"version": "7.24.0"}

    deployed = _modeler_deploy(owner, **_forms())
    assert deployed.status_code == 200, deployed.get_json()
    body = deployed.get_json()
    [definition] = body["deployedProcessDefinitions"].values()
    assert (body["name"], body["source"], definition["key"], definition["version"]) == (
        "Restriction clock", "Camunda Modeler", "restriction_clock", 1)
    again = _modeler_deploy(owner, **_forms()).get_json()
    assert [d["version"] for d in again["deployedProcessDefinitions"].values()] == [1]  # unchanged: not redeployed
    assert [d["id"] for d in owner.get("/deployment").get_json()] == [definition["deploymentId"]]
    assert [d["key"] for d in owner.get("/process-definition").get_json()] == ["restriction_clock"]
    assert owner.get("/process-definition/key/restriction_clock").get_json()["id"] == definition["id"]
    assert "<bpmn:definitions" in owner.get("/process-definition/key/restriction_clock/xml").get_json()["bpmn20Xml"]

    started = casey.post("/process-definition/key/restriction_clock/start",
                         {"variables": {"customer_reference": {"value": "C-77", "type": "String"}},
                          "businessKey": "TENANCY-77"})
    assert started.status_code == 200, started.get_json()
    reference = started.get_json()["id"]
    assert started.get_json()["businessKey"] == "TENANCY-77" and started.get_json()["ended"] is False
    assert casey.get(f"/process-instance/{reference}").get_json()["definitionId"] == definition["id"]
    assert casey.get(f"/process-instance/{reference}/variables").get_json()["customer_reference"]["value"] == "C-77"

    task = _one_task(casey, reference)
    assert (task["taskDefinitionKey"], task["formKey"], task["assignee"]) == ("Task_Decide", "decide", None)
    assert [t["id"] for t in casey.get("/task", processInstanceBusinessKey="TENANCY-77").get_json()] == [task["id"]]
    assert casey.get("/task", processInstanceBusinessKey=reference).get_json() == []  # it answers to its chosen key
    assert casey.get(f"/task/{task['id']}/form-variables").get_json()["customer_reference"]["type"] == "String"
    _work(casey, task["id"], {"decision": {"value": "restrict"}, "letter_date": {"value": "2026-03-02"}})

    message = casey.post("/message", {"messageName": "appeal_received", "businessKey": "TENANCY-77",
                                      "correlationKeys": {"customer_reference": {"value": "C-77", "type": "String"}},
                                      "resultEnabled": True})
    assert message.status_code == 200, message.get_json()
    assert message.get_json()[0]["processInstance"]["id"] == reference
    hear = _one_task(head, reference)
    assert hear["taskDefinitionKey"] == "Task_Hear"
    _work(head, hear["id"], {"decision": {"value": "close"}})
    decide = _one_task(casey, reference)
    _work(casey, decide["id"], {"decision": {"value": "close"}})

    assert casey.get(f"/process-instance/{reference}").get_json()["ended"] is True
    [history] = casey.get("/history/process-instance", processInstanceId=reference).get_json()
    assert history["state"] == "COMPLETED" and history["endTime"] is not None
    activities = [a["activityId"] for a in casey.get("/history/activity-instance", processInstanceId=reference)
                  .get_json()]
    assert activities[0] == "StartEvent_1" and activities[-1] == "End_Closed" and "Event_Appeal" in activities
    assert casey.get("/task", processInstanceId=reference).get_json() == []


def test_modeler_deploys_that_fail_are_refused_with_a_parse_exception(engine_rest_as):
    owner = engine_rest_as("process_owner")
    broken = DIAGRAM.replace(b"decision == 'restrict'", b"__import__('os').system('id') == 0")
    refused = _modeler_deploy(owner, broken, **_forms())
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["type"] == "ParseException" and "does not compile safely" in body["message"]
    assert body["details"]["restriction_clock.bpmn"]["errors"][0]["mainElementId"] == "Flow_Restrict"
    java = DIAGRAM.replace(b'<bpmn:scriptTask id="Script_Dates" name="Calculate dates" scriptFormat="python">',
                           b'<bpmn:serviceTask id="Java" camunda:class="org.example.Delegate"/>'
                           b'<bpmn:scriptTask id="Script_Dates" name="Calculate dates" scriptFormat="python">')
    assert "external task" in _modeler_deploy(owner, java, **_forms()).get_json()["message"]
    no_forms = _modeler_deploy(owner)
    assert no_forms.status_code == 400 and "does not exist" in no_forms.get_json()["message"]
    dmn = owner.client.post("/engine-rest/deployment/create", headers=owner.headers, content_type="multipart/form-data",
                            data={"rules.dmn": (_file(b"<definitions/>"), "rules.dmn")})
    assert dmn.status_code == 400 and "only BPMN diagrams" in dmn.get_json()["message"]
    assert engine_rest_as("caseworker").post("/deployment/create").status_code == 403


def test_reading_needs_the_roles_the_pages_need_and_unknown_things_are_404(engine_rest_as, runtime, people):
    deploy_fixture(runtime, "restriction_clock.bpmn")
    reference = start_case(runtime.casework, people["casey"], {"customer_reference": "C-1"},
                                            process_id="restriction_clock").reference
    owner, auditor, worker = engine_rest_as("process_owner"), engine_rest_as("auditor"), engine_rest_as("worker")
    assert owner.get(f"/process-instance/{reference}/variables").status_code == 403
    assert auditor.get(f"/process-instance/{reference}/variables").status_code == 200
    assert auditor.post(f"/task/{_one_task(auditor, reference)['id']}/claim", {}).status_code == 403
    missing = auditor.get("/process-instance/UB-1999-0001")
    assert missing.status_code == 404 and missing.get_json()["type"] == "InvalidRequestException"
    assert auditor.get("/task/nope").status_code == 404
    assert owner.get("/process-definition/key/nothing").status_code == 404
    bad = engine_rest_as("caseworker").post("/process-definition/key/restriction_clock/start", {"variables": {}})
    assert bad.status_code == 400 and "customer_reference" in bad.get_json()["message"]

    assert worker.put(f"/process-instance/{reference}/variables/priority_note",
                      {"value": "urgent", "type": "String"}).status_code == 204
    assert auditor.get(f"/process-instance/{reference}/variables/priority_note").get_json()["value"] == "urgent"
    assert auditor.put(f"/process-instance/{reference}/variables/x", {"value": 1}).status_code == 403
    unknown_message = engine_rest_as("caseworker").post("/message", {"messageName": "nothing",
                                                                      "businessKey": reference})
    assert unknown_message.status_code == 409
    assert engine_rest_as("caseworker").post("/message", {}).status_code == 400  # messageName is required


def test_a_start_by_key_follows_the_processs_own_starters(engine_rest_as, policy):
    """The policy's process names its starters (candidateStarterGroups: caseworker): anyone else gets 403."""
    for role in ("auditor", "head_of_service", "process_owner"):
        refused = engine_rest_as(role).post("/process-definition/key/unacceptable_behaviour/start", {"variables": {}})
        assert refused.status_code == 403, role
    admitted = engine_rest_as("caseworker").post("/process-definition/key/unacceptable_behaviour/start",
                                                 {"variables": {}})
    assert admitted.status_code == 400  # past the starter rule, refused by the start form's validation


def test_instances_and_tasks_are_listed_only_for_the_processes_the_caller_may_read(
        engine_rest_as, asb_report, client, runtime, people):
    """The policy's pack admits only its staff and auditors to its cases; a member of another group reads the
    cases of processes without a pack (the anti-social behaviour report), in every list and every single read."""
    report = start_case(runtime.casework, people["casey"], ASB_REPORT, process_id="asb_report").reference
    incident = start_case(runtime.casework, people["casey"], samples.incident(),
                          process_id="unacceptable_behaviour").reference
    now = runtime.clock.now()
    groups.create_group(runtime.casework, people["adam"], name="gardeners", label="Gardeners", description="", now=now)
    issued = issue_token(runtime.casework, people["adam"], "Gardening system", [], now)
    with runtime.db.reading() as session:
        account = users_dao.get_user(session, issued.record.service_user_id).username
    groups.add_member(runtime.casework, people["adam"], "gardeners", account, now)
    gardener = EngineRest(client, issued.token)
    assert [i["id"] for i in gardener.get("/process-instance").get_json()] == [report]
    assert gardener.get("/process-instance/count").get_json() == {"count": 1}
    assert gardener.get(f"/process-instance/{incident}").status_code == 404
    assert gardener.get(f"/process-instance/{incident}/variables").status_code == 403
    assert {t["processInstanceId"] for t in gardener.get("/task").get_json()} == {report}
    assert [h["id"] for h in gardener.get("/history/process-instance").get_json()] == [report]
    assert gardener.get("/history/activity-instance", processInstanceId=incident).get_json() == []
    assert gardener.get("/history/activity-instance", processInstanceId=report).get_json() != []
    auditor = engine_rest_as("auditor")
    assert {i["id"] for i in auditor.get("/process-instance").get_json()} == {report, incident}
    assert {t["processInstanceId"] for t in auditor.get("/task").get_json()} == {report, incident}
