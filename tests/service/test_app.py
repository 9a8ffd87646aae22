"""The web shell: home, health, signing in and out, CSRF, headers, session time-outs."""

from __future__ import annotations

from tests.service.conftest import csrf_token_from, sign_in


def test_home_page_and_health(client):
    home = client.get("/")
    assert home.status_code == 200
    assert "Sign in" in home.get_data(as_text=True)
    health = client.get("/health")
    assert health.status_code == 200 and health.json == {"status": "ok", "database": "ok"}


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_sign_in_with_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client, people):
    response = sign_in(client, "casey", "wrong password entirely")
    assert response.status_code == 401
    assert "Enter a correct username and password" in response.get_data(as_text=True)
    unknown = sign_in(client, "nobody-here", "wrong password entirely")
    assert unknown.status_code == 401


def test_sign_in_sets_a_protected_session_cookie_and_sign_out_ends_it(client, people):
    response = sign_in(client, "casey")
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/sign-in").get_data(as_text=True)
    signed_out = client.post("/sign-out", data={"csrf_token": csrf_token_from(page)})
    assert signed_out.status_code == 302
    with client.session_transaction() as session:
        assert "uid" not in session


def test_forms_without_a_csrf_token_are_refused_with_a_clear_message(client, people):
    response = client.post("/sign-in", data={"username": "casey", "password": "x"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_sign_in_never_redirects_off_site(client, people):
    page = client.get("/sign-in?next=//evil.example/steal")
    response = client.post("/sign-in?next=//evil.example/steal", data={
        "username": "casey", "password": "correct horse battery staple",
        "csrf_token": csrf_token_from(page.get_data(as_text=True)),
    })
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_an_idle_session_times_out(client, people, runtime):
    sign_in(client, "casey")
    with client.session_transaction() as session:
        assert session["uid"]
    runtime.clock.advance(minutes=31)
    client.get("/")
    with client.session_transaction() as session:
        assert "uid" not in session
    page = client.get("/sign-in")
    assert page.status_code == 200


def test_errors_never_show_a_stack_trace(client, app, people):
    @app.route("/boom")
    def boom():  # pragma: no cover - exercised through the client
        raise RuntimeError("secret internal detail")

    boom.permission = ("public",)
    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internal detail" not in body and "Traceback" not in body
    assert "something went wrong" in body


def test_sessions_also_end_after_the_absolute_limit(client, people, runtime):
    sign_in(client, "casey")
    for _ in range(20):  # busy all day: never idle for 30 minutes, 9h40m in all
        runtime.clock.advance(minutes=29)
        client.get("/")
    with client.session_transaction() as session:
        assert session.get("uid")
    runtime.clock.advance(minutes=29)  # past the 10-hour limit
    client.get("/")
    with client.session_transaction() as session:
        assert "uid" not in session
