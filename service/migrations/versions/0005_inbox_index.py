"""An index in the inbox's order: open tasks, soonest due first, so a page never sorts them all.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_human_tasks_open_by_due", "human_tasks", ["status", "due_at", "created_at", "id"])
    # A person's own tasks in the same order.
    op.drop_index("ix_human_tasks_assignee_open", table_name="human_tasks")
    op.create_index("ix_human_tasks_assignee_open", "human_tasks",
                    ["assignee_id", "status", "due_at", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_human_tasks_assignee_open", table_name="human_tasks")
    op.create_index("ix_human_tasks_assignee_open", "human_tasks", ["assignee_id", "status", "due_at"])
    op.drop_index("ix_human_tasks_open_by_due", table_name="human_tasks")
