"""Audit anchors: the case heads each anchor covers, append-only like the audit log itself.

An anchor records a digest over every case chain's head. Keeping the heads that changed since the
previous anchor (a row each) lets verification prove each anchored head is still in its case
chain, so removing or rewriting a whole case chain is caught. Anchors and their heads are never
changed or removed (triggers, for everyone); the access log gets indexes for the auditor's filters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_anchors", "audit_anchor_heads")


def upgrade() -> None:
    op.create_table(
        "audit_anchor_heads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("anchor_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["anchor_id"], ["audit_anchors.id"],
                                name=op.f("fk_audit_anchor_heads_anchor_id_audit_anchors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchor_heads")),
        sa.UniqueConstraint("instance_id", "seq", name=op.f("uq_audit_anchor_heads_instance_id_seq")),
    )
    with op.batch_alter_table("audit_anchor_heads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_anchor_heads_anchor_id"), ["anchor_id"], unique=False)
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index("ix_access_log_at", ["at"], unique=False)
        batch_op.create_index("ix_access_log_user", ["user_id", "at"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _postgresql_triggers() -> None:
    op.execute("""
        CREATE FUNCTION ubp_anchors_append_only() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION 'audit anchors are append-only: rows cannot be changed or deleted'
                USING ERRCODE = 'insufficient_privilege';
        END $$ LANGUAGE plpgsql;
    """)
    for table in APPEND_ONLY:
        op.execute(f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION ubp_anchors_append_only()
        """)


def _sqlite_triggers() -> None:
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            op.execute(f"""
                CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}
                BEGIN SELECT RAISE(ABORT, 'audit anchors are append-only: rows cannot be changed or deleted'); END
            """)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS ubp_anchors_append_only()")
    else:
        for table in APPEND_ONLY:
            for operation in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_user")
        batch_op.drop_index("ix_access_log_at")
    with op.batch_alter_table("audit_anchor_heads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_anchor_heads_anchor_id"))
    op.drop_table("audit_anchor_heads")
