from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.models import Adjustment, Case, CaseActor, CaseNote, Customer, Incident, Restriction


def get_case(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def get_case_by_reference(session: Session, reference: str) -> Case | None:
    return session.scalar(select(Case).where(Case.reference == reference))


def get_case_by_instance(session: Session, instance_id: int) -> Case:
    return session.scalars(select(Case).where(Case.instance_id == instance_id)).one()


def cases_by_instance(session: Session, instance_ids: Sequence[int]) -> dict[int, Case]:
    """{instance id: case} for a batch of instances, in one query."""
    if not instance_ids:
        return {}
    return {case.instance_id: case
            for case in session.scalars(select(Case).where(Case.instance_id.in_(list(instance_ids))))}


def add_case(session: Session, case: Case) -> Case:
    session.add(case)
    session.flush()
    return case


_PROGRESS = ("stage", "outcome", "status", "closed_at")
_SAVE_PROGRESS = (
    Case.__table__.update()
    .where(Case.__table__.c.id == bindparam("case_id"))
    .values({name: bindparam(f"v_{name}") for name in _PROGRESS})
)


def save_case_progress(session: Session, case: Case, **progress: Any) -> None:
    """Write where the case stands (stage, outcome, status, closed_at) with one statement built once, and
    mirror it on the object without marking it dirty (a plain setattr would flush a second UPDATE)."""
    values = {name: progress.get(name, getattr(case, name)) for name in _PROGRESS}
    session.connection().execute(_SAVE_PROGRESS, {"case_id": case.id, **{f"v_{k}": v for k, v in values.items()}})
    for name, value in values.items():
        set_committed_value(case, name, value)


def get_customer(session: Session, customer_id: int) -> Customer | None:
    return session.get(Customer, customer_id)


def get_customer_by_reference(session: Session, reference: str) -> Customer | None:
    return session.scalar(select(Customer).where(Customer.reference == reference))


def find_or_add_customer(session: Session, data: dict[str, Any], *, now: datetime) -> Customer:
    """The customer the incident is about: found by reference, or added (with a new reference when the
    housing management system has none for them yet)."""
    reference = (data.get("customer_reference") or "").strip().upper()
    if not reference:
        from service.dao.references_dao import next_reference_number

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
        select(Case).where(Case.customer_id == customer_id).order_by(Case.opened_at.desc())
    ).all()


def list_actors(session: Session, case_id: int) -> Sequence[CaseActor]:
    return session.scalars(select(CaseActor).where(CaseActor.case_id == case_id).order_by(CaseActor.at)).all()


def latest_actor(session: Session, case_id: int, role: str) -> int | None:
    """Who last acted in ``role`` on the case (the appeal's hearer, say)."""
    return session.scalar(
        select(CaseActor.user_id).where(CaseActor.case_id == case_id, CaseActor.role == role)
        .order_by(CaseActor.at.desc(), CaseActor.id.desc()).limit(1)
    )


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


def list_notes(session: Session, case_id: int) -> Sequence[CaseNote]:
    return session.scalars(select(CaseNote).where(CaseNote.case_id == case_id).order_by(CaseNote.created_at)).all()


def restricted_customer_ids(session: Session, customer_ids: Sequence[int]) -> set[int]:
    """Which of these customers have a restriction in force."""
    if not customer_ids:
        return set()
    return set(session.scalars(
        select(Restriction.customer_id)
        .where(Restriction.customer_id.in_(list(customer_ids)), Restriction.status == "active")
        .distinct()
    ))


def page_of_cases(
    session: Session, *, status: str | None, customer_reference: str | None, page: int, size: int
) -> tuple[list[tuple[Case, Customer]], int]:
    query = select(Case, Customer).outerjoin(Customer, Customer.id == Case.customer_id)
    if status:
        query = query.where(Case.status == status)
    if customer_reference:
        query = query.where(Customer.reference == customer_reference.strip().upper())
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.execute(query.order_by(Case.opened_at.desc(), Case.id.desc()).limit(size).offset((page - 1) * size))
    return [(case, customer) for case, customer in rows], total
