"""Verifying the audit log: every case chain, and the anchor chain over all of them.

A chain is broken where a row's recomputed hash differs from the one stored (edited), where the
sequence has a gap or a row does not point at its predecessor's hash (removed or reordered), where
un-redacted data no longer matches its digest, or where the instance's recorded head is not the
last row (rows removed from the end). The report names the first broken link of each chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.dao.audit_dao import GENESIS, data_digest, event_hash, hashed_fields
from service.models import AuditEvent, ProcessInstance


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

    @property
    def intact(self) -> bool:
        return not self.broken


def verify_all(session: Session, batch: int = 500) -> VerifyReport:
    chains = events = 0
    broken: list[BrokenLink] = []
    for instance in _instances(session, batch):
        chains += 1
        count, problem = verify_chain(session, instance)
        events += count
        if problem:
            broken.append(problem)
    return VerifyReport(chains, events, broken)


def _instances(session: Session, batch: int) -> Iterator[ProcessInstance]:
    last_id = 0
    while True:
        rows = session.scalars(
            select(ProcessInstance).where(ProcessInstance.id > last_id).order_by(ProcessInstance.id).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def verify_chain(session: Session, instance: ProcessInstance) -> tuple[int, BrokenLink | None]:
    expected_prev, expected_seq, count = GENESIS, 1, 0
    rows = session.scalars(
        select(AuditEvent).where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.seq)
    )
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


def _row_problem(row: AuditEvent, expected_seq: int, expected_prev: str) -> str | None:
    if row.seq != expected_seq:
        return f"event {expected_seq} is missing (the next row is event {row.seq})"
    if row.prev_hash != expected_prev:
        return "the event does not point at the previous event's hash"
    if event_hash(hashed_fields(row)) != row.hash:
        return "the event was changed after it was written (its hash no longer matches)"
    if row.redacted_at is None and data_digest(row.data) != row.data_digest:
        return "the event's data was changed after it was written"
    return None
