"""ubp backup / ubp restore: a database with cases comes back whole in a new database and its audit log
verifies there, against the anchors exported beside the backup; an edited backup is caught."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from service.app import create_app
from service.backup import BackupError, restore
from service.config import Settings
from service.history.anchors import write_anchor
from service.models import AuditAnchor, AuditEvent, Case
from service.runtime import build_runtime
from tests.fresh_database import fresh_database
from tests.service.audit_cases import appeal, open_case, restriction_case


@pytest.fixture
def cases_with_anchors(runtime, policy, people):
    journey = restriction_case(runtime, people)
    appeal(runtime, people, journey)
    open_case(runtime, people["casey"], "SH-000777")
    runtime.clock.advance(hours=1)
    write_anchor(runtime.casework, runtime.clock.now())
    open_case(runtime, people["cora"], "SH-000778")
    runtime.clock.advance(hours=1)
    write_anchor(runtime.casework, runtime.clock.now())
    return runtime


def _counts(db) -> tuple[int, int, int]:
    with db.reading() as session:
        return (session.scalar(select(func.count()).select_from(Case)),
                session.scalar(select(func.count()).select_from(AuditEvent)),
                session.scalar(select(func.count()).select_from(AuditAnchor)))


def _cli_for(url: str):
    runtime = build_runtime(Settings(environment="testing", database_url=url, secret_key="k" * 40,
                                     secure_cookies=False))
    return runtime, create_app(runtime.settings, runtime).test_cli_runner()


def test_backup_restores_into_a_new_database_and_verifies(app, cases_with_anchors, backend, tmp_path,
                                                          request) -> None:
    runtime = cases_with_anchors
    backup_file = tmp_path / "ubp.backup"
    made = app.test_cli_runner().invoke(args=["backup", str(backup_file)])
    assert made.exit_code == 0, made.output
    anchors_file = tmp_path / "ubp.backup.anchors.json"
    assert [a["seq"] for a in json.loads(anchors_file.read_text())["anchors"]] == [1, 2]
    again = app.test_cli_runner().invoke(args=["backup", str(backup_file)])
    assert again.exit_code != 0 and "already exists" in again.output

    with fresh_database(backend, tmp_path, request.config) as new_url:
        restored_runtime, cli = _cli_for(new_url)
        try:
            result = cli.invoke(args=["restore", str(backup_file)])
            assert result.exit_code == 0, result.output
            assert cli.invoke(args=["migrate"]).exit_code == 0
            assert _counts(restored_runtime.db) == _counts(runtime.db)
            verified = cli.invoke(args=["verify-audit", "--anchors", str(anchors_file)])
            assert verified.exit_code == 0, verified.output
            assert "The audit log is intact." in verified.output
            # A restore never writes over a database in use.
            refused = cli.invoke(args=["restore", str(backup_file)])
            assert refused.exit_code != 0 and "restore only into a new, empty database" in refused.output
        finally:
            restored_runtime.db.dispose()


def test_a_backup_cut_back_to_before_the_latest_anchor_is_caught(app, cases_with_anchors, backend, tmp_path,
                                                                 request) -> None:
    backup_file = tmp_path / "ubp.backup"
    assert app.test_cli_runner().invoke(args=["backup", str(backup_file)]).exit_code == 0
    anchors_file = tmp_path / "ubp.backup.anchors.json"

    with fresh_database(backend, tmp_path, request.config) as new_url:
        restored_runtime, cli = _cli_for(new_url)
        try:
            restore(backup_file, new_url)
            _drop_latest_anchor(restored_runtime.db)
            # On its own, the database still looks consistent: the cut left no broken link.
            assert cli.invoke(args=["verify-audit"]).exit_code == 0
            caught = cli.invoke(args=["verify-audit", "--anchors", str(anchors_file)])
            assert caught.exit_code != 0
            assert "anchor 2 (exported " in caught.output and "is missing from the database" in caught.output
        finally:
            restored_runtime.db.dispose()


def test_restore_refuses_a_missing_file(tmp_path) -> None:
    with pytest.raises(BackupError, match="There is no backup at"):
        restore(tmp_path / "nothing.backup", f"sqlite:///{tmp_path / 'new.sqlite3'}")


def test_an_anchor_file_from_elsewhere_is_refused(app, runtime, tmp_path) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"anchors": []}))
    result = app.test_cli_runner().invoke(args=["verify-audit", "--anchors", str(wrong)])
    assert result.exit_code != 0 and "not an anchor export" in result.output


def _drop_latest_anchor(db) -> None:
    """What an edit of the backup could do: remove the latest anchor (the append-only guards are the
    database's, so an edited dump simply has no such row)."""
    with db.engine.begin() as connection:
        if db.is_postgres:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for name in ("audit_anchors_no_delete", "audit_anchor_heads_no_delete"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        latest = connection.scalar(text("SELECT max(id) FROM audit_anchors"))
        connection.execute(text("DELETE FROM audit_anchor_heads WHERE anchor_id = :id"), {"id": latest})
        connection.execute(text("DELETE FROM audit_anchors WHERE id = :id"), {"id": latest})


