"""A business key chosen by the caller who starts a case over Camunda's API (the reference otherwise).

Revision ID: 0075
Revises: 0061
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0075"
down_revision = "0061"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_instances") as batch_op:
        batch_op.add_column(sa.Column("chosen_business_key", sa.String(length=255), nullable=True))
        batch_op.create_index("ix_process_instances_chosen_business_key", ["chosen_business_key"])


def downgrade() -> None:
    with op.batch_alter_table("process_instances") as batch_op:
        batch_op.drop_index("ix_process_instances_chosen_business_key")
        batch_op.drop_column("chosen_business_key")
