"""Which customer a case is about is the policy pack's record, not a column of the platform's cases.

``cases.customer_id`` becomes the pack's ``case_customers`` table (one row per policy case); cases of
processes without customers simply have no row. The rows are copied before the column goes.

Revision ID: 0096
Revises: 0095
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0096"
down_revision = "0095"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_customers",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_customers_case_id_cases")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_case_customers_customer_id_customers")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_customers")),
    )
    op.create_index(op.f("ix_case_customers_customer_id"), "case_customers", ["customer_id"], unique=False)
    op.execute("INSERT INTO case_customers (case_id, customer_id) "
               "SELECT id, customer_id FROM cases WHERE customer_id IS NOT NULL")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_customer")
        batch_op.drop_constraint("fk_cases_customer_id_customers", type_="foreignkey")
        batch_op.drop_column("customer_id")


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("customer_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_cases_customer_id_customers", "customers", ["customer_id"], ["id"])
        batch_op.create_index("ix_cases_customer", ["customer_id", "status"], unique=False)
    op.execute("UPDATE cases SET customer_id = (SELECT customer_id FROM case_customers "
               "WHERE case_customers.case_id = cases.id)")
    op.drop_index(op.f("ix_case_customers_customer_id"), table_name="case_customers")
    op.drop_table("case_customers")
