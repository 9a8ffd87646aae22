"""Platform incidents: what a running case could not do (a timer that cannot fire, a worker that gave up).

Revision ID: 0070
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import service.models.base

revision = "0070"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = "status = 'open'"


def upgrade() -> None:
    op.create_table(
        "process_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("details", service.models.base.JsonDocument, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("opened_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_process_incidents_instance_id_process_instances")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_process_incidents_case_id_cases")),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"],
                                name=op.f("fk_process_incidents_resolved_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_incidents")),
    )
    op.create_index(op.f("ix_process_incidents_instance_id"), "process_incidents", ["instance_id"])
    op.create_index("ix_process_incidents_status_opened", "process_incidents", ["status", "opened_at", "id"])
    op.create_index("uq_process_incidents_open", "process_incidents", ["instance_id", "kind", "element_id"],
                    unique=True, postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("uq_process_incidents_open", table_name="process_incidents")
    op.drop_index("ix_process_incidents_status_opened", table_name="process_incidents")
    op.drop_index(op.f("ix_process_incidents_instance_id"), table_name="process_incidents")
    op.drop_table("process_incidents")
