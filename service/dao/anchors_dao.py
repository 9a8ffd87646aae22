"""Audit anchors and the case heads they cover. Rows are only ever inserted."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select, text
from sqlalchemy.orm import Session

from service.models import AuditAnchor, AuditAnchorHead, AuditEvent, ProcessInstance

# Any fixed number: the PostgreSQL advisory lock that keeps two anchor writers from racing.
_ANCHOR_LOCK = 80_080_808


@dataclass(frozen=True)
class CaseHead:
    instance_id: int
    business_key: str
    seq: int
    hash: str
    anchored: bool  # an earlier anchor already covers this head


@dataclass(frozen=True)
class MissingHead:
    """An anchored head that its case chain no longer holds (the row is gone or has another hash)."""

    business_key: str
    seq: int
    anchor_seq: int
    found: bool


def take_anchor_lock(session: Session) -> bool:
    """False if another writer holds it. SQLite writers are already serialised (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _ANCHOR_LOCK}))


def latest_anchor(session: Session) -> AuditAnchor | None:
    return session.scalar(select(AuditAnchor).order_by(AuditAnchor.seq.desc()).limit(1))


def count_anchors(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditAnchor)) or 0


def current_heads(session: Session) -> list[CaseHead]:
    """Every case chain's head, by instance id, read in one statement (one consistent snapshot)."""
    anchored = exists().where(
        AuditAnchorHead.instance_id == ProcessInstance.id, AuditAnchorHead.seq == ProcessInstance.audit_seq
    )
    rows = session.execute(
        select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.audit_seq,
               ProcessInstance.audit_head, anchored)
        .where(ProcessInstance.audit_seq > 0)
        .order_by(ProcessInstance.id)
    )
    return [CaseHead(*row) for row in rows]


def add_anchor(session: Session, anchor: AuditAnchor, heads: Sequence[CaseHead]) -> AuditAnchor:
    session.add(anchor)
    session.flush()
    session.add_all(
        AuditAnchorHead(anchor_id=anchor.id, instance_id=h.instance_id, business_key=h.business_key, seq=h.seq,
                        hash=h.hash)
        for h in heads
    )
    return anchor


def anchors_with_heads(session: Session, batch: int = 500) -> Iterator[tuple[AuditAnchor, list[AuditAnchorHead]]]:
    """Every anchor in order, with the heads it recorded."""
    last_seq = 0
    while True:
        anchors = session.scalars(
            select(AuditAnchor).where(AuditAnchor.seq > last_seq).order_by(AuditAnchor.seq).limit(batch)
        ).all()
        if not anchors:
            return
        heads: dict[int, list[AuditAnchorHead]] = {a.id: [] for a in anchors}
        for head in session.scalars(
            select(AuditAnchorHead).where(AuditAnchorHead.anchor_id.in_(list(heads)))
            .order_by(AuditAnchorHead.anchor_id, AuditAnchorHead.instance_id)
        ):
            heads[head.anchor_id].append(head)
        for anchor in anchors:
            yield anchor, heads[anchor.id]
        last_seq = anchors[-1].seq


def missing_heads(session: Session) -> list[MissingHead]:
    """Anchored heads whose event is gone from its chain or no longer has the anchored hash."""
    rows = session.execute(
        select(AuditAnchorHead.business_key, AuditAnchorHead.seq, AuditAnchor.seq, AuditEvent.id.is_not(None))
        .join(AuditAnchor, AuditAnchor.id == AuditAnchorHead.anchor_id)
        .outerjoin(AuditEvent, and_(AuditEvent.instance_id == AuditAnchorHead.instance_id,
                                    AuditEvent.seq == AuditAnchorHead.seq))
        .where(or_(AuditEvent.id.is_(None), AuditEvent.hash != AuditAnchorHead.hash))
        .order_by(AuditAnchorHead.business_key, AuditAnchorHead.seq)
    )
    return [MissingHead(*row) for row in rows]


def anchor_summaries(session: Session) -> list[tuple[int, datetime, int, str]]:
    """Every anchor's (seq, at, case count, hash), oldest first: what is exported outside the database."""
    rows = session.execute(select(AuditAnchor.seq, AuditAnchor.at, AuditAnchor.case_count, AuditAnchor.hash)
                           .order_by(AuditAnchor.seq))
    return [tuple(row) for row in rows]
