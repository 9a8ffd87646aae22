"""The application's PostgreSQL role can run the service but never UPDATE or DELETE audit rows."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from psycopg import errors
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from service.cases.cases import complete_task
from service.history.anchors import write_anchor
from service.history.audit_verify import verify_all
from service.runtime import build_runtime
from service.tasks.inbox_actions import claim
from tests.service.conftest import deploy_fixture
from tests.service.views.conftest import open_task, start_case

PASSWORD = "app-role-test-password"


@pytest.fixture
def app_role(runtime):
    name = f"ubp_app_{uuid.uuid4().hex[:8]}"
    with runtime.db.engine.begin() as connection:
        connection.execute(text(f"CREATE ROLE {name} LOGIN PASSWORD '{PASSWORD}'"))
    yield name
    with runtime.db.engine.begin() as connection:
        connection.execute(text(f"DROP OWNED BY {name}"))
        connection.execute(text(f"DROP ROLE {name}"))


@pytest.fixture
def as_app_role(runtime, app_role):
    """A runtime connected as the throwaway role, as the deployed service would be."""
    url = make_url(runtime.settings.database_url).set(username=app_role, password=PASSWORD)
    settings = dataclasses.replace(runtime.settings, database_url=url.render_as_string(hide_password=False))
    connected = build_runtime(settings, runtime.clock)
    yield connected
    connected.db.dispose()


def _grant(app, role: str, *options: str) -> None:
    result = app.test_cli_runner().invoke(args=["grant-app-role", role, *options])
    assert result.exit_code == 0, result.output
    assert "SELECT and INSERT only on the audit tables" in result.output


def _refused(runtime, statement: str) -> str:
    with pytest.raises(DBAPIError) as refused, runtime.db.engine.begin() as connection:
        connection.execute(text(statement))
    assert isinstance(refused.value.orig, errors.InsufficientPrivilege)
    return str(refused.value.orig)


@pytest.mark.postgres_only
def test_the_app_role_runs_the_service_but_cannot_alter_the_audit_log(app, runtime, people, app_role, as_app_role):
    deploy_fixture(runtime, "three_tasks.bpmn")
    _grant(app, app_role)
    reference = start_case(as_app_role, people["casey"])
    task = open_task(as_app_role, reference)
    claim(as_app_role.casework, people["casey"], task.id)
    complete_task(as_app_role.casework, people["casey"], task.id, {"note": "done as the app role"})
    assert write_anchor(as_app_role.casework, as_app_role.clock.now()).case_count == 1
    with as_app_role.db.reading() as session:
        assert verify_all(session).intact

    for statement in ("UPDATE audit_events SET event_type = 'x'", "DELETE FROM audit_events",
                      "UPDATE audit_events SET data = '{}', redacted_at = now()",
                      "UPDATE audit_anchors SET case_count = 0", "DELETE FROM audit_anchor_heads",
                      "TRUNCATE audit_events"):
        # A privilege error, not the trigger's: the role may not even try.
        assert "permission denied for table audit_" in _refused(as_app_role, statement), statement
    with pytest.raises(DBAPIError), as_app_role.db.engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))  # no way round the triggers


@pytest.mark.postgres_only
def test_redaction_can_be_allowed_and_is_still_policed_by_the_triggers(app, runtime, people, app_role, as_app_role):
    deploy_fixture(runtime, "three_tasks.bpmn")
    start_case(runtime, people["casey"])
    _grant(app, app_role, "--allow-redaction")
    assert "permission denied" in _refused(as_app_role, "UPDATE audit_events SET event_type = 'x'")
    with pytest.raises(DBAPIError) as trigger, as_app_role.db.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET data = '{}'"))  # not a redaction
    assert "append-only" in str(trigger.value.orig)
    with as_app_role.db.engine.begin() as connection:
        redacted = connection.execute(text("UPDATE audit_events SET data = '{}', redacted_at = now() WHERE seq = 1"))
    assert redacted.rowcount == 1
    _grant(app, app_role)  # granted again without it: redaction is withdrawn
    assert "permission denied" in _refused(as_app_role, "UPDATE audit_events SET data = '{}', redacted_at = now()")


def test_granting_needs_postgresql_and_an_existing_role(app, runtime):
    result = app.test_cli_runner().invoke(args=["grant-app-role", "ubp_app"])
    assert result.exit_code == 1
    if runtime.db.is_postgres:
        assert "There is no role called 'ubp_app'" in result.output
    else:
        assert "Only PostgreSQL has roles" in result.output
    bad = app.test_cli_runner().invoke(args=["grant-app-role", "app; DROP TABLE cases"])
    assert bad.exit_code == 1
