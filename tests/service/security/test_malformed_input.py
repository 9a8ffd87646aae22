"""Malformed API bodies, query strings and form posts: a clear 4xx every time, and nothing stored.

Each test sends a whole catalogue to one endpoint and checks every answer, so a failure names the
entry (its label) that got a 5xx, a vague message or a stored row.
"""

from __future__ import annotations

import json

import pytest

from service.cases.cases import start_case
from service.errors import MESSAGES
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.views.conftest import checked_page

TOO_BIG = 3 * 1024 * 1024 + 1  # one byte over MAX_CONTENT_LENGTH
MISSING = object()

# label, a change to a valid incident (MISSING removes the field), the status, a field the problems must name
BAD_INCIDENTS = [
    ("text as a number", {"what_happened": 42}, 422, "what_happened"),
    ("text as a list", {"what_happened": ["shouted"]}, 422, "what_happened"),
    ("text as an object", {"staff_affected": {"name": "J. Smith"}}, 422, "staff_affected"),
    ("a choice that does not exist", {"channels": ["carrier pigeon"]}, 422, "channels"),
    ("yes/no as a number", {"violence_or_threats": 5}, 422, "violence_or_threats"),
    ("a required answer missing", {"what_happened": MISSING}, 422, "what_happened"),
    ("null for an answer", {"what_happened": None}, 422, "what_happened"),
    ("an unknown field", {"is_admin": True}, 422, "is_admin"),
    ("an unknown field with a long name", {"x" * 5000: 1}, 422, None),
    ("huge text", {"what_happened": "x" * 200_000}, 422, "what_happened"),
    ("a huge list", {"channels": ["telephone"] * 100_000}, 422, "channels"),
    ("an impossible date", {"occurred_at": "2026-02-30T10:00"}, 422, "occurred_at"),
    ("month 13", {"occurred_at": "2026-13-01T10:00"}, 422, "occurred_at"),
    ("not a date at all", {"occurred_at": "yesterday"}, 422, "occurred_at"),
    ("a date as a number", {"occurred_at": 20260302}, 422, "occurred_at"),
    ("a date in the future", {"occurred_at": "2999-01-01T10:00"}, 422, "occurred_at"),
    ("a NUL character", {"what_happened": "shouted\x00and swore"}, 400, None),
    ("a NUL character in a key", {"what\x00happened": "shouted"}, 400, None),
    ("a lone surrogate", {"what_happened": "shouted \ud800"}, 400, None),
]

# label, body bytes, content type, status
RAW_BODIES = [
    ("broken UTF-8", b'{"what_happened": "\xff\xfe"}', "application/json", 400),
    ("overlong UTF-8", b'{"what_happened": "\xc0\xaf"}', "application/json", 400),
    ("not JSON", b"{not json", "application/json", 400),
    ("empty", b"", "application/json", 400),
    ("a JSON list", b"[1, 2]", "application/json", 400),
    ("JSON null", b"null", "application/json", 400),
    ("a JSON string", b'"incident"', "application/json", 400),
    ("NaN", b'{"what_happened": NaN}', "application/json", 400),
    ("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    ("objects nested 50,000 deep", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json", 400),
    ("a number too long to read", b'{"what_happened": ' + b"9" * 5000 + b"}", "application/json", 400),
    ("JSON sent as text/plain", json.dumps(samples.incident()).encode(), "text/plain", 400),
    ("a form post", b"what_happened=shouted", "application/x-www-form-urlencoded", 400),
    ("XML", b"<incident/>", "application/xml", 400),
    ("no content type", json.dumps(samples.incident()).encode(), "", 400),
    ("over the size limit", b'{"what_happened": "' + b"x" * TOO_BIG + b'"}', "application/json", 413),
]


