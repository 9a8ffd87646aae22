"""Redeploying an earlier version's content makes it current again; versions keep the processes they call.

A version's content hash was unique per process, so deploying the content of version 1 after version 2
answered "unchanged" and left version 2 current: rolling back was impossible. Now only the latest
version's hash counts as "unchanged"; the hash stays indexed for that lookup.

``called_processes`` keeps the BPMN of the deployed processes a version's call activities call, as
bound when it was deployed, so a later deploy of the called process does not change running cases;
``decision_tables`` the DMN files deployed with it for its business rule tasks.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_versions") as batch:
        batch.drop_constraint("uq_process_versions_process_id_content_hash", type_="unique")
        batch.create_index("ix_process_versions_process_id_content_hash", ["process_id", "content_hash"])
        batch.add_column(sa.Column("called_processes", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("decision_tables", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("process_versions") as batch:
        batch.drop_column("decision_tables")
        batch.drop_column("called_processes")
        batch.drop_index("ix_process_versions_process_id_content_hash")
        batch.create_unique_constraint("uq_process_versions_process_id_content_hash", ["process_id", "content_hash"])
