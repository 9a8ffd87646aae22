"""The inbox's indexes hold open tasks only, and PostgreSQL learns how status and assignee go together.

With a million finished tasks beside a hundred thousand open ones, indexes over every task made the
inbox's capped counts walk finished rows, and the planner (which took status and assignee to be
independent, though nearly every finished task has an assignee) chose sequential scans and hash joins
for lists that stop after 25 or 1,001 rows. Partial indexes (``WHERE status = 'open'``) stay the size
of the open work; extended statistics give the planner the real proportions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OPEN = "status = 'open'"
UNCLAIMED = "status = 'open' AND assignee_id IS NULL"


def _partial(name: str, columns: list[str], where: str) -> None:
    op.create_index(name, "human_tasks", columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def upgrade() -> None:
    op.drop_index("ix_human_tasks_open_by_due", table_name="human_tasks")
    op.drop_index("ix_human_tasks_assignee_open", table_name="human_tasks")
    _partial("ix_human_tasks_open_by_due", ["due_at", "created_at", "id"], OPEN)
    _partial("ix_human_tasks_open_by_assignee", ["assignee_id", "due_at", "created_at", "id"], OPEN)
    _partial("ix_human_tasks_unclaimed_by_due", ["due_at", "created_at", "id"], UNCLAIMED)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE STATISTICS st_human_tasks_status_assignee (dependencies, mcv) "
                   "ON status, assignee_id FROM human_tasks")
        op.execute("ANALYZE human_tasks")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP STATISTICS IF EXISTS st_human_tasks_status_assignee")
    op.drop_index("ix_human_tasks_unclaimed_by_due", table_name="human_tasks")
    op.drop_index("ix_human_tasks_open_by_assignee", table_name="human_tasks")
    op.drop_index("ix_human_tasks_open_by_due", table_name="human_tasks")
    op.create_index("ix_human_tasks_assignee_open", "human_tasks",
                    ["assignee_id", "status", "due_at", "created_at", "id"])
    op.create_index("ix_human_tasks_open_by_due", "human_tasks", ["status", "due_at", "created_at", "id"])