def _assert_clear_refusal(label: str, response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, (label, response.status_code, response.get_data(as_text=True)[:500])
    error = response.json["error"]
    assert error["status"] == status and error["message"], label
    assert "Traceback" not in response.get_data(as_text=True), label
    if status == 413:
        assert error["message"] == MESSAGES[413], label
    if field is not None:
        assert field in {p["field"] for p in error["problems"]}, (label, error)


def _send_raw(client, api, path: str, body: bytes, content_type: str):
    headers = dict(api.headers)
    if content_type:
        headers["Content-Type"] = content_type
    return client.post(f"/api/v1{path}", data=body, headers=headers)


def _refuses_everything(client, api, path: str, valid: dict, stored) -> int:
    before = stored()
    for label, change, status, field in BAD_INCIDENTS:
        body = {k: v for k, v in {**valid, **change}.items() if v is not MISSING}
        _assert_clear_refusal(label, api.post(path, json=body), status, field)
    for label, body, content_type, status in RAW_BODIES:
        _assert_clear_refusal(label, _send_raw(client, api, path, body, content_type), status)
    assert stored() == before
    return len(BAD_INCIDENTS) + len(RAW_BODIES)


def test_recording_an_incident_refuses_malformed_bodies(policy, api_as, client, stored):
    refused = _refuses_everything(client, api_as("caseworker"), "/cases", samples.incident(), stored)
    assert refused == len(BAD_INCIDENTS) + len(RAW_BODIES)


def test_completing_a_task_refuses_malformed_bodies(policy, api_as, client, stored):
    api = api_as("caseworker")
    reference = api.post("/cases", json=samples.incident()).json["reference"]
    task = api.get(f"/cases/{reference}").json["open_tasks"][0]
    assert api.post(f"/tasks/{task['id']}/claim").status_code == 200
    # The assessment form, broken in the same ways (its fields differ from the incident's).
    before = stored()
    valid = samples.assessment("isolated")
    for label, change, status in [
        ("an outcome that does not exist", {"assessment_outcome": "banish"}, 422),
        ("an outcome as a number", {"assessment_outcome": 3}, 422),
        ("an unknown field", {"approved_by": "me"}, 422),
        ("huge reasons", {"assessment_reasons": "x" * 200_000}, 422),
        ("a NUL character", {"assessment_reasons": "\x00"}, 400),
        ("a lone surrogate", {"assessment_reasons": "\udfff"}, 400),
        ("the incident's form instead", samples.incident(), 422),
    ]:
        _assert_clear_refusal(label, api.post(f"/tasks/{task['id']}/complete", json={**valid, **change}), status)
    for label, body, content_type, status in RAW_BODIES:
        _assert_clear_refusal(label, _send_raw(client, api, f"/tasks/{task['id']}/complete", body, content_type),
                              status)
    assert stored() == before
    assert api.get(f"/cases/{reference}").json["open_tasks"][0]["id"] == task["id"]  # still waiting


def test_recording_an_appeal_refuses_malformed_bodies(policy, api_as, client, stored):
    api = api_as("caseworker")
    reference = api.post("/cases", json=samples.incident()).json["reference"]
    before = stored()
    valid = samples.appeal_received("2026-03-02")
    for label, change, status in [
        ("an impossible date", {"appeal_received_on": "2026-02-31"}, 422),
        ("a date as a list", {"appeal_received_on": ["2026-03-02"]}, 422),
        ("a way it came that does not exist", {"appeal_received_via": "fax machine"}, 422),
        ("an unknown field", {"decision": "upheld"}, 422),
        ("a NUL character", {"appeal_grounds": "a\x00b"}, 400),
    ]:
        _assert_clear_refusal(label, api.post(f"/cases/{reference}/appeals", json={**valid, **change}), status)
    for label, body, content_type, status in RAW_BODIES:
        _assert_clear_refusal(label, _send_raw(client, api, f"/cases/{reference}/appeals", body, content_type),
                              status)
    assert stored() == before


def test_deploying_refuses_malformed_bodies(policy, api_as, client, stored):
    api = api_as("process_owner")
    before = stored()
    for label, body, status in [
        ("no bpmn", {}, 422),
        ("bpmn as a number", {"bpmn": 5}, 422),
        ("bpmn as a list", {"bpmn": ["<x/>"]}, 422),
        ("blank bpmn", {"bpmn": "   "}, 422),
        ("forms as a list", {"bpmn": "<x/>", "forms": []}, 422),
        ("a form that is not an object", {"bpmn": "<x/>", "forms": {"note": "text"}}, 422),
        ("an unknown field", {"bpmn": "<x/>", "activate": True}, 422),
        ("not XML", {"bpmn": "<<<"}, 422),
        ("XML that is not BPMN", {"bpmn": "<incident/>"}, 422),
        ("a billion laughs", {"bpmn": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}, 422),
        ("an external entity", {"bpmn": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
                                         '"file:///etc/passwd">]><x>&e;</x>'}, 422),
        ("a NUL character", {"bpmn": "<x>\x00</x>"}, 400),
    ]:
        _assert_clear_refusal(label, api.post("/deployments", json=body), status)
    for label, body, content_type, status in RAW_BODIES:
        _assert_clear_refusal(label, _send_raw(client, api, "/deployments", body, content_type), status)
    assert stored() == before


BAD_QUERIES = [
    ("/cases?page=0", 422), ("/cases?page=-1", 422), ("/cases?page=abc", 422), ("/cases?page=1e3", 422),
    ("/cases?page=99999999999999999999", 422), ("/cases?page=%C2%B2", 422),
    ("/cases?page=" + "9" * 5000, 422), ("/cases?page_size=1000", 422), ("/cases?status=deleted", 422),
    ("/cases?customer=%00", 400), ("/cases?customer=%FF%FE", 400), ("/cases/%00", 400),
    ("/cases/UB-2026-0001%00", 400), ("/cases/..%2F..%2Fetc%2Fpasswd", 404), ("/cases/" + "9" * 5000, 404),
    ("/tasks?group=caseworker&assignee=me", 422), ("/tasks?group=landlords", 403),
    ("/tasks?assignee=%00", 400), ("/tasks/not-a-task/claim", 404),
    ("/customers/SH-004211/contact-check", 422), ("/customers/SH-004211/contact-check?channel=pigeon", 422),
    ("/customers/SH-004211/contact-check?channel=email&datetime=2026-02-30", 422),
    ("/customers/SH-004211/contact-check?channel=email&datetime=tomorrow", 422),
    ("/customers/SH-004211/contact-check?channel=email&emergency=maybe", 422),
    ("/customers/%00/restrictions", 400), ("/customers/" + "A" * 500 + "/restrictions", 404),
]


def test_bad_query_strings_and_paths_are_refused_clearly(policy, api_as, client, stored):
    api = api_as("caseworker")
    api.post("/cases", json=samples.incident())
    before = stored()
    for path, status in BAD_QUERIES:
        method = api.post if path.endswith("/claim") else api.get
        _assert_clear_refusal(path, method(path), status)
    assert stored() == before


# -- pages ----------------------------------------------------------------------------------------

def _incident_form(**changes: str | list[str] | None) -> dict:
    form = {
        "new_customer": "no", "customer_reference": "SH-004211", "occurred_at-day": "2", "occurred_at-month": "3",
        "occurred_at-year": "2026", "occurred_at-time": "09:05", "channels": ["telephone"],
        "behaviour_categories": ["aggressive_intimidating_abusive"], "violence_or_threats": "no",
        "what_happened": "The customer shouted at the call handler.", "crime_suspected": "no",
        "safeguarding_concern": "no",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


BAD_PAGE_POSTS = [
    ("a choice that does not exist", {"channels": ["carrier pigeon"]}, "channels"),
    ("yes/no that is neither", {"violence_or_threats": "maybe"}, "violence_or_threats"),
    ("a required answer missing", {"what_happened": None}, "what_happened"),
    ("huge text", {"what_happened": "x" * 200_000}, "what_happened"),
    ("30 February", {"occurred_at-day": "30", "occurred_at-month": "2"}, "occurred_at"),
    ("a year of letters", {"occurred_at-year": "twenty"}, "occurred_at"),
    ("a time that is not one", {"occurred_at-time": "25:99"}, "occurred_at"),
    ("the future", {"occurred_at-year": "2999"}, "occurred_at"),
]


def test_form_pages_refuse_bad_answers_with_the_form_and_its_errors(policy, client_request, stored):
    """Answers a person can correct come back on the form itself, with an error summary that links
    to each question (the GOV.UK pattern, answered 422 Unprocessable Content)."""
    client_request.login("casey")
    before = stored()
    for label, change, field in BAD_PAGE_POSTS:
        response = client_request.post("/cases/new", _incident_form(**change), status=422)
        page = checked_page(response.get_data(as_text=True))
        assert page.title.get_text(strip=True).startswith("Error: "), label
        links = [a["href"] for a in page.select(".govuk-error-summary a")]
        assert any(field in href for href in links), (label, links)
    # Fields the form does not have are dropped, never stored.
    response = client_request.post("/cases/new", _incident_form(what_happened=None, is_admin="yes"), status=422)
    assert "is_admin" not in response.get_data(as_text=True)
    assert stored() == before


def _raw_page_post(client_request, path: str, body: bytes, content_type: str):
    return client_request.client.post(path, data=body, headers={"Content-Type": content_type})


def test_form_pages_refuse_malformed_posts(policy, client_request, stored):
    client_request.login("casey")
    token = client_request.csrf_token()
    before = stored()
    valid = b"csrf_token=" + token.encode() + b"&new_customer=no&what_happened="
    for label, body, content_type, status in [
        ("broken UTF-8", valid + b"%FF%FEshouted", "application/x-www-form-urlencoded", 400),
        ("raw bytes that are not UTF-8", valid + b"\xff\xfe", "application/x-www-form-urlencoded", 400),
        ("a NUL character", valid + b"shouted%00", "application/x-www-form-urlencoded", 400),
        ("JSON instead of a form", json.dumps({"csrf_token": token}).encode(), "application/json", 400),
        ("over the size limit", valid + b"x" * TOO_BIG, "application/x-www-form-urlencoded", 413),
        ("no CSRF token", b"new_customer=no", "application/x-www-form-urlencoded", 400),
        ("a forged CSRF token", b"csrf_token=forged&new_customer=no", "application/x-www-form-urlencoded", 400),
    ]:
        response = _raw_page_post(client_request, "/cases/new", body, content_type)
        assert response.status_code == status, (label, response.status_code)
        assert response.mimetype == "text/html", label
        page = checked_page(response.get_data(as_text=True))
        assert page.h1.get_text(strip=True), label
        assert "Traceback" not in response.get_data(as_text=True), label
    assert stored() == before


@pytest.fixture
def held_assessment(policy, people):
    """‘Assess the incident’ on a new case, held by Casey."""
    started = start_case(policy.casework, people["casey"], samples.incident(), process_id=PROCESS_ID)
    [task] = started.opened
    inbox_actions.claim(policy.casework, people["casey"], task.id)
    return task


def test_the_task_page_refuses_bad_answers_and_stores_nothing(policy, client_request, held_assessment, stored):
    client_request.login("casey")
    path = f"/tasks/{held_assessment.id}"
    before = stored()
    for label, data in [
        ("an outcome that does not exist", {"assessment_outcome": "banish"}),
        ("huge reasons", {"assessment_outcome": "isolated", "assessment_reasons": "x" * 200_000}),
        ("nothing at all", {}),
    ]:
        response = client_request.post(path, {"task_id": held_assessment.id, **data}, status=422)
        page = checked_page(response.get_data(as_text=True))
        assert page.select(".govuk-error-summary"), label
    response = _raw_page_post(client_request, path, b"csrf_token=" + client_request.csrf_token().encode()
                              + b"&task_id=" + held_assessment.id.encode() + b"&assessment_reasons=%C3%28",
                              "application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert stored() == before
