"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import service.models.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_anchors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("case_count", sa.Integer(), nullable=False),
        sa.Column("heads_digest", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_anchors")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_anchors_seq")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "address", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("contact_notes", sa.Text(), nullable=False),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("anonymised_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("reference", name=op.f("uq_customers_reference")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_name"), ["name"], unique=False)

    op.create_table(
        "reference_counters",
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name=op.f("pk_reference_counters")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("job_title", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "roles", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("is_service_account", sa.Boolean(), nullable=False),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("subject_reference", sa.String(length=40), nullable=False),
        sa.Column("at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_access_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index("ix_access_log_subject", ["subject_kind", "subject_reference", "at"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_prefix", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("service_user_id", sa.Integer(), nullable=False),
        sa.Column(
            "roles", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_api_tokens_created_by_id_users")),
        sa.ForeignKeyConstraint(["service_user_id"], ["users.id"], name=op.f("fk_api_tokens_service_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_token_prefix"), ["token_prefix"], unique=False)

    op.create_table(
        "process_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("saved_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["saved_by_id"], ["users.id"], name=op.f("fk_process_drafts_saved_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_drafts")),
    )
    with op.batch_alter_table("process_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_process_drafts_process_id"), ["process_id"], unique=False)

    op.create_table(
        "process_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("process_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("deployed_by_id", sa.Integer(), nullable=True),
        sa.Column("deployed_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deployed_by_id"], ["users.id"], name=op.f("fk_process_versions_deployed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_versions")),
        sa.UniqueConstraint("process_id", "content_hash", name=op.f("uq_process_versions_process_id_content_hash")),
        sa.UniqueConstraint("process_id", "version", name=op.f("uq_process_versions_process_id_version")),
    )
    op.create_table(
        "process_instances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(length=40), nullable=False),
        sa.Column("process_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("next_timer_due", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "waiting_elements",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_head", sa.String(length=64), nullable=False),
        sa.Column("timer_attempts", sa.Integer(), nullable=False),
        sa.Column("timer_error", sa.Text(), nullable=True),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_version_id"],
            ["process_versions.id"],
            name=op.f("fk_process_instances_process_version_id_process_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_process_instances")),
        sa.UniqueConstraint("business_key", name=op.f("uq_process_instances_business_key")),
    )
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.create_index("ix_process_instances_next_timer_due", ["next_timer_due"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("occurred_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column(
            "actor_roles", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("event_type", sa.String(length=60), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=True),
        sa.Column(
            "data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("data_digest", sa.String(length=64), nullable=False),
        sa.Column("redacted_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instances.id"], name=op.f("fk_audit_events_instance_id_process_instances")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("instance_id", "seq", name=op.f("uq_audit_events_instance_id_seq")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=60), nullable=True),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("legal_hold_reason", sa.Text(), nullable=True),
        sa.Column("anonymised_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_cases_customer_id_customers")),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instances.id"], name=op.f("fk_cases_instance_id_process_instances")
        ),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"], name=op.f("fk_cases_opened_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("instance_id", name=op.f("uq_cases_instance_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_cases_reference")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_customer", ["customer_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_status"), ["status"], unique=False)

    op.create_table(
        "adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "letter_format",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_adjustments_case_id_cases")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_adjustments_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustments")),
    )
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adjustments_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_actors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_actors_case_id_cases")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_actors_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_actors")),
        sa.UniqueConstraint("case_id", "role", "user_id", name=op.f("uq_case_actors_case_id_role_user_id")),
    )
    op.create_table(
        "case_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence_reference", sa.String(length=300), nullable=True),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_case_notes_author_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_notes_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_notes")),
    )
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_notes_case_id"), ["case_id"], unique=False)

    op.create_table(
        "human_tasks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("lane", sa.String(length=200), nullable=True),
        sa.Column("form_key", sa.String(length=200), nullable=True),
        sa.Column(
            "candidate_groups",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("due_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_human_tasks_assignee_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_human_tasks_case_id_cases")),
        sa.ForeignKeyConstraint(["completed_by_id"], ["users.id"], name=op.f("fk_human_tasks_completed_by_id_users")),
        sa.ForeignKeyConstraint(
            ["instance_id"], ["process_instances.id"], name=op.f("fk_human_tasks_instance_id_process_instances")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_human_tasks")),
    )
    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.create_index("ix_human_tasks_assignee_open", ["assignee_id", "status", "due_at"], unique=False)
        batch_op.create_index("ix_human_tasks_instance", ["instance_id", "status"], unique=False)
        batch_op.create_index("ix_human_tasks_status_due", ["status", "due_at"], unique=False)

    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "channels", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column(
            "categories", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_incidents_case_id_cases")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_incidents_customer_id_customers")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"], name=op.f("fk_incidents_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incidents_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_incidents_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("media_type", sa.String(length=80), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("template_version", sa.String(length=40), nullable=False),
        sa.Column("rendered_from", sa.JSON(), nullable=False),
        sa.Column(
            "letter_format",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=80), nullable=True),
        sa.Column("translation_of_id", sa.Integer(), nullable=True),
        sa.Column("generated_by_id", sa.Integer(), nullable=True),
        sa.Column("generated_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("sent_method", sa.String(length=80), nullable=True),
        sa.Column("anonymised_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_letters_case_id_cases")),
        sa.ForeignKeyConstraint(["generated_by_id"], ["users.id"], name=op.f("fk_letters_generated_by_id_users")),
        sa.ForeignKeyConstraint(["sent_by_id"], ["users.id"], name=op.f("fk_letters_sent_by_id_users")),
        sa.ForeignKeyConstraint(
            ["translation_of_id"], ["letters.id"], name=op.f("fk_letters_translation_of_id_letters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index("ix_letters_case", ["case_id", "generated_at"], unique=False)

    op.create_table(
        "restrictions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column(
            "details", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("created_at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", service.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_restrictions_case_id_cases")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_restrictions_customer_id_customers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restrictions")),
    )
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_restrictions_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_restrictions_customer_status", ["customer_id", "status"], unique=False)

    op.create_table(
        "human_task_groups",
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("group_name", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["human_tasks.id"], name=op.f("fk_human_task_groups_task_id_human_tasks")),
        sa.PrimaryKeyConstraint("task_id", "group_name", name=op.f("pk_human_task_groups")),
    )
    with op.batch_alter_table("human_task_groups", schema=None) as batch_op:
        batch_op.create_index("ix_human_task_groups_group", ["group_name", "task_id"], unique=False)

    op.create_table(
        "task_reassignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=36), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=True),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", service.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_user_id"], ["users.id"], name=op.f("fk_task_reassignments_by_user_id_users")),
        sa.ForeignKeyConstraint(["from_user_id"], ["users.id"], name=op.f("fk_task_reassignments_from_user_id_users")),
        sa.ForeignKeyConstraint(
            ["task_id"], ["human_tasks.id"], name=op.f("fk_task_reassignments_task_id_human_tasks")
        ),
        sa.ForeignKeyConstraint(["to_user_id"], ["users.id"], name=op.f("fk_task_reassignments_to_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_reassignments")),
    )


def downgrade() -> None:
    op.drop_table("task_reassignments")
    with op.batch_alter_table("human_task_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_human_task_groups_group")

    op.drop_table("human_task_groups")
    with op.batch_alter_table("restrictions", schema=None) as batch_op:
        batch_op.drop_index("ix_restrictions_customer_status")
        batch_op.drop_index(batch_op.f("ix_restrictions_case_id"))

    op.drop_table("restrictions")
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index("ix_letters_case")

    op.drop_table("letters")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_customer_id"))
        batch_op.drop_index(batch_op.f("ix_incidents_case_id"))

    op.drop_table("incidents")
    with op.batch_alter_table("human_tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_human_tasks_status_due")
        batch_op.drop_index("ix_human_tasks_instance")
        batch_op.drop_index("ix_human_tasks_assignee_open")

    op.drop_table("human_tasks")
    with op.batch_alter_table("case_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_notes_case_id"))

    op.drop_table("case_notes")
    op.drop_table("case_actors")
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adjustments_case_id"))

    op.drop_table("adjustments")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_status"))
        batch_op.drop_index("ix_cases_customer")

    op.drop_table("cases")
    op.drop_table("audit_events")
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_index("ix_process_instances_next_timer_due")

    op.drop_table("process_instances")
    op.drop_table("process_versions")
    with op.batch_alter_table("process_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_process_drafts_process_id"))

    op.drop_table("process_drafts")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_token_prefix"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index("ix_access_log_subject")

    op.drop_table("access_log")
    op.drop_table("users")
    op.drop_table("reference_counters")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_name"))

    op.drop_table("customers")
    op.drop_table("audit_anchors")
