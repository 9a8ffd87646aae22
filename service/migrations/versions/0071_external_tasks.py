"""External tasks: work a case waits on while a worker outside the engine does it.

Revision ID: 0071
Revises: 0070
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import service.models.base

revision = "0071"
down_revision = "0070"
branch_labels = None
depends_on = None

OPEN = "status = 'open'"


def upgrade() -> None:
    op.create_table(
        "external_tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("process_version_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("element_name", sa.String(length=300), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("worker_id", sa.String(length=255), nullable=True),
        sa.Column("lock_expires_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("retries", sa.Integer(), nullable=True),
        sa.Column("available_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_details", sa.Text(), nullable=True),
        sa.Column("local_variables", service.models.base.JsonDocument, nullable=False),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"],
                                name=op.f("fk_external_tasks_instance_id_process_instances")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_external_tasks_case_id_cases")),
        sa.ForeignKeyConstraint(["process_version_id"], ["process_versions.id"],
                                name=op.f("fk_external_tasks_process_version_id_process_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_tasks")),
    )
    op.create_index(op.f("ix_external_tasks_instance_id"), "external_tasks", ["instance_id"])
    op.create_index("ix_external_tasks_open_by_topic", "external_tasks", ["topic", "priority", "created_at"],
                    postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index("ix_external_tasks_open_by_topic", table_name="external_tasks")
    op.drop_index(op.f("ix_external_tasks_instance_id"), table_name="external_tasks")
    op.drop_table("external_tasks")
