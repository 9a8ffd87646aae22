"""The OpenAPI document of /engine-rest covers every route served there, and is served as JSON and as a page."""

from __future__ import annotations

import re

from service.engine_rest.openapi import PATHS

NOT_API = {"/openapi.json", "/docs"}


def _shape(path: str) -> str:
    return re.sub(r"<[^>]+>|\{[^}]+\}", "{}", path)


def test_every_engine_rest_route_and_method_is_in_the_document(app):
    documented = {(_shape(path), method.upper()) for path, operations in PATHS.items() for method in operations}
    served = {(_shape(rule.rule.removeprefix("/engine-rest")), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/engine-rest/")
              for method in rule.methods - {"HEAD", "OPTIONS"}
              if rule.rule.removeprefix("/engine-rest") not in NOT_API}
    assert served == documented


def test_the_document_and_its_page_are_served_beside_the_api_v1_ones(client):
    spec = client.get("/engine-rest/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.")
    assert spec.json["servers"][0]["url"].endswith("/engine-rest")
    assert "correlationKeys" in spec.json["paths"]["/message"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["properties"]
    page = client.get("/engine-rest/docs").get_data(as_text=True)
    assert "POST /external-task/fetchAndLock" in page and 'href="/engine-rest/openapi.json"' in page
    assert 'href="/engine-rest/docs"' in client.get("/api/v1/docs").get_data(as_text=True)
