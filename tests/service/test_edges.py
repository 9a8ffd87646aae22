"""Edges of every route on both databases: ids beyond the integer columns are 404 (never 500), and a
405 says which methods the address takes."""

from __future__ import annotations

import re

from tests.service.conftest import sign_in

HUGE = "99999999999999999999"


def _int_routes(app):
    for rule in app.url_map.iter_rules():
        if "int" in {type(c).__name__ for c in rule._converters.values()} or re.search(r"<int:", rule.rule):
            yield rule


def test_ids_beyond_the_integer_columns_are_not_found(app, client):
    sign_in(client, "adam")
    rules = list(_int_routes(app))
    assert rules, "no route takes an integer id"
    for rule in rules:
        path = re.sub(r"<int:[^>]+>", HUGE, re.sub(r"<(?:string:)?[a-z_]+>", "x", rule.rule))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = client.open(path, method=method)
            # A POST may meet the CSRF check, or a sibling rule for another method, before the id.
            expected = {404} if method == "GET" else {400, 404, 405}
            assert answer.status_code in expected, (rule.rule, method, answer.status_code)


def test_a_wrong_method_answers_405_with_allow(client):
    answer = client.delete("/sign-in")
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}
    api = client.put("/api/v1/cases", headers={"Authorization": "Bearer x"})
    assert api.status_code == 405 and "GET" in api.headers["Allow"]
    assert api.json["error"]["status"] == 405
