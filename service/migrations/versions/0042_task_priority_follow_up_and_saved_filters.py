"""Tasks keep camunda:priority and a follow-up date (from camunda:followUpDate, or snoozed to by
their holder); each person can save inbox filters.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import service.models.base

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_WHEN = service.models.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.add_column("human_tasks", sa.Column("priority", sa.Integer(), nullable=False, server_default="50"))
    op.add_column("human_tasks", sa.Column("follow_up_at", _WHEN, nullable=True))
    op.create_table(
        "saved_inbox_filters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", _JSON, nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_saved_inbox_filters_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_inbox_filters")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_inbox_filters_user_id_name")),
    )


def downgrade() -> None:
    op.drop_table("saved_inbox_filters")
    op.drop_column("human_tasks", "follow_up_at")
    op.drop_column("human_tasks", "priority")
