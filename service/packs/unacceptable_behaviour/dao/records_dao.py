"""The policy's records on a case: its incidents, reasonable adjustments and restrictions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.packs.unacceptable_behaviour.models import Adjustment, CaseCustomer, Incident, Restriction


def list_incidents(session: Session, case_id: int) -> Sequence[Incident]:
    return session.scalars(select(Incident).where(Incident.case_id == case_id).order_by(Incident.occurred_at)).all()



def list_adjustments(session: Session, case_id: int) -> Sequence[Adjustment]:
    return session.scalars(
        select(Adjustment).where(Adjustment.case_id == case_id).order_by(Adjustment.recorded_at)
    ).all()



def list_restrictions_of_case(session: Session, case_id: int) -> Sequence[Restriction]:
    return session.scalars(
        select(Restriction).where(Restriction.case_id == case_id).order_by(Restriction.created_at, Restriction.id)
    ).all()



def list_active_restrictions(session: Session, customer_id: int) -> Sequence[Restriction]:
    return session.scalars(
        select(Restriction)
        .where(Restriction.customer_id == customer_id, Restriction.status == "active")
        .order_by(Restriction.starts_on)
    ).all()



def list_active_restrictions_of_case(session: Session, case_id: int) -> Sequence[Restriction]:
    return session.scalars(
        select(Restriction)
        .where(Restriction.case_id == case_id, Restriction.status == "active")
        .order_by(Restriction.id)
    ).all()



def list_restrictions_in_force_ending(session: Session, after: date, until: date) -> Sequence[Restriction]:
    """Restrictions in force (imposed, extended or varied) that end after one day and on or before another."""
    return session.scalars(
        select(Restriction)
        .where(Restriction.status.in_(("active", "extended", "varied")), Restriction.ends_on > after,
               Restriction.ends_on <= until)
        .order_by(Restriction.id)
    ).all()


def list_active_restrictions_of_customer_of(session: Session, case_id: int) -> Sequence[Restriction]:
    """The restrictions in force on the customer a case is about, from any of their cases (none for a case
    without a customer)."""
    return session.scalars(
        select(Restriction)
        .join(CaseCustomer, CaseCustomer.customer_id == Restriction.customer_id)
        .where(CaseCustomer.case_id == case_id, Restriction.status == "active")
        .order_by(Restriction.starts_on)
    ).all()
