"""Staff accounts that can be administered: session epochs, lockout, last sign-in, deactivation,
single sign-on identifiers, the account audit trail and one-time password reset links.

Revision ID: 0040
Revises: 0050
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

import service.models.base

revision = "0040"
down_revision = "0050"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(astext_type=sa.Text()), "postgresql")
_WHEN = service.models.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: batch mode would copy the SQLite table for nothing.
    op.add_column("users", sa.Column("email", sa.String(length=320), nullable=False, server_default=""))
    op.add_column("users", sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("locked_until", _WHEN, nullable=True))
    op.add_column("users", sa.Column("last_sign_in_at", _WHEN, nullable=True))
    op.add_column("users", sa.Column("deactivated_at", _WHEN, nullable=True))
    op.add_column("users", sa.Column("external_id", sa.String(length=200), nullable=True))
    op.create_index("ix_users_external_id", "users", ["external_id"], unique=True)
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("detail", _JSON, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_account_events_user_id_users")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_account_events_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_events")),
    )
    op.create_index("ix_account_events_user", "account_events", ["user_id", "at"])
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False),
        sa.Column("used_at", _WHEN, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_password_resets_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_resets_token_hash")),
    )
    op.create_index(op.f("ix_password_resets_user_id"), "password_resets", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_password_resets_user_id"), table_name="password_resets")
    op.drop_table("password_resets")
    op.drop_index("ix_account_events_user", table_name="account_events")
    op.drop_table("account_events")
    op.drop_index("ix_users_external_id", table_name="users")
    for column in ("external_id", "deactivated_at", "last_sign_in_at", "locked_until", "failed_sign_ins",
                   "session_epoch", "email"):
        op.drop_column("users", column)
