"""Groups are data: groups, their members, and tasks offered to named people.

The policy's three staff roles become the first groups (same names), so diagrams naming
``caseworker`` or ``head_of_service,executive`` keep working; holding the role still makes a person a
member (see service/people/groups.py), so no account needs changing here.

Revision ID: 0060
Revises: 0042
Create Date: 2026-12-02
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import service.models.base

revision = "0060"
down_revision = "0042"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_FIRST_GROUPS = (
    ("caseworker", "Caseworkers", "Record incidents and run cases day to day."),
    ("head_of_service", "Heads of Service", "Approve formal action and hear appeals."),
    ("executive", "Executives", "Approve formal action and hear appeals."),
)


def upgrade() -> None:
    groups = op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_groups_name")),
    )
    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f("fk_group_members_group_id_groups")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_group_members_user_id_users")),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_group_members_added_by_id_users")),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_group_members")),
    )
    op.create_index("ix_group_members_user", "group_members", ["user_id", "group_id"])
    op.create_table(
        "human_task_users",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["human_tasks.id"], name=op.f("fk_human_task_users_task_id_human_tasks")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_human_task_users_user_id_users")),
        sa.PrimaryKeyConstraint("task_id", "user_id", name=op.f("pk_human_task_users")),
    )
    op.create_index("ix_human_task_users_user", "human_task_users", ["user_id", "task_id"])
    with op.batch_alter_table("human_tasks") as batch_op:
        batch_op.add_column(sa.Column("candidate_users", _JSON, nullable=False, server_default="[]"))
    now = datetime.now(UTC)
    op.bulk_insert(groups, [{"name": n, "label": label, "description": d, "created_at": now}
                            for n, label, d in _FIRST_GROUPS])


def downgrade() -> None:
    with op.batch_alter_table("human_tasks") as batch_op:
        batch_op.drop_column("candidate_users")
    op.drop_index("ix_human_task_users_user", table_name="human_task_users")
    op.drop_table("human_task_users")
    op.drop_index("ix_group_members_user", table_name="group_members")
    op.drop_table("group_members")
    op.drop_table("groups")
