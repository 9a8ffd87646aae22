"""Worker heartbeats: when each timer worker last made progress.

Revision ID: 0030
Revises: 0021
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import service.models.base

revision = "0030"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("progressed_at", service.models.base.UtcDateTime(), nullable=False),
        sa.Column("timers_handled", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_heartbeats")),
    )


def downgrade() -> None:
    op.drop_table("worker_heartbeats")
