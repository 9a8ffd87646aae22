"""The dates a case's forms are checked against, read without loading letters' PDFs or workflow state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.packs.unacceptable_behaviour.models import Incident, Letter, Restriction

ANNOUNCING_LETTERS = ("decision", "extension")


def latest_decision_letter(session: Session, case_id: int) -> dict[str, Any] | None:
    """What the last sent decision (or extension) letter was rendered from, or None before the first."""
    return session.scalars(
        select(Letter.rendered_from)
        .where(Letter.case_id == case_id, Letter.status == "sent", Letter.kind.in_(ANNOUNCING_LETTERS),
               Letter.translation_of_id.is_(None))
        .order_by(Letter.sent_at.desc(), Letter.id.desc()).limit(1)
    ).first()


def latest_decision_letter_sent_at(session: Session, case_id: int) -> datetime | None:
    return session.scalars(
        select(Letter.sent_at)
        .where(Letter.case_id == case_id, Letter.status == "sent", Letter.kind.in_(ANNOUNCING_LETTERS),
               Letter.translation_of_id.is_(None))
        .order_by(Letter.sent_at.desc(), Letter.id.desc()).limit(1)
    ).first()


def incident_answers(session: Session, case_id: int) -> Sequence[tuple[datetime, dict[str, Any]]]:
    """(recorded at, answers) of every incident on the case, oldest first."""
    rows = session.execute(
        select(Incident.recorded_at, Incident.details).where(Incident.case_id == case_id)
        .order_by(Incident.recorded_at, Incident.id)
    ).all()
    return [(at, details or {}) for at, details in rows]


def first_incident_at(session: Session, case_id: int) -> datetime | None:
    return session.scalars(
        select(Incident.occurred_at).where(Incident.case_id == case_id).order_by(Incident.occurred_at).limit(1)
    ).first()


def restrictions_of_case(session: Session, case_id: int) -> Sequence[Restriction]:
    return session.scalars(select(Restriction).where(Restriction.case_id == case_id).order_by(Restriction.id)).all()
