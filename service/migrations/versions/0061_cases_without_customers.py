"""A case has a customer only when its process's pack uses customers.

Cases of a process with no pack (an ASB report, say) have none; before, every case made a customer
record, empty ones included.

Revision ID: 0061
Revises: 0060
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0061"
down_revision = "0060"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
