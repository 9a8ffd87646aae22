"""Process owners' pages: versions, the diagram of each, the modeler's JSON endpoints, uploads, diffs. The browser
deploys a new process with its forms and decision tables in one upload (files or a ZIP)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from service.cases.cases import start_case
from service.models import ProcessDraft, ProcessVersion
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.views.process_modeler import MODELER_CSP
from tests.bpmn import samples
from tests.service.process_files import (
    POLICY,
    THREE_TASKS_WITH_EXTRA,
    deploy_policy,
    edited,
    policy_xml,
    set_camunda,
)
from tests.service.views.conftest import checked_page, text_of

OTHER_STAFF = ("casey", "hana", "erin", "audrey", "adam")


@pytest.fixture
def policy(runtime):
    deploy_policy(runtime)
    return runtime


def post_json(client_request, path: str, body: dict, csrf: bool = True):
    headers = {"X-CSRFToken": client_request.csrf_token()} if csrf else {}
    return client_request.client.post(path, json=body, headers=headers)


def versions(runtime, process_id: str = POLICY) -> list[ProcessVersion]:
    with runtime.db.reading() as session:
        return list(session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id)
                                    .order_by(ProcessVersion.version)))


def renamed_assessment() -> str:
    return edited(lambda root: root.find(".//*[@id='Task_AssessIncident']").set("name", "Assess what happened")
                  ).decode()


def test_only_process_owners_reach_the_process_pages(client_request, policy):
    paths = [
        "/processes", f"/processes/{POLICY}/versions/1", f"/processes/{POLICY}/versions/1/bpmn",
        f"/processes/{POLICY}/modeler", f"/processes/{POLICY}/forms", f"/processes/{POLICY}/versions/1/migration",
        f"/processes/{POLICY}/diff?from=1&to=1",
    ]
    for username in OTHER_STAFF:
        client_request.login(username)
        for path in paths:
            assert client_request.client.get(path).status_code == 403, (username, path)
        assert post_json(client_request, f"/processes/{POLICY}/modeler/deploy", {"xml": "x"}).status_code == 403
    client_request.login("owen")
    assert all(client_request.client.get(path).status_code == 200 for path in paths)


def test_the_processes_page_lists_each_version_with_who_when_hash_and_comment(client_request, policy):
    client_request.login("owen")
    answer = post_json(client_request, f"/processes/{POLICY}/modeler/deploy",
                       {"xml": renamed_assessment(), "comment": "Clearer name for the assessment"})
    assert answer.status_code == 200 and answer.json["ok"], answer.json
    page = client_request.get("/processes")
    assert page.select_one(".govuk-service-navigation__item--active").get_text(strip=True) == "Processes"
    rows = [[text_of(td) for td in tr.select("td")] for tr in page.select(f"#process-{POLICY} + p + table tbody tr")]
    latest, first = versions(policy)[1], versions(policy)[0]
    assert rows[0][:5] == ["Version 2", "Owen Owner", "2 March 2026 at 9:30am", latest.content_hash[:10],
                           "Clearer name for the assessment"]
    assert rows[1][:5] == ["Version 1", "Command line", "2 March 2026 at 9:30am", first.content_hash[:10],
                           "Policy as written"]
    assert page.select_one(f"a[href='/processes/{POLICY}/diff?from=1&to=2']") is not None


def test_a_version_page_shows_the_diagram_the_tasks_and_where_cases_wait(client_request, policy, people):
    start_case(policy.casework, people["casey"], samples.incident(), process_id=PROCESS_ID)
    client_request.login("owen")
    page = client_request.get(f"/processes/{POLICY}/versions/1")
    assert page.select_one("code.ubp-hash").get_text() == versions(policy)[0].content_hash
    diagram = page.select_one(".ubp-diagram")
    assert diagram["data-bpmn-url"] == f"/processes/{POLICY}/versions/1/bpmn"
    assessment = page.select_one("tr[data-element-id=Task_AssessIncident]")
    assert [text_of(td) for td in assessment.select("td")] == [
        "Assess the incident", "assess_incident", "caseworker Caseworker lane", "None", "2 working days", "1",
    ]
    overlay = client_request.client.get(diagram["data-overlay-url"]).json
    assert overlay["counts"] == {"Task_AssessIncident": 1} and overlay["changed"] is None
    xml = client_request.client.get(diagram["data-bpmn-url"])
    assert xml.content_type.startswith("application/xml") and xml.data == policy_xml()
    assert xml.headers["Content-Disposition"] == f'attachment; filename="{POLICY}-v1.bpmn"'


def test_the_modeler_page_follows_the_bundle_contract_and_relaxes_the_csp_only_there(client_request, policy):
    client_request.login("owen")
    response = client_request.get_response(f"/processes/{POLICY}/modeler")
    assert response.headers["Content-Security-Policy"] == MODELER_CSP
    assert "style-src-attr 'unsafe-inline'" in MODELER_CSP
    assert "unsafe-inline" not in client_request.get_response("/processes").headers["Content-Security-Policy"]
    page = client_request.get(f"/processes/{POLICY}/modeler", version=1)
    modeler = page.select_one("#modeler")
    assert modeler["data-bpmn-url"] == f"/processes/{POLICY}/versions/1/bpmn"
    assert modeler["data-validate-url"] == f"/processes/{POLICY}/modeler/validate?version=1"
    assert modeler["data-draft-url"] == f"/processes/{POLICY}/modeler/drafts?version=1"
    assert modeler["data-deploy-url"] == f"/processes/{POLICY}/modeler/deploy?version=1"
    for button in ("validate", "save-draft", "deploy", "download"):
        assert page.select_one(f"button#modeler-{button}") is not None
    assert page.select_one("#properties-panel") is not None and page.select_one("#deploy-comment") is not None
    assert page.select_one("script[src^='/static/dist/modeler.js']") is not None
    assert not page.select("script:not([src])")  # no inline script
    assert client_request.get_response(f"/processes/{POLICY}/modeler", version=9).status_code == 404


def test_validate_answers_with_each_problem_on_its_element(client_request, policy):
    client_request.login("owen")
    good = post_json(client_request, f"/processes/{POLICY}/modeler/validate", {"xml": policy_xml().decode()})
    assert good.status_code == 200 and good.json == {
        "ok": True, "message": "The diagram passes every check and can be deployed.", "errors": [], "redirect": None,
        "warnings": [],
    }
    broken = edited(lambda root: set_camunda(root, "Task_AssessIncident", "formKey", "no_such_form")).decode()
    bad = post_json(client_request, f"/processes/{POLICY}/modeler/validate", {"xml": broken})
    assert bad.status_code == 200 and bad.json["ok"] is False
    assert bad.json["errors"] == [{
        "element_id": "Task_AssessIncident",
        "message": "The task 'Assess the incident' uses the form 'no_such_form', which does not exist.",
    }]
    assert len(versions(policy)) == 1


def test_json_endpoints_need_the_csrf_header_and_a_diagram(client_request, policy):
    client_request.login("owen")
    path = f"/processes/{POLICY}/modeler/deploy"
    assert post_json(client_request, path, {"xml": renamed_assessment()}, csrf=False).status_code == 400
    assert post_json(client_request, path, {"comment": "no diagram"}).status_code == 400
    assert len(versions(policy)) == 1


def test_deploying_from_the_modeler_makes_a_version_and_leads_to_it(client_request, policy):
    client_request.login("owen")
    answer = post_json(client_request, f"/processes/{POLICY}/modeler/deploy",
                       {"xml": renamed_assessment(), "comment": "Renamed"})
    assert answer.json == {"ok": True, "message": f"{POLICY} version 2 deployed.", "errors": [],
                           "redirect": f"/processes/{POLICY}/versions/2", "warnings": []}
    page = client_request.get(answer.json["redirect"])
    assert f"{POLICY} version 2 deployed." in text_of(page.select_one(".govuk-notification-banner--success"))
    assert versions(policy)[1].deployed_by_id == client_request.people["owen"].user_id
    assert set(versions(policy)[1].forms) == set(versions(policy)[0].forms)  # the forms went with it
    again = post_json(client_request, f"/processes/{POLICY}/modeler/deploy", {"xml": renamed_assessment()})
    assert again.json["ok"] and "unchanged" in again.json["message"] and len(versions(policy)) == 2


def test_the_modeler_keeps_the_process_it_was_opened_for(client_request, policy):
    client_request.login("owen")
    other = policy_xml().replace(b'<bpmn:process id="unacceptable_behaviour"', b'<bpmn:process id="copy_of_policy"')
    answer = post_json(client_request, f"/processes/{POLICY}/modeler/deploy", {"xml": other.decode()})
    assert answer.status_code == 422 and "no executable process with the id" in answer.json["errors"][0]["message"]


def test_drafts_are_kept_listed_and_reopened(client_request, policy):
    client_request.login("owen")
    broken = edited(lambda root: set_camunda(root, "Task_AssessIncident", "formKey", "assess_everything")).decode()
    answer = post_json(client_request, f"/processes/{POLICY}/modeler/drafts", {"xml": broken, "comment": "WIP"})
    assert answer.status_code == 200 and answer.json["ok"]
    assert answer.json["message"].endswith("It would not deploy yet:")
    assert answer.json["errors"][0]["element_id"] == "Task_AssessIncident"
    with policy.db.reading() as session:
        draft = session.scalars(select(ProcessDraft)).one()
    assert draft.bpmn_xml == broken and draft.comment == "WIP" and draft.forms == {}
    page = client_request.get("/processes")
    row = page.select_one("h3 + table tbody tr")
    assert [text_of(td) for td in row.select("td")][:4] == [f"Draft {draft.id}", "Owen Owner",
                                                            "2 March 2026 at 9:30am", "WIP"]
    modeler = client_request.get(row.select_one("a")["href"]).select_one("#modeler")
    assert modeler["data-bpmn-url"] == f"/processes/{POLICY}/drafts/{draft.id}/bpmn"
    assert modeler["data-deploy-url"] == f"/processes/{POLICY}/modeler/deploy?draft={draft.id}"
    assert client_request.client.get(modeler["data-bpmn-url"]).get_data(as_text=True) == broken
    unsafe = post_json(client_request, f"/processes/{POLICY}/modeler/drafts",
                       {"xml": '<!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>'})
    assert unsafe.status_code == 422 and not unsafe.json["ok"]


def test_a_file_from_camunda_modeler_is_uploaded_through_the_same_checks(client_request, policy):
    client_request.login("owen")
    page = client_request.get("/processes")
    assert page.select_one("form[enctype='multipart/form-data'] input[type=file]#bpmn-file") is not None
    upload = {"csrf_token": client_request.csrf_token(), "comment": "From Camunda Modeler",
              "bpmn_file": (io.BytesIO(renamed_assessment().encode()), "policy.bpmn")}
    response = client_request.client.post("/processes/upload", data=upload, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"] == f"/processes/{POLICY}/versions/2"
    first, second = versions(policy)
    assert second.comment == "From Camunda Modeler" and second.forms == first.forms

    broken = edited(lambda root: set_camunda(root, "Task_HearAppeal", "candidateGroups", "caseworker"))
    upload = {"csrf_token": client_request.csrf_token(), "bpmn_file": (io.BytesIO(broken), "policy.bpmn")}
    response = client_request.client.post("/processes/upload", data=upload, content_type="multipart/form-data")
    assert response.status_code == 422
    refused = checked_page(response.get_data(as_text=True))
    problems = [text_of(li) for li in refused.select(".govuk-error-summary__list li")]
    assert any(p.startswith("Task_HearAppeal: The appeal must be held only by") for p in problems), problems
    assert len(versions(policy)) == 2


def test_the_diff_lists_added_removed_and_changed_elements_and_marks_the_diagrams(client_request, three_tasks):
    client_request.login("owen")
    answer = post_json(client_request, "/processes/three_tasks/modeler/deploy", {"xml": THREE_TASKS_WITH_EXTRA})
    assert answer.json["ok"], answer.json
    page = client_request.get("/processes/three_tasks/diff", **{"from": 1, "to": 2})
    added = [li["data-element-id"] for li in page.select("[data-diff=added] > li")]
    changed = {li["data-element-id"]: text_of(li) for li in page.select("[data-diff=changed] > li")}
    assert added == ["Task_Extra", "Flow_Extra"]
    assert page.select("[data-diff=removed]") == []
    assert "To: Task_Third → Task_Extra" in changed["Flow_3"]
    assert "Lane" not in changed.get("Task_Third", "")
    to_side, from_side = page.select(".ubp-diagram")
    assert client_request.client.get(to_side["data-overlay-url"]).json["changed"] == {
        "added": ["Task_Extra", "Flow_Extra"], "removed": [], "changed": ["Flow_3"],
    }
    assert client_request.client.get(from_side["data-overlay-url"]).json["changed"]["removed"] == []


def test_before_anything_is_deployed_the_page_says_so_and_offers_the_upload(client_request):
    page = client_request.login("owen").get("/processes")
    assert "No process has been deployed yet." in text_of(page.main)
    assert page.select_one("#bpmn-file") is not None
    missing = client_request.client.post("/processes/upload", data={"csrf_token": client_request.csrf_token()})
    assert missing.status_code == 422
    assert "Choose a BPMN file to upload" in text_of(checked_page(missing.get_data(as_text=True)).main)


NEW_PROCESS = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
               'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
               'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D" targetNamespace="t">'
               '<bpmn:process id="{pid}" name="Leave request" isExecutable="true"><bpmn:startEvent id="S1"/>'
               '<bpmn:sequenceFlow id="F1" sourceRef="S1" targetRef="T"/>'
               '<bpmn:userTask id="T" name="Approve the leave" camunda:candidateGroups="head_of_service"/>'
               '<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E1"/><bpmn:endEvent id="E1"/>'
               "</bpmn:process></bpmn:definitions>")


def test_a_new_process_is_started_from_the_processes_page_outside_any_process(client_request, policy):
    for username in OTHER_STAFF:
        client_request.login(username)
        assert client_request.client.get("/processes/new").status_code == 403
        assert post_json(client_request, "/processes/new/deploy", {"xml": NEW_PROCESS}).status_code == 403
    client_request.login("owen")
    listing = client_request.get("/processes")
    assert listing.select_one("a.govuk-button[href='/processes/new']")
    modeler = client_request.get("/processes/new").select_one("#modeler")
    assert not modeler.has_attr("data-bpmn-url") and modeler["data-process-id"] == "new_process"
    assert modeler["data-deploy-url"] == "/processes/new/deploy"

    taken = post_json(client_request, "/processes/new/validate", {"xml": NEW_PROCESS.format(pid=POLICY)})
    assert not taken.json["ok"] and "already exists" in taken.json["errors"][0]["message"]
    assert taken.json["errors"][0]["element_id"] == POLICY
    idle = post_json(client_request, "/processes/new/validate",
                     {"xml": NEW_PROCESS.format(pid="leave").replace('isExecutable="true"', 'isExecutable="false"')})
    assert not idle.json["ok"] and "no executable process" in idle.json["errors"][0]["message"]
    assert post_json(client_request, "/processes/new/validate", {"xml": NEW_PROCESS.format(pid="leave")}).json["ok"]
    assert post_json(client_request, "/processes/new/deploy", {"xml": NEW_PROCESS}, csrf=False).status_code in (
        400, 403)

    draft = post_json(client_request, "/processes/new/drafts", {"xml": NEW_PROCESS.format(pid="leave")})
    assert draft.json["ok"] and draft.json["redirect"].startswith("/processes/leave/modeler?draft=")
    reopened = client_request.get(draft.json["redirect"]).select_one("#modeler")
    assert reopened["data-deploy-url"].startswith("/processes/leave/modeler/deploy?draft=")

    deployed = post_json(client_request, "/processes/new/deploy", {"xml": NEW_PROCESS.format(pid="leave"),
                                                                   "comment": "First version"})
    assert deployed.status_code == 200 and deployed.json["redirect"] == "/processes/leave/versions/1"
    assert [(v.version, v.comment) for v in versions(policy, "leave")] == [(1, "First version")]
    again = post_json(client_request, "/processes/new/deploy", {"xml": NEW_PROCESS.format(pid="leave")})
    assert again.status_code == 422 and "already exists" in again.json["errors"][0]["message"]


OWNER_FILES = Path(__file__).parents[1] / "owner_files"


def _upload(client_request, files: list[tuple[str, bytes]]):
    data = {"csrf_token": client_request.csrf_token(), "comment": "A new process",
            "bpmn_file": [(io.BytesIO(content), name) for name, content in files]}
    return client_request.client.post("/processes/upload", data=data, content_type="multipart/form-data")


def test_a_new_process_with_its_forms_and_table_deploys_from_the_browser(client_request, runtime):
    client_request.login("owen")
    files = [("06_discount.bpmn", (OWNER_FILES / "06_discount.bpmn").read_bytes()),
             ("tier.json", (OWNER_FILES / "forms" / "tier.json").read_bytes()),
             ("discount.dmn", (OWNER_FILES / "discount.dmn").read_bytes())]
    response = _upload(client_request, files)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page = client_request.follow(response)
    assert "06_discount.bpmn: deployed: discount version 1 deployed." in text_of(page.main)


def test_each_refused_file_is_named_with_its_reasons(client_request, runtime):
    client_request.login("owen")
    files = [("09_java_service.bpmn", (OWNER_FILES / "09_java_service.bpmn").read_bytes()),
             ("02_plain_tasks.bpmn", (OWNER_FILES / "02_plain_tasks.bpmn").read_bytes())]
    response = _upload(client_request, files)
    assert response.status_code == 422
    page = checked_page(response.get_data(as_text=True))
    errors = [text_of(li) for li in page.select(".govuk-error-summary__list li")]
    assert errors == ["09_java_service.bpmn: refused: Service_Charge: The service task 'Charge the card' is "
                      "implemented by a Java class (camunda:class), which only a Java engine can run. Make it an "
                      "external task (camunda:type=\"external\" with a topic), a script task or a user task."]
    assert "02_plain_tasks.bpmn: deployed" in text_of(page.main)
