"""Each running instance keeps the timers it waits on (what each is and when it falls due).

The case page and the timers page say which timer a case waits for and when it fires without loading
the workflow; ``next_timer_due`` (the soonest of them) stays the worker's indexed claim column.

Revision ID: 0020
Revises: 0071
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0020"
down_revision = "0071"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_instances") as batch:
        batch.add_column(sa.Column(
            "waiting_timers", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False, server_default="[]",
        ))


def downgrade() -> None:
    with op.batch_alter_table("process_instances") as batch:
        batch.drop_column("waiting_timers")
