"""Every endpoint listed: each route under /api/v1 is described in the OpenAPI document, with its method, and
the document describes no route that does not exist (a meta-test: no endpoint appears or goes unnoticed). The
routes a pack adds under /api/v1 count too: the document the app serves is read, not the platform's own paths."""

from __future__ import annotations

import re

# The document and its docs page describe the API; they are not part of it.
NOT_DESCRIBED = {"/api/v1/openapi.json", "/api/v1/docs"}
PREFIX = "/api/v1"


def _routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/") or rule.rule in NOT_DESCRIBED:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len(PREFIX):])
        found |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return found


def _described(app) -> set[tuple[str, str]]:
    paths = app.test_client().get(PREFIX + "/openapi.json").get_json()["paths"]
    return {(path, method) for path, item in paths.items() for method in item
            if method in {"get", "post", "put", "patch", "delete"}}


def test_every_api_route_is_in_the_openapi_document(app):
    routes = _routes(app)
    assert len(routes) > 10  # the rules were read
    assert sorted(routes - _described(app)) == []


def test_the_openapi_document_lists_no_route_that_does_not_exist(app):
    assert sorted(_described(app) - _routes(app)) == []
