"""Verifying the audit log: every case chain, and the anchor chain over all of them.

A chain is broken where a row's recomputed hash differs from the one stored (edited), where the
sequence has a gap or a row does not point at its predecessor's hash (removed or reordered), where
un-redacted data no longer matches its digest, or where the instance's recorded head is not the
last row (rows removed from the end). The anchors then catch what a case chain cannot show by
itself: a chain removed whole, or rewritten together with its instance's head (see
``history.anchors``). The report names the first broken link of each case.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from service.dao.audit_dao import GENESIS, data_digest, event_hash, hashed_fields
from service.history.anchors import AnchorProblem, check_anchors
from service.models import AuditAnchor, AuditEvent, ProcessInstance


@dataclass(frozen=True)
class BrokenLink:
    business_key: str
    seq: int
    problem: str


@dataclass(frozen=True)
class VerifyReport:
    chains: int
    events: int
    broken: list[BrokenLink]
    anchors: int = 0
    latest_anchor: AuditAnchor | None = None
    anchor_problem: AnchorProblem | None = None

    @property
    def intact(self) -> bool:
        return not self.broken and self.anchor_problem is None


def verify_all(session: Session, batch: int = 500) -> VerifyReport:
    _one_snapshot(session)
    chains = events = 0
    broken: dict[str, BrokenLink] = {}
    for instances in _batches(session, batch):
        rows = _events_of(session, [i.id for i in instances])
        for instance in instances:
            chains += 1
            count, problem = check_chain(instance, rows.get(instance.id, []))
            events += count
            if problem:
                broken[problem.business_key] = problem
    anchors = check_anchors(session)
    for business_key, seq, problem in anchors.missing:
        if business_key not in broken or broken[business_key].seq > seq:
            broken[business_key] = BrokenLink(business_key, seq, problem)
    return VerifyReport(chains, events, sorted(broken.values(), key=lambda link: link.business_key),
                        anchors.anchors, anchors.latest, anchors.problem)


def _one_snapshot(session: Session) -> None:
    """Read every batch from one snapshot, so a step committed meanwhile (its events and its new
    head together) is either wholly seen or not at all. SQLite's read transaction already is one."""
    if not session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _batches(session: Session, batch: int) -> Iterator[Sequence[Row]]:
    """Each case's chain head, a batch at a time (never its workflow state)."""
    last_id = 0
    while True:
        rows = session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.audit_seq,
                   ProcessInstance.audit_head)
            .where(ProcessInstance.id > last_id).order_by(ProcessInstance.id).limit(batch)
        ).all()
        if not rows:
            return
        yield rows
        last_id = rows[-1].id


def _events_of(session: Session, instance_ids: list[int]) -> dict[int, list[Row]]:
    """The events of a batch of cases in one query, each case's in sequence. Plain rows, read by
    column name like the model (building ORM objects would be most of the time spent)."""
    rows = session.execute(
        select(*AuditEvent.__table__.columns).where(AuditEvent.instance_id.in_(instance_ids))
        .order_by(AuditEvent.instance_id, AuditEvent.seq)
    )
    return {instance_id: list(events) for instance_id, events in groupby(rows, key=lambda e: e.instance_id)}


def check_chain(instance: ProcessInstance | Row, rows: Sequence[AuditEvent | Row]) -> tuple[int, BrokenLink | None]:
    expected_prev, expected_seq, count = GENESIS, 1, 0
    for row in rows:
        count += 1
        problem = _row_problem(row, expected_seq, expected_prev)
        if problem:
            return count, BrokenLink(instance.business_key, expected_seq, problem)
        expected_prev, expected_seq = row.hash, row.seq + 1
    if instance.audit_seq != expected_seq - 1 or (instance.audit_head or GENESIS) != expected_prev:
        return count, BrokenLink(
            instance.business_key, expected_seq,
            f"the case records {instance.audit_seq} events but its chain ends at event {expected_seq - 1}: "
            "rows were removed from the end",
        )
    return count, None


def _row_problem(row: AuditEvent | Row, expected_seq: int, expected_prev: str) -> str | None:
    if row.seq != expected_seq:
        return f"event {expected_seq} is missing (the next row is event {row.seq})"
    if row.prev_hash != expected_prev:
        return "the event does not point at the previous event's hash"
    if event_hash(hashed_fields(row)) != row.hash:
        return "the event was changed after it was written (its hash no longer matches)"
    if row.redacted_at is None and data_digest(row.data) != row.data_digest:
        return "the event's data was changed after it was written"
    return None
