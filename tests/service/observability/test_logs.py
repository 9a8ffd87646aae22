"""One JSON line per request (request id, user, route, status, duration); errors logged with their stack only."""

from __future__ import annotations

import io
import json
import logging

import pytest

from service.auth.permissions import public
from service.observability.logs import configure_logging
from tests.service.conftest import sign_in


@pytest.fixture
def json_log():
    """Our JSON handler on the root logger for one test; returns the lines it wrote."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    for handler in saved:
        root.removeHandler(handler)
    written = io.StringIO()
    configure_logging("json", "INFO", stream=written)

    def lines() -> list[dict]:
        return [json.loads(line) for line in written.getvalue().splitlines()]

    yield lines
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved:
        root.addHandler(handler)
    root.setLevel(level)


def test_each_request_is_one_json_line(client, people, json_log) -> None:
    sign_in(client, "casey")
    answered = client.get("/health/live?secret=not-logged", headers={"X-Request-Id": "lb-request-12345"})
    assert answered.headers["X-Request-Id"] == "lb-request-12345"
    requests = [line for line in json_log() if line["logger"] == "ubp.request"]
    sign_in_post, live = requests[-2], requests[-1]
    assert live["request_id"] == "lb-request-12345"
    assert live["route"] == "/health/live" and live["path"] == "/health/live" and live["status"] == 200
    assert live["user_id"] == people["casey"].user_id
    assert live["duration_ms"] >= 0 and live["level"] == "INFO" and "time" in live
    assert "not-logged" not in json.dumps(requests)
    assert sign_in_post["route"] == "/sign-in" and sign_in_post["method"] == "POST"
    assert len(sign_in_post["request_id"]) == 32  # made here: none was offered


def test_a_malformed_request_id_is_replaced(client, json_log) -> None:
    answered = client.get("/health/live", headers={"X-Request-Id": "bad id; forged=line <script>"})
    assert answered.headers["X-Request-Id"] != "bad id; forged=line <script>"
    assert len(answered.headers["X-Request-Id"]) == 32


def test_an_error_is_logged_with_its_stack_and_never_shown(app, json_log) -> None:
    def explode():
        raise RuntimeError("the secret detail of a failure")

    app.add_url_rule("/explode", "explode", public(explode))
    answered = app.test_client().get("/explode", headers={"Accept": "text/html"})
    assert answered.status_code == 500
    page = answered.get_data(as_text=True)
    assert "secret detail" not in page and "Traceback" not in page
    lines = json_log()
    (error,) = [line for line in lines if line["level"] == "ERROR"]
    assert error["request_id"] == answered.headers["X-Request-Id"]
    assert "Traceback" in error["exc_info"] and "the secret detail of a failure" in error["exc_info"]
    (request_line,) = [line for line in lines if line["logger"] == "ubp.request"]
    assert request_line["status"] == 500 and request_line["route"] == "/explode"
