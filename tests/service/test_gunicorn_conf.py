"""The production gunicorn settings, on a real gunicorn."""

from __future__ import annotations

from tests.service.reliability.server import Http, WebServer


def test_no_response_names_the_server_software(runtime):
    server = WebServer(runtime.settings.database_url, workers=1, threads=2, config="python:service.gunicorn_conf")
    try:
        server.start()
        client = Http(server.port)
        replies = [client.get("/health"), client.get("/sign-in"), client.get("/no-such-page"),
                   client.get("/api/v1/cases"), client.request("DELETE", "/health")]
        assert [reply.status for reply in replies] == [200, 200, 404, 401, 405]
        assert [reply.headers.get("server") for reply in replies] == [None] * len(replies)
    finally:
        server.kill()
