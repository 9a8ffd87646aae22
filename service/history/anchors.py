"""Anchoring the audit log: a periodic digest over every case chain's head, itself hash-chained.

Case chains alone cannot show that a whole chain was removed, or rewritten together with its
instance's head. Each anchor records the digest of all heads and, as rows, the heads that changed
since the anchor before; verification folds those rows back into the full set of heads, checks
the chain of anchors, and checks that every anchored head is still in its case chain. Only the
events after the latest anchor are unprotected by it, hence the worker anchors every few minutes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from service.casework import Casework
from service.dao import anchors_dao
from service.dao.anchors_dao import CaseHead
from service.dao.audit_dao import GENESIS, event_hash
from service.models import AuditAnchor, AuditAnchorHead


@dataclass(frozen=True)
class AnchorProblem:
    seq: int
    problem: str


@dataclass(frozen=True)
class AnchorCheck:
    anchors: int
    latest: AuditAnchor | None
    problem: AnchorProblem | None
    # Anchored heads no longer in their chains: (business key, seq, what is wrong), first per case.
    missing: list[tuple[str, int, str]]


def write_anchor(casework: Casework, now: datetime) -> AuditAnchor | None:
    """Anchor every case head now. None if another writer is anchoring at the same moment."""
    with casework.db.transaction() as session:
        if not anchors_dao.take_anchor_lock(session):
            return None
        latest = anchors_dao.latest_anchor(session)
        heads = anchors_dao.current_heads(session)
        changed = [h for h in heads if not h.anchored]
        anchor = AuditAnchor(
            seq=latest.seq + 1 if latest else 1, at=now, case_count=len(heads),
            heads_digest=heads_digest({h.instance_id: (h.seq, h.hash) for h in heads}),
            prev_hash=latest.hash if latest else GENESIS, hash="",
        )
        anchor.hash = anchor_hash(anchor, changed)
        return anchors_dao.add_anchor(session, anchor, changed)


def anchor_if_due(casework: Casework, now: datetime, every: timedelta) -> datetime:
    """Anchor if the latest anchor (by any worker) is ``every`` old. Returns when the next is due."""
    with casework.db.reading() as session:
        latest = anchors_dao.latest_anchor(session)
    if latest is not None and now - latest.at < every:
        return latest.at + every
    write_anchor(casework, now)
    return now + every


def heads_digest(heads: Mapping[int, tuple[int, str]]) -> str:
    digest = hashlib.sha256()
    for instance_id in sorted(heads):
        seq, head = heads[instance_id]
        digest.update(f"{instance_id}:{seq}:{head}\n".encode())
    return digest.hexdigest()


def anchor_hash(anchor: AuditAnchor, changed: Iterable[CaseHead | AuditAnchorHead]) -> str:
    """Covers the anchor's own fields and every head row it recorded."""
    rows = sorted((h.instance_id, h.business_key, h.seq, h.hash) for h in changed)
    return event_hash({
        "seq": anchor.seq, "at": anchor.at.astimezone(UTC).isoformat(), "case_count": anchor.case_count,
        "heads_digest": anchor.heads_digest, "changed": rows, "prev_hash": anchor.prev_hash,
    })


def check_anchors(session: Session) -> AnchorCheck:
    problem, latest, count = None, None, 0
    heads: dict[int, tuple[int, str]] = {}
    for anchor, changed in anchors_dao.anchors_with_heads(session):
        count += 1
        heads.update({h.instance_id: (h.seq, h.hash) for h in changed})
        problem = problem or _anchor_problem(anchor, changed, latest, len(heads))
        latest = anchor
    if problem is None and latest is not None and heads_digest(heads) != latest.heads_digest:
        problem = AnchorProblem(latest.seq, "the digest of the anchored case heads does not match the heads recorded")
    return AnchorCheck(count, latest, problem, _first_missing_per_case(session))


def _anchor_problem(anchor: AuditAnchor, changed: list[AuditAnchorHead], before: AuditAnchor | None,
                    case_count: int) -> AnchorProblem | None:
    expected_seq = before.seq + 1 if before else 1
    if anchor.seq != expected_seq:
        return AnchorProblem(expected_seq, f"anchor {expected_seq} is missing (the next is anchor {anchor.seq})")
    if anchor.prev_hash != (before.hash if before else GENESIS):
        return AnchorProblem(anchor.seq, "the anchor does not point at the previous anchor's hash")
    if anchor_hash(anchor, changed) != anchor.hash:
        return AnchorProblem(anchor.seq, "the anchor or its heads were changed (its hash no longer matches)")
    if anchor.case_count != case_count:
        return AnchorProblem(anchor.seq, f"the anchor counts {anchor.case_count} cases, its heads {case_count}")
    return None


def _first_missing_per_case(session: Session) -> list[tuple[str, int, str]]:
    first: dict[str, tuple[str, int, str]] = {}
    for missing in anchors_dao.missing_heads(session):
        if missing.business_key in first:
            continue
        what = "has a different hash now" if missing.found else "is missing"
        first[missing.business_key] = (
            missing.business_key, missing.seq,
            f"event {missing.seq}, covered by anchor {missing.anchor_seq}, {what}: the case's chain was "
            + ("rewritten" if missing.found else "removed or cut short"),
        )
    return list(first.values())
