"""Append-only records: sent letters never change, audit rows are never edited or removed.

The only change either table allows is the one-way redaction that data-protection retention
needs (anonymised_at / redacted_at set once), which leaves the audit chain verifiable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

AUDIT_KEPT = ("id", "instance_id", "seq", "occurred_at", "actor_id", "actor_roles", "event_type", "task_id",
              "element_id", "data_digest", "prev_hash", "hash")
LETTER_KEPT = ("id", "case_id", "kind", "status", "template_version", "generated_by_id", "generated_at",
               "sent_by_id", "sent_at", "sent_method", "translation_of_id")


def _unchanged(columns, old="OLD", new="NEW", distinct="IS NOT DISTINCT FROM"):
    return " AND ".join(f"{new}.{c} {distinct} {old}.{c}" for c in columns)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def _postgresql() -> None:
    op.execute(f"""
        CREATE FUNCTION ubp_audit_append_only() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                RAISE EXCEPTION 'audit events are append-only: rows cannot be deleted'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
               AND {_unchanged(AUDIT_KEPT)} THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'audit events are append-only: rows cannot be changed'
                USING ERRCODE = 'insufficient_privilege';
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION ubp_audit_append_only();

        CREATE FUNCTION ubp_sent_letters_immutable() RETURNS trigger AS $$
        BEGIN
            IF OLD.status <> 'sent' THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END IF;
            IF TG_OP = 'UPDATE' AND OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
               AND {_unchanged(LETTER_KEPT)} THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'a sent letter can never be changed or deleted'
                USING ERRCODE = 'insufficient_privilege';
        END $$ LANGUAGE plpgsql;
        CREATE TRIGGER letters_sent_immutable BEFORE UPDATE OR DELETE ON letters
            FOR EACH ROW EXECUTE FUNCTION ubp_sent_letters_immutable();
    """)


def _sqlite() -> None:
    for statement in (
        """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only: rows cannot be deleted'); END""",
        f"""CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
           WHEN NOT (OLD.redacted_at IS NULL AND NEW.redacted_at IS NOT NULL
                     AND {_unchanged(AUDIT_KEPT, distinct="IS")})
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only: rows cannot be changed'); END""",
        """CREATE TRIGGER letters_sent_no_delete BEFORE DELETE ON letters WHEN OLD.status = 'sent'
           BEGIN SELECT RAISE(ABORT, 'a sent letter can never be changed or deleted'); END""",
        f"""CREATE TRIGGER letters_sent_no_update BEFORE UPDATE ON letters
           WHEN OLD.status = 'sent' AND NOT (OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
                AND {_unchanged(LETTER_KEPT, distinct="IS")})
           BEGIN SELECT RAISE(ABORT, 'a sent letter can never be changed or deleted'); END""",
    ):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS ubp_audit_append_only()")
        op.execute("DROP TRIGGER IF EXISTS letters_sent_immutable ON letters")
        op.execute("DROP FUNCTION IF EXISTS ubp_sent_letters_immutable()")
    else:
        for name in ("audit_events_no_delete", "audit_events_no_update", "letters_sent_no_delete",
                     "letters_sent_no_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
