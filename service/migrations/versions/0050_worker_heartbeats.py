"""Worker heartbeats: each background process records when it last finished a round of work.

/health/ready, the worker's own health check and the worker-lag metric read this table.

Revision ID: 0050
Revises: 0021
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import service.models.base

revision = "0050"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("hostname", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("beat_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                  nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_worker_heartbeats")),
    )
    op.create_index(op.f("ix_worker_heartbeats_kind"), "worker_heartbeats", ["kind"])


def downgrade() -> None:
    op.drop_index(op.f("ix_worker_heartbeats_kind"), table_name="worker_heartbeats")
    op.drop_table("worker_heartbeats")
