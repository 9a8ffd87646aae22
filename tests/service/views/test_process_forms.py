"""Process owners edit the forms their tasks use: a preview without JavaScript, checks, and a draft that
carries the edited form into the next deployment with its diagram."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from service.models import ProcessDraft, ProcessVersion
from tests.service.process_files import POLICY, deploy_policy, edited, set_camunda
from tests.service.views.conftest import text_of

EDITOR = f"/processes/{POLICY}/forms/police_referral"


@pytest.fixture
def owner(client_request, runtime):
    deploy_policy(runtime)
    return client_request.login("owen")


def _schema(page) -> dict:
    return json.loads(page.select_one("textarea#form-schema").get_text())


def _drafts(runtime) -> list[ProcessDraft]:
    with runtime.db.reading() as session:
        return list(session.scalars(select(ProcessDraft).order_by(ProcessDraft.id)))


def test_the_forms_page_lists_each_form_with_the_steps_that_use_it(owner):
    page = owner.get(f"/processes/{POLICY}/forms")
    rows = {text_of(tr.select_one("td")): [text_of(td) for td in tr.select("td")]
            for tr in page.select("#forms tbody tr")}
    assert rows["assess_incident"][1:] == ["Assess the incident", "Assess the incident"]
    assert rows["appeal_received"][2].startswith("Appeal received")
    assert rows["incident_recorded"][2] == "Incident recorded"


def test_a_form_is_shown_with_a_server_rendered_preview(owner):
    page = owner.get(EDITOR)
    schema = _schema(page)
    assert schema["title"] and schema["properties"]
    preview = page.select_one("#form-preview")
    assert text_of(preview.select_one("h3")) == schema["title"]
    first = next(iter(schema["properties"]))
    assert preview.select_one(f"[name={first}]") is not None
    assert preview.select_one("fieldset[disabled]") is not None
    assert page.select_one("button[name=action][value=preview]") is not None


def test_preview_shows_the_change_and_saves_nothing(owner, runtime):
    schema = _schema(owner.get(EDITOR))
    schema["properties"]["officer_name"] = {
        "type": "string", "title": "Officer's name", "description": "Who took the report.", "x-widget": "text",
    }
    page = owner.post_page(EDITOR, {"schema": json.dumps(schema), "action": "preview"}, status=200)
    assert text_of(page.select_one("#form-preview label[for=officer_name]")) == "Officer's name"
    assert _drafts(runtime) == []


def test_a_form_that_breaks_the_conventions_is_explained_not_saved(owner, runtime):
    schema = _schema(owner.get(EDITOR))
    schema["properties"]["reason"] = {"type": "string", "title": "Reason", "x-widget": "fancy"}
    page = owner.post_page(EDITOR, {"schema": json.dumps(schema), "action": "save"}, status=422)
    problems = [text_of(li) for li in page.select(".govuk-error-summary__list li")]
    assert any(p.startswith("Not in the supported form dialect: 'fancy' is not one of") for p in problems), problems
    schema["properties"]["reason"] = {"type": "integer", "title": "Reason", "x-widget": "yes-no"}
    page = owner.post_page(EDITOR, {"schema": json.dumps(schema), "action": "save"}, status=422)
    problems = [text_of(li) for li in page.select(".govuk-error-summary__list li")]
    assert "Field ‘reason’: a yes-no field must have type boolean" in problems, problems
    assert page.title.get_text().startswith("Error: ")
    page = owner.post_page(EDITOR, {"schema": "{not json", "action": "preview"}, status=422)
    assert text_of(page.select_one(".govuk-error-summary__list li")).startswith("The form is not valid JSON")
    assert _drafts(runtime) == []


def test_a_saved_form_goes_live_with_the_next_deploy_of_its_draft(owner, runtime):
    schema = _schema(owner.get(EDITOR))
    schema["title"] = "Refer to the police (revised)"
    response = owner.post(EDITOR, {"schema": json.dumps(schema), "action": "save"})
    (draft,) = _drafts(runtime)
    assert response.headers["Location"] == f"{EDITOR}?draft={draft.id}"
    assert draft.forms == {"police_referral": schema}
    page = owner.follow(response)
    assert f"saved in draft {draft.id}" in text_of(page.select_one(".govuk-notification-banner--success"))
    assert _schema(page)["title"] == "Refer to the police (revised)"

    modeler = owner.get(f"/processes/{POLICY}/modeler", draft=draft.id).select_one("#modeler")
    xml = owner.client.get(modeler["data-bpmn-url"]).get_data(as_text=True)
    answer = owner.client.post(modeler["data-deploy-url"], json={"xml": xml, "comment": "Police form revised"},
                               headers={"X-CSRFToken": owner.csrf_token()})
    assert answer.json["ok"], answer.json
    with runtime.db.reading() as session:
        latest = session.scalars(select(ProcessVersion).order_by(ProcessVersion.version.desc())).first()
    assert latest.version == 2 and latest.forms["police_referral"]["title"] == "Refer to the police (revised)"


def test_a_new_form_starts_from_a_usable_outline_and_a_task_can_then_use_it(owner, runtime):
    response = owner.post(f"/processes/{POLICY}/forms", {"form_key": "check_vulnerability"})
    assert response.headers["Location"] == f"/processes/{POLICY}/forms/check_vulnerability?version=1"
    page = owner.follow(response)
    assert text_of(page.h1) == "New form check_vulnerability"
    outline = _schema(page)
    owner.post(f"/processes/{POLICY}/forms/check_vulnerability", {"schema": json.dumps(outline), "action": "save"})
    (draft,) = _drafts(runtime)
    xml = edited(lambda root: set_camunda(root, "Task_AssessIncident", "formKey", "check_vulnerability")).decode()
    answer = owner.client.post(f"/processes/{POLICY}/modeler/deploy?draft={draft.id}", json={"xml": xml},
                               headers={"X-CSRFToken": owner.csrf_token()})
    assert answer.json["ok"], answer.json
    bad = owner.post_page(f"/processes/{POLICY}/forms", {"form_key": "Check Vulnerability"}, status=422)
    assert text_of(bad.select_one(".govuk-error-summary__list li")).startswith("A form key uses lower-case letters")
