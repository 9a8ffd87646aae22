"""Customers' contact details, outcomes in full, and files of evidence on a case's notes.

A customer gets an email address and a preferred way of receiving letters beside their correspondence
address; a case's outcome holds a sentence, not a label cut at 60 characters; a note can carry files
(kept in the database with their SHA-256, like letters).

Revision ID: 0095
Revises: 0061
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

import service.models.base

revision = "0095"
down_revision = "0075"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("preferred_channel", sa.String(length=20), nullable=False, server_default=""))
    with op.batch_alter_table("cases") as batch_op:
        batch_op.alter_column("outcome", existing_type=sa.String(length=60), type_=sa.String(length=200))
    op.create_table(
        "case_note_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["note_id"], ["case_notes.id"], name=op.f("fk_case_note_files_note_id_case_notes")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_note_files_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_note_files")),
    )
    op.create_index(op.f("ix_case_note_files_note_id"), "case_note_files", ["note_id"])
    op.create_index(op.f("ix_case_note_files_case_id"), "case_note_files", ["case_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_case_note_files_case_id"), table_name="case_note_files")
    op.drop_index(op.f("ix_case_note_files_note_id"), table_name="case_note_files")
    op.drop_table("case_note_files")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.alter_column("outcome", existing_type=sa.String(length=200), type_=sa.String(length=60))
    with op.batch_alter_table("customers") as batch_op:
        batch_op.drop_column("preferred_channel")
        batch_op.drop_column("email")
