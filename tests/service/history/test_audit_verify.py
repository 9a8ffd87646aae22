"""Tamper evidence: the audit log refuses edits, and verify finds the first broken link if one gets through."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.cases.cases import complete_task, start_case
from service.dao import tasks_dao
from service.history.audit_verify import verify_all
from tests.service.cases.test_cases import _open_task
from tests.service.conftest import deploy_fixture


@pytest.fixture
def audited_case(runtime, people):
    deploy_fixture(runtime, "three_tasks.bpmn")
    casey = people["casey"]
    reference = start_case(runtime.casework, casey, {"customer_reference": "C-9"}, process_id="three_tasks").reference
    for note in ("one", "two"):
        task = _open_task(runtime, reference)
        with runtime.db.transaction() as session:
            tasks_dao.claim(session, task.id, user_id=casey.user_id, now=runtime.clock.now())
        complete_task(runtime.casework, casey, task.id, {"note": note})
    return reference


def _tamper(runtime, statement: str) -> None:
    """Bypass the append-only triggers, as an attacker with direct database access would."""
    with runtime.db.engine.begin() as connection:
        if runtime.db.is_postgres:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(statement))
        else:
            connection.execute(text("DROP TRIGGER audit_events_no_update"))
            connection.execute(text("DROP TRIGGER audit_events_no_delete"))
            connection.execute(text(statement))


def test_an_untouched_log_verifies(runtime, audited_case):
    with runtime.db.reading() as session:
        report = verify_all(session)
    assert report.intact and report.chains == 1 and report.events >= 5


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET event_type = 'x' WHERE seq = 2",
    "DELETE FROM audit_events WHERE id = 1",
])
def test_the_database_refuses_to_edit_or_delete_audit_rows(runtime, audited_case, statement):
    with pytest.raises(DBAPIError), runtime.db.engine.begin() as connection:
        connection.execute(text(statement))


@pytest.mark.parametrize(("statement", "seq", "problem"), [
    ("UPDATE audit_events SET actor_id = NULL WHERE seq = 3", 3, "changed after it was written"),
    ("UPDATE audit_events SET data = '{}' WHERE seq = 2", 2, "data was changed"),
    ("DELETE FROM audit_events WHERE seq = 2", 2, "event 2 is missing"),
    ("DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)", None, "removed from the end"),
])
def test_verify_reports_the_first_broken_link(runtime, audited_case, statement, seq, problem):
    _tamper(runtime, statement)
    with runtime.db.reading() as session:
        report = verify_all(session)
    assert not report.intact
    link = report.broken[0]
    assert link.business_key == audited_case and problem in link.problem
    if seq is not None:
        assert link.seq == seq
