"""Bulk rows for the read-path and timer benchmarks, written with set-based SQL (seconds, not hours).

The inbox only ever reads task, case and customer rows, so the seeded instances carry an empty
state; the timer instances are clones of one real instance waiting on its end date.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, text

from service.db import Database
from service.models import ProcessInstance

_SERIES = {
    "postgresql": "SELECT g AS n FROM generate_series(1, :count) AS g",
    "sqlite": "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :count) SELECT n FROM s",
}


def _no_step_timeouts(db: Database, connection) -> None:
    """Seeding 100,000 cases in one statement is not a request: lift the service's statement timeout
    for this transaction (LOCAL: the pooled connection keeps the service's own afterwards)."""
    if db.is_postgres:
        connection.execute(text("SET LOCAL statement_timeout = 0"))


def _series(db: Database) -> str:
    return _SERIES["postgresql" if db.is_postgres else "sqlite"]


def _uuid(db: Database, expression: str) -> str:
    """A task id that looks like a UUID and is unique per seeded row."""
    if db.is_postgres:
        return f"md5({expression}::text)::uuid::text"
    return f"printf('%08x-0000-4000-8000-%012x', {expression} / 1000000, {expression})"


def seed_inbox(db: Database, *, cases: int, completed_per_case: int, version_id: int, assignee_id: int) -> None:
    now = "CURRENT_TIMESTAMP"
    series = _series(db)
    with db.engine.begin() as connection:
        _no_step_timeouts(db, connection)
        connection.execute(text(f"""
            INSERT INTO customers (reference, name, address, contact_notes, created_at)
            SELECT 'SEED-' || n, 'Seeded Customer ' || n, '[]', '', {now} FROM ({series}) AS s"""), {"count": cases})
        connection.execute(text(f"""
            INSERT INTO process_instances (business_key, process_version_id, status, state, lock_version,
                waiting_elements, audit_seq, audit_head, timer_attempts, created_at, updated_at)
            SELECT 'UB-2020-' || n, :version, 'running', '{{}}', 1, '["Task_AssessIncident"]', 0, '', 0, {now}, {now}
            FROM ({series}) AS s"""), {"count": cases, "version": version_id})
        connection.execute(text(f"""
            INSERT INTO cases (reference, instance_id, status, stage, opened_at, legal_hold)
            SELECT p.business_key, p.id, 'open', 'Assess the incident', {now}, false
            FROM process_instances p WHERE p.business_key LIKE 'UB-2020-%'"""))
        connection.execute(text("""
            INSERT INTO case_customers (case_id, customer_id)
            SELECT k.id, c.id FROM cases k JOIN customers c ON c.reference = 'SEED-' || substr(k.reference, 9)
            WHERE k.reference LIKE 'UB-2020-%'"""))
        open_id = _uuid(db, "c.id")
        connection.execute(text(f"""
            INSERT INTO human_tasks (id, instance_id, case_id, element_id, name, lane, form_key, candidate_groups,
                status, assignee_id, due_at, created_at)
            SELECT {open_id}, c.instance_id, c.id, 'Task_AssessIncident', 'Assess the incident', 'Caseworker',
                   'assess_incident', '["caseworker"]', 'open',
                   CASE WHEN c.id % 50 = 0 THEN :assignee ELSE NULL END, {now}, {now}
            FROM cases c WHERE c.reference LIKE 'UB-2020-%'"""), {"assignee": assignee_id})
        connection.execute(text("""
            INSERT INTO human_task_groups (task_id, group_name)
            SELECT id, 'caseworker' FROM human_tasks WHERE status = 'open' AND element_id = 'Task_AssessIncident'
              AND case_id IN (SELECT id FROM cases WHERE reference LIKE 'UB-2020-%')"""))
        done_id = _uuid(db, "(c.id * 100 + k.n + 1000000000)")
        connection.execute(text(f"""
            INSERT INTO human_tasks (id, instance_id, case_id, element_id, name, lane, form_key, candidate_groups,
                status, assignee_id, due_at, created_at, completed_at, completed_by_id, data)
            SELECT {done_id}, c.instance_id, c.id, 'Task_Earlier', 'An earlier step', 'Caseworker', 'bench_note',
                   '["caseworker"]', 'completed', :assignee, {now}, {now}, {now}, :assignee, '{{"note": "done"}}'
            FROM cases c CROSS JOIN ({series}) AS k
            WHERE c.reference LIKE 'UB-2020-%'"""), {"count": completed_per_case, "assignee": assignee_id})
    if db.is_postgres:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SET statement_timeout = 0"))  # VACUUM cannot run in a transaction
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("RESET statement_timeout"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


def clone_waiting_instances(db: Database, template_instance_id: int, count: int, prefix: str, due: datetime) -> None:
    """``count`` copies of one instance waiting on a timer (and its case), due at ``due``, in one transaction."""
    series = _series(db)
    with db.engine.begin() as connection:
        _no_step_timeouts(db, connection)
        connection.execute(text(f"""
            INSERT INTO process_instances (business_key, process_version_id, status, state, lock_version,
                next_timer_due, waiting_elements, audit_seq, audit_head, timer_attempts, created_at, updated_at)
            SELECT :prefix || n, t.process_version_id, 'running', t.state, 1, :due, t.waiting_elements,
                   0, '', 0, t.created_at, t.updated_at
            FROM ({series}) AS s CROSS JOIN process_instances t WHERE t.id = :template""").bindparams(
                bindparam("due", type_=ProcessInstance.__table__.c.next_timer_due.type)),
            {"count": count, "template": template_instance_id, "prefix": prefix, "due": due})
        connection.execute(text("""
            INSERT INTO cases (reference, instance_id, status, stage, opened_at, legal_hold)
            SELECT p.business_key, p.id, 'open', t.stage, t.opened_at, false
            FROM process_instances p CROSS JOIN cases t
            WHERE p.business_key LIKE :pattern AND t.instance_id = :template"""),
            {"pattern": f"{prefix}%", "template": template_instance_id})
        connection.execute(text("""
            INSERT INTO case_customers (case_id, customer_id)
            SELECT k.id, l.customer_id FROM cases k CROSS JOIN cases t JOIN case_customers l ON l.case_id = t.id
            WHERE k.reference LIKE :pattern AND t.instance_id = :template"""),
            {"pattern": f"{prefix}%", "template": template_instance_id})
