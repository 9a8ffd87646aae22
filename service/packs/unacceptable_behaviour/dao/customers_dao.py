"""The customers the policy's cases are about: finding, adding and searching them, and which case is whose."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.dao.references_dao import next_reference_number
from service.models import Case
from service.packs.unacceptable_behaviour.models import CaseCustomer, Customer, Restriction


def get_customer(session: Session, customer_id: int) -> Customer | None:
    return session.get(Customer, customer_id)


def get_customer_by_reference(session: Session, reference: str) -> Customer | None:
    return session.scalar(select(Customer).where(Customer.reference == reference))


def find_or_add_customer(session: Session, data: dict[str, Any], *, now: datetime) -> Customer:
    """The customer the incident is about: found by reference, or added (with a new reference when the
    housing management system has none for them yet)."""
    reference = (data.get("customer_reference") or "").strip().upper()
    if not reference:
        reference = f"C-{next_reference_number(session, 'C'):06d}"
    customer = get_customer_by_reference(session, reference)
    if customer is None:
        customer = Customer(
            reference=reference, name=(data.get("customer_name") or reference).strip(),
            address=[line.strip() for line in (data.get("correspondence_address") or "").splitlines() if line.strip()],
            email=(data.get("customer_email") or "").strip(), preferred_channel=data.get("preferred_channel") or "",
            created_at=now,
        )
        session.add(customer)
        session.flush()
    return customer


def link_case(session: Session, case_id: int, customer_id: int) -> None:
    """Record that the case is about this customer (once, when the case is opened)."""
    session.add(CaseCustomer(case_id=case_id, customer_id=customer_id))
    session.flush()


def move_case(session: Session, case_id: int, customer_id: int) -> None:
    """The case is about another customer from now on (a correction, or a stand-in on anonymisation)."""
    link = session.get(CaseCustomer, case_id)
    if link is None:
        link_case(session, case_id, customer_id)
    else:
        link.customer_id = customer_id
        session.flush()


def customer_id_of_case(session: Session, case_id: int) -> int | None:
    """The customer the case is about; None for a case of a process without customers."""
    return session.scalar(select(CaseCustomer.customer_id).where(CaseCustomer.case_id == case_id))


def customer_of_case(session: Session, case_id: int) -> Customer | None:
    return session.scalar(
        select(Customer).join(CaseCustomer, CaseCustomer.customer_id == Customer.id)
        .where(CaseCustomer.case_id == case_id)
    )


def customer_ids_of_cases(session: Session, case_ids: Sequence[int]) -> dict[int, int]:
    """Case id -> customer id, for the cases that have a customer."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseCustomer.case_id, CaseCustomer.customer_id).where(CaseCustomer.case_id.in_(list(case_ids)))
    )
    return {case_id: customer_id for case_id, customer_id in rows}


def search_customers(session: Session, text: str, limit: int = 50) -> Sequence[Customer]:
    pattern = f"%{text.strip()}%"
    return session.scalars(
        select(Customer)
        .where(or_(Customer.reference.ilike(pattern), Customer.name.ilike(pattern)))
        .order_by(Customer.name)
        .limit(limit)
    ).all()


def list_cases_of_customer(session: Session, customer_id: int) -> Sequence[Case]:
    return session.scalars(
        select(Case).join(CaseCustomer, CaseCustomer.case_id == Case.id)
        .where(CaseCustomer.customer_id == customer_id).order_by(Case.opened_at.desc())
    ).all()


def restricted_customer_ids(session: Session, customer_ids: Sequence[int]) -> set[int]:
    """Which of these customers have a restriction in force."""
    if not customer_ids:
        return set()
    return set(session.scalars(
        select(Restriction.customer_id)
        .where(Restriction.customer_id.in_(list(customer_ids)), Restriction.status == "active")
        .distinct()
    ))
