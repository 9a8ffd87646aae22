"""The notification outbox, its deliveries and each person's choices; a named owner on every case.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import service.models.base

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_WHEN = service.models.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.add_column("cases", sa.Column("owner_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_cases_owner_id_users"), "cases", "users", ["owner_id"], ["id"])
    else:
        # Batch mode would copy the table; SQLite adds a referencing column in place.
        op.execute("ALTER TABLE cases ADD COLUMN owner_id INTEGER CONSTRAINT fk_cases_owner_id_users "
                   "REFERENCES users (id)")
    op.execute("UPDATE cases SET owner_id = opened_by_id")
    op.create_index(op.f("ix_cases_owner_id"), "cases", ["owner_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("groups", _JSON, nullable=False),
        sa.Column("detail", _JSON, nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("expanded_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_notifications_case_id_cases")),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name=op.f("fk_notifications_recipient_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_notifications_dedupe_key")),
    )
    op.create_index("ix_notifications_unexpanded", "notifications", ["id"],
                    postgresql_where=sa.text("expanded_at IS NULL"), sqlite_where=sa.text("expanded_at IS NULL"))
    op.create_table(
        "notification_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_at", _WHEN, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("claimed_at", _WHEN, nullable=True),
        sa.Column("sent_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"],
                                name=op.f("fk_notification_deliveries_notification_id_notifications")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notification_deliveries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_deliveries")),
    )
    op.create_index(op.f("ix_notification_deliveries_notification_id"), "notification_deliveries",
                    ["notification_id"])
    op.create_index("ix_notification_deliveries_waiting", "notification_deliveries", ["status", "due_at"])
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kinds", _JSON, nullable=False),
        sa.Column("group_tasks", sa.String(length=20), nullable=False),
        sa.Column("digest_time", sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notification_settings_user_id_users")),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )


def downgrade() -> None:
    op.drop_table("notification_settings")
    op.drop_index("ix_notification_deliveries_waiting", table_name="notification_deliveries")
    op.drop_index(op.f("ix_notification_deliveries_notification_id"), table_name="notification_deliveries")
    op.drop_table("notification_deliveries")
    op.drop_index("ix_notifications_unexpanded", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_cases_owner_id"), table_name="cases")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f("fk_cases_owner_id_users"), "cases", type_="foreignkey")
    op.drop_column("cases", "owner_id")
