"""Conventions every route keeps: it declares who may use it, and its URL is kebab-case."""

from __future__ import annotations

import re

import pytest

from service.app import create_app
from service.config import Settings

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z]+)?$")  # a file name may end in .json
CONVERTER = re.compile(r"^<[^>]+>$")


@pytest.fixture(scope="module")
def app():
    settings = Settings(environment="testing", database_url="sqlite://", secret_key="meta-test", secure_cookies=False)
    return create_app(settings)


def test_every_route_declares_its_permission(app):
    undeclared = [
        rule.rule for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not getattr(app.view_functions[rule.endpoint], "permission", None)
    ]
    assert undeclared == []


def test_every_url_is_kebab_case(app):
    bad = [
        rule.rule for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        # Camunda 7's own URLs (fetchAndLock, bpmnError) are kept as its clients call them.
        and not rule.rule.startswith("/engine-rest/")
        and not all(KEBAB.match(part) or CONVERTER.match(part) for part in rule.rule.strip("/").split("/") if part)
    ]
    assert bad == []


def test_the_staff_pages_are_registered_with_the_permissions_the_policy_needs(app):
    permissions = {rule.endpoint: app.view_functions[rule.endpoint].permission for rule in app.url_map.iter_rules()
                   if rule.endpoint != "static"}
    assert permissions["policy_cases.record_incident"] == ("caseworker",)
    # Managing work is the platform's own permission; the policy's pack gives it to its deciders' groups.
    assert permissions["inbox.reassign"] == permissions["inbox.overdue"] == ("work_manager",)
    assert "auditor" not in permissions["inbox.claim"]
    assert "auditor" in permissions["cases.case"] and "auditor" in permissions["customers.customer"]
