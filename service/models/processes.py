"""Deployed process versions and the running instances of them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.models.base import Base, JsonText


class ProcessVersion(Base):
    """An immutable, numbered version of one process, keyed by process id and content hash."""

    __tablename__ = "process_versions"
    __table_args__ = (
        UniqueConstraint("process_id", "version"),
        # Not unique: redeploying an earlier version's content makes a new version with the same hash.
        Index("ix_process_versions_process_id_content_hash", "process_id", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]] = mapped_column(JsonText, default=dict)
    # The BPMN of the deployed processes its call activities call, by process id, as bound at deploy.
    called_processes: Mapped[dict[str, Any]] = mapped_column(JsonText, default=dict, server_default="{}")
    # The DMN files deployed with it (file name -> XML), for its business rule tasks.
    decision_tables: Mapped[dict[str, Any]] = mapped_column(JsonText, default=dict, server_default="{}")
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deployed_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")


class ProcessInstance(Base):
    """The engine's record of one case: compact workflow state and an optimistic lock."""

    __tablename__ = "process_instances"
    __table_args__ = (Index("ix_process_instances_next_timer_due", "next_timer_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_key: Mapped[str] = mapped_column(String(40), unique=True)  # the case reference
    # The business key a caller gave when starting it over Camunda's API, if any; otherwise the reference
    # is its business key. Not unique, as in Camunda: a message by business key needs exactly one match.
    chosen_business_key: Mapped[str | None] = mapped_column(String(255), index=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    status: Mapped[str] = mapped_column(String(20), default="running")
    state: Mapped[dict[str, Any]] = mapped_column(JsonText)
    lock_version: Mapped[int] = mapped_column(default=1)
    next_timer_due: Mapped[datetime | None]
    waiting_elements: Mapped[list[Any]] = mapped_column(default=list)
    # [{element_id, name, kind, due}] for each timer the case waits on, soonest first.
    waiting_timers: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    audit_seq: Mapped[int] = mapped_column(default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    timer_attempts: Mapped[int] = mapped_column(default=0)
    timer_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProcessDraft(Base):
    """A process owner's work in progress from the modeler; never run, never a version."""

    __tablename__ = "process_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]] = mapped_column(JsonText, default=dict)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    saved_at: Mapped[datetime]
    comment: Mapped[str] = mapped_column(Text, default="")
