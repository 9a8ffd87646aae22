"""Letters remember the task they were made in: the drafts previewed in a notification task, and
the translated letter attached at "Attach the translated letter".

A sent letter still never changes: the triggers from 0002 are redefined so the new column, like
the others that identify the letter, is kept even by the one-way anonymisation.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LETTER_KEPT = ("id", "case_id", "kind", "status", "template_version", "generated_by_id", "generated_at",
               "sent_by_id", "sent_at", "sent_method", "translation_of_id")
MESSAGE = "a sent letter can never be changed or deleted"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("letters", sa.Column("task_id", sa.String(length=36), nullable=True))
        op.create_foreign_key(op.f("fk_letters_task_id_human_tasks"), "letters", "human_tasks", ["task_id"], ["id"])
    else:
        # Batch mode would copy the table and lose its triggers; SQLite adds a referencing column in place.
        op.execute("ALTER TABLE letters ADD COLUMN task_id VARCHAR(36) "
                   "CONSTRAINT fk_letters_task_id_human_tasks REFERENCES human_tasks (id)")
    op.create_index(op.f("ix_letters_task_id"), "letters", ["task_id"], unique=False)
    _sent_letters_keep(LETTER_KEPT + ("task_id",))


def downgrade() -> None:
    _sent_letters_keep(LETTER_KEPT)
    op.drop_index(op.f("ix_letters_task_id"), table_name="letters")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_letters_task_id_human_tasks"), "letters", type_="foreignkey")
    op.execute("ALTER TABLE letters DROP COLUMN task_id")


def _sent_letters_keep(columns: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        kept = " AND ".join(f"NEW.{c} IS NOT DISTINCT FROM OLD.{c}" for c in columns)
        op.execute(f"""
            CREATE OR REPLACE FUNCTION ubp_sent_letters_immutable() RETURNS trigger AS $$
            BEGIN
                IF OLD.status <> 'sent' THEN
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;
                END IF;
                IF TG_OP = 'UPDATE' AND OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL
                   AND {kept} THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END $$ LANGUAGE plpgsql;
        """)
        return
    kept = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    op.execute("DROP TRIGGER IF EXISTS letters_sent_no_update")
    op.execute(f"""CREATE TRIGGER letters_sent_no_update BEFORE UPDATE ON letters
        WHEN OLD.status = 'sent' AND NOT (OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL AND {kept})
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")
