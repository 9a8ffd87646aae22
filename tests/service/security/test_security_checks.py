"""Hardening, checked across every route the app has: headers, cookies, CSRF, rate limits, size
limits, and errors that show nothing they should not.

Routes are read from the URL map, so a page added later is checked without anyone listing it.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from bs4 import BeautifulSoup
from werkzeug.routing import Rule

from service import heartbeat
from service.cases.cases import start_case
from service.dao import users_dao
from service.errors import MESSAGES
from service.limits import limiter
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.people.actors import account_roles
from service.tasks import inbox_actions
from tests.bpmn import samples
from tests.service.conftest import TEST_PASSWORD, csrf_token_from
from tests.service.security.test_malformed_input import TOO_BIG

SECRET = "Jane Secret, NI number AB123456C"  # what a failing query might have had in hand


@pytest.fixture
def estate(policy, people, api_as):
    """One of everything a URL can name: a case with a held task, its customer, a token, and a
    member of staff holding every role (so every page opens for them)."""
    started = start_case(policy.casework, people["casey"], samples.incident(), process_id=PROCESS_ID)
    api_as("caseworker")
    with policy.db.transaction() as session:
        everyone = users_dao.add_user(session, username="root", full_name="Rita Roles", password_hash="!",
                                      roles=list(account_roles()), job_title="", now=policy.clock.now())
    with policy.db.reading() as session:
        from sqlalchemy import select

        from service.models import HumanTask, ProcessInstance

        task = session.scalars(select(HumanTask).where(HumanTask.status == "open")).one()
        instance_id = session.scalars(select(ProcessInstance.id)).one()
    inbox_actions.claim(policy.casework, people["casey"], task.id)
    return {
        "case": started.reference, "customer": samples.incident()["customer_reference"], "task_id": task.id,
        "token_id": "1", "instance_id": str(instance_id), "filename": "dist/manifest.json",
        "user_id": str(everyone.id),
    }


def _url(rule: Rule, estate: dict[str, str]) -> str:
    values = {}
    for name in rule.arguments:
        if name == "reference":
            values[name] = estate["customer"] if rule.rule.startswith(("/customers", "/api/v1/customers")) \
                else estate["case"]
        else:
            values[name] = estate.get(name, "1")
    return rule.build(values, append_unknown=False)[1]


def _rules(app, method: str) -> list[Rule]:
    return sorted((r for r in app.url_map.iter_rules() if method in r.methods), key=lambda r: r.rule)


def _sign_in_as(client, user_id: int, now) -> None:
    with client.session_transaction() as session:
        session.update(uid=user_id, epoch=0, started=now.timestamp(), seen=now.timestamp())


def assert_security_headers(response, *, hsts: bool = False) -> None:
    headers = response.headers
    directives = dict(d.strip().partition(" ")[::2] for d in headers["Content-Security-Policy"].split(";"))
    for source in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in directives[source] and "'unsafe-eval'" not in directives[source]
    assert directives["script-src"] == "'self'" and directives["object-src"] == "'none'"
    # Never framed by another site; a page our own pages frame (a letter preview) says so in both headers.
    assert (headers["X-Frame-Options"], directives["frame-ancestors"]) in {("DENY", "'none'"), ("SAMEORIGIN", "'self'")}
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    if hsts:
        assert headers["Strict-Transport-Security"].startswith("max-age=") and \
            int(re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"]).group(1)) >= 31536000
    else:
        assert "Strict-Transport-Security" not in headers


def assert_nothing_inline(html: str, where: str) -> None:
    """What the CSP forbids would silently not run (or not style): none of it may be in a page."""
    page = BeautifulSoup(html, "html.parser")
    assert not [s for s in page.find_all("script") if not s.get("src")], f"inline <script> on {where}"
    assert not page.find_all("style"), f"<style> on {where}"
    for element in page.find_all(True):
        handlers = [a for a in element.attrs if a.lower().startswith("on")]
        assert not handlers, f"inline event handler {handlers} on {where}"
        assert "style" not in element.attrs, f"a style attribute on {where}: {element.name}"
        for attribute in ("href", "src", "action", "formaction"):
            assert not str(element.get(attribute, "")).lower().startswith("javascript:"), where


def test_every_response_carries_the_security_headers(app, client, estate, runtime):
    checked = 0
    # A worker has reported, so /health/ready answers 200 (without one it is 503 by design).
    heartbeat.beat(runtime.casework, heartbeat.identity(heartbeat.TIMER_WORKER, runtime.clock.now()),
                   runtime.clock.now())
    _sign_in_as(client, int(estate["user_id"]), runtime.clock.now())
    for rule in _rules(app, "GET"):
        url = _url(rule, estate)
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        assert_security_headers(response)
        if response.mimetype == "text/html":
            assert_nothing_inline(response.get_data(as_text=True), url)
        checked += 1
    for url, status in [("/no-such-page", 404), ("/api/v1/no-such-thing", 404), ("/api/v1/cases", 401)]:
        response = app.test_client().get(url)
        assert response.status_code == status
        assert_security_headers(response)
    response = client.delete("/cases/new")
    assert response.status_code == 405
    assert_security_headers(response)
    assert checked >= 20


def test_hsts_is_sent_only_behind_tls(runtime, settings):
    from service.app import create_app

    behind_tls = create_app(dataclasses.replace(settings, behind_tls=True, secure_cookies=True), runtime)
    for url in ("/", "/sign-in", "/api/v1/openapi.json", "/no-such-page"):
        assert_security_headers(behind_tls.test_client().get(url, base_url="https://localhost"), hsts=True)


def _cookie(response, name: str) -> str:
    found = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    assert found, response.headers.getlist("Set-Cookie")
    return found[-1]


def test_the_session_cookie_is_secure_http_only_and_same_site(runtime, settings, people):
    from service.app import create_app

    for secure in (True, False):
        app = create_app(dataclasses.replace(settings, secure_cookies=secure, behind_tls=secure), runtime)
        client = app.test_client()
        base = "https://localhost" if secure else "http://localhost"
        page = client.get("/sign-in", base_url=base)
        signed_in = client.post("/sign-in", base_url=base, headers={"Referer": f"{base}/sign-in"}, data={
            "username": "casey", "password": TEST_PASSWORD, "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        })
        assert signed_in.status_code == 302, signed_in.get_data(as_text=True)[:300]
        name = "__Host-ubp" if secure else "ubp"
        attributes = {part.strip().split("=")[0].lower() for part in _cookie(signed_in, name).split(";")[1:]}
        assert {"httponly", "path"} <= attributes and "samesite=lax" in _cookie(signed_in, name).lower()
        assert ("secure" in attributes) == secure
        assert "domain" not in attributes  # required of a __Host- cookie; a host-only cookie either way


def test_every_form_carries_a_csrf_token(app, client, estate, runtime):
    _sign_in_as(client, int(estate["user_id"]), runtime.clock.now())
    forms = 0
    for rule in _rules(app, "GET"):
        response = client.get(_url(rule, estate))
        if response.mimetype != "text/html":
            continue
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        for form in page.find_all("form"):
            if form.get("method", "get").lower() == "post":
                token = form.find("input", attrs={"name": "csrf_token", "type": "hidden"})
                assert token and token.get("value"), (rule.rule, form.get("action"))
                forms += 1
    assert forms >= 5


def test_every_post_without_a_csrf_token_is_refused(app, client, estate, runtime, stored):
    _sign_in_as(client, int(estate["user_id"]), runtime.clock.now())
    before = stored()
    refused = 0
    for rule in _rules(app, "POST"):
        if rule.rule.startswith(("/api/", "/engine-rest/")):
            continue  # API tokens, never cookies: nothing for a forged form to ride on
        url = _url(rule, estate)
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(url, data=data)
            assert response.status_code == 400, (url, response.status_code)
            assert "This form has expired or was not sent from this service" in response.get_data(as_text=True)
            refused += 1
    assert stored() == before
    assert refused >= 20


def test_the_api_ignores_the_session_cookie(client, estate, runtime):
    """A signed-in browser cannot be used against the API (which needs no CSRF token for that reason)."""
    _sign_in_as(client, int(estate["user_id"]), runtime.clock.now())
    response = client.post("/api/v1/cases", json=samples.incident())
    assert response.status_code == 401 and response.json["error"]["status"] == 401


def test_the_engine_rest_api_ignores_the_session_cookie(client, estate, runtime):
    """As for /api/v1: a signed-in browser cannot be used against /engine-rest either."""
    _sign_in_as(client, int(estate["user_id"]), runtime.clock.now())
    response = client.post("/engine-rest/message", json={"messageName": "appeal_received", "businessKey": "X"})
    assert response.status_code == 401 and response.json["type"] == "AuthenticationException"


def test_sign_in_attempts_are_rate_limited(runtime, settings, people):
    from service.app import create_app

    limiter.reset()
    app = create_app(dataclasses.replace(settings, login_rate_limit="3 per minute"), runtime)
    client = app.test_client()
    token = csrf_token_from(client.get("/sign-in").get_data(as_text=True))
    answers = [client.post("/sign-in", data={"username": "casey", "password": "wrong", "csrf_token": token})
               for _ in range(4)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429]
    limited = answers[-1]
    assert MESSAGES[429] in limited.get_data(as_text=True) and limited.mimetype == "text/html"
    assert int(limited.headers["Retry-After"]) > 0
    assert_security_headers(limited)
    # The right password does not get round the limit either.
    right = client.post("/sign-in", data={"username": "casey", "password": TEST_PASSWORD, "csrf_token": token})
    assert right.status_code == 429


def test_api_calls_are_rate_limited_per_token(runtime, settings, people, api_as, policy):
    from service.app import create_app
    from tests.service.conftest import ApiClient

    limiter.reset()
    app = create_app(dataclasses.replace(settings, api_rate_limit="5 per minute"), runtime)
    first, second = (ApiClient(app.test_client(), api_as("caseworker").headers["Authorization"].split()[1])
                     for _ in range(2))
    answers = [first.get("/cases").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    limited = first.get("/cases")
    assert limited.json == {"error": {"status": 429, "message": MESSAGES[429]}}
    assert int(limited.headers["Retry-After"]) > 0
    assert second.get("/cases").status_code == 200  # another system's token has its own allowance


def test_an_unexpected_failure_shows_no_trace_and_no_data(app, client, estate, runtime, monkeypatch, caplog):
    def failing(*args, **kwargs):
        raise RuntimeError(f"query failed for {SECRET}")

    monkeypatch.setattr("service.packs.unacceptable_behaviour.web.customers.find_customers", failing)
    monkeypatch.setattr("service.api.cases.page_of_cases", failing)
    _sign_in_as(client, int(estate["user_id"]), runtime.clock.now())
    page = client.get("/customers?q=Jane")
    api = client.get("/api/v1/cases", headers={"Authorization": f"Bearer {_token(runtime, estate)}"})
    assert page.status_code == 500 and api.status_code == 500
    assert api.json == {"error": {"status": 500, "message": MESSAGES[500]}}
    for response in (page, api):
        text = response.get_data(as_text=True)
        for leak in ("Jane Secret", "AB123456C", "Traceback", "RuntimeError", "query failed", ".py"):
            assert leak not in text
        assert_security_headers(response)
    assert MESSAGES[500] in page.get_data(as_text=True)
    assert "query failed" in caplog.text  # the operators still learn what happened, from the log


def _token(runtime, estate) -> str:
    from service.accounts.api_tokens import issue_token
    from service.people.actors import Actor

    admin = Actor(int(estate["user_id"]), account_roles())
    return issue_token(runtime.casework, admin, "Errors", ["caseworker"], runtime.clock.now()).token


def test_errors_about_someone_else_say_nothing_about_them(app, client, estate, runtime, people):
    """A 404 and a 403 read the same whoever the case belongs to: no name, no customer, no stage."""
    from tests.service.views.conftest import ClientRequest

    ClientRequest(client, runtime, people).login("owen")  # a process owner: not a case reader
    forbidden = client.get(f"/cases/{estate['case']}")
    missing = client.get("/cases/UB-2026-9999")
    assert forbidden.status_code == 403
    for response in (forbidden, missing):
        text = response.get_data(as_text=True)
        assert estate["customer"] not in text and "shouted" not in text and "Assess" not in text


def test_oversize_requests_get_413_on_pages_and_the_api(client, estate, runtime, api_as):
    api = api_as("caseworker")
    page = client.post("/sign-in", data={"username": "x" * TOO_BIG})
    assert page.status_code == 413 and MESSAGES[413] in page.get_data(as_text=True)
    assert page.mimetype == "text/html"
    body = api.post("/cases", json={"what_happened": "x" * TOO_BIG})
    assert body.status_code == 413 and body.json == {"error": {"status": 413, "message": MESSAGES[413]}}
