"""Altering the database as an attacker with direct access would: the append-only triggers bypassed."""

from __future__ import annotations

from sqlalchemy import text

from service.dao.audit_dao import event_hash, hashed_fields
from service.models import AuditEvent, Case, ProcessInstance

_SQLITE_TRIGGERS = (
    "audit_events_no_update", "audit_events_no_delete", "letters_sent_no_update", "letters_sent_no_delete",
    "audit_anchors_no_update", "audit_anchors_no_delete", "audit_anchor_heads_no_update",
    "audit_anchor_heads_no_delete",
)


def tamper(runtime, *statements: str | tuple[str, dict]) -> None:
    """Run ``statements`` (SQL, or (SQL, parameters)) in one transaction with the triggers (and on
    PostgreSQL the foreign keys) off."""
    with runtime.db.engine.begin() as connection:
        if runtime.db.is_postgres:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for trigger in _SQLITE_TRIGGERS:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
            connection.execute(text("PRAGMA defer_foreign_keys = ON"))
        for statement in statements:
            sql, parameters = statement if isinstance(statement, tuple) else (statement, {})
            connection.execute(text(sql), parameters)


def ids_of(runtime, reference: str) -> tuple[int, int]:
    """(case id, instance id)."""
    with runtime.db.reading() as session:
        case = session.query(Case).filter(Case.reference == reference).one()
        return case.id, case.instance_id


def delete_case_entirely(runtime, reference: str) -> None:
    case_id, instance_id = ids_of(runtime, reference)
    tasks = f"SELECT id FROM human_tasks WHERE case_id = {case_id}"
    tamper(
        runtime,
        f"DELETE FROM human_task_groups WHERE task_id IN ({tasks})",
        f"DELETE FROM task_reassignments WHERE task_id IN ({tasks})",
        "DELETE FROM notification_deliveries WHERE notification_id IN "
        f"(SELECT id FROM notifications WHERE case_id = {case_id})",
        *(f"DELETE FROM {table} WHERE case_id = {case_id}" for table in (
            "notifications", "human_tasks", "case_actors", "case_notes", "incidents", "adjustments", "restrictions",
            "letters", "case_customers")),
        f"DELETE FROM cases WHERE id = {case_id}",
        f"DELETE FROM audit_events WHERE instance_id = {instance_id}",
        f"DELETE FROM process_instances WHERE id = {instance_id}",
    )


def rewrite_chain(runtime, reference: str, seq: int, **changes) -> None:
    """Change one event and recompute every hash after it, and the instance's head: a chain that
    verifies on its own, as a careful attacker would leave it."""
    _, instance_id = ids_of(runtime, reference)
    with runtime.db.reading() as session:
        events = session.query(AuditEvent).filter(AuditEvent.instance_id == instance_id).order_by(AuditEvent.seq).all()
        session.expunge_all()
    statements, previous = [], None
    for event in events:
        if event.seq == seq:
            for name, value in changes.items():
                setattr(event, name, value)
        if previous is not None:
            event.prev_hash = previous
        event.hash = event_hash(hashed_fields(event))
        previous = event.hash
        actor = "NULL" if event.actor_id is None else event.actor_id
        statements.append(f"UPDATE audit_events SET actor_id = {actor}, event_type = '{event.event_type}', "
                          f"prev_hash = '{event.prev_hash}', hash = '{event.hash}' WHERE id = {event.id}")
    statements.append(f"UPDATE process_instances SET audit_head = '{previous}' WHERE id = {instance_id}")
    tamper(runtime, *statements)


def instance_of(runtime, reference: str) -> ProcessInstance:
    _, instance_id = ids_of(runtime, reference)
    with runtime.db.reading() as session:
        return session.get(ProcessInstance, instance_id)
