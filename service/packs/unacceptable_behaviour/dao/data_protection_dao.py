"""The policy's records as retention, anonymisation and the data-protection officer's tools read and change them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from service.models import AccessLogEntry, Case
from service.packs.unacceptable_behaviour.models import Adjustment, CaseCustomer, Customer, Incident, Restriction


def incident_answers(session: Session, case_ids: Sequence[int]) -> Sequence[tuple[int, list[Any], dict[str, Any]]]:
    """(case id, behaviour categories, answers) of every incident on these cases."""
    if not case_ids:
        return []
    return session.execute(
        select(Incident.case_id, Incident.categories, Incident.details).where(Incident.case_id.in_(case_ids))
    ).all()


def cases_with_adjustments(session: Session, case_ids: Sequence[int]) -> set[int]:
    if not case_ids:
        return set()
    return set(session.scalars(select(Adjustment.case_id).where(Adjustment.case_id.in_(case_ids)).distinct()))


def cases_with_restrictions(session: Session, case_ids: Sequence[int]) -> set[int]:
    if not case_ids:
        return set()
    return set(session.scalars(select(Restriction.case_id).where(Restriction.case_id.in_(case_ids)).distinct()))


def count_cases_kept(session: Session, customer_id: int, *, other_than: int) -> int:
    """How many of the customer's cases, besides ``other_than``, still hold their personal data."""
    return session.scalar(
        select(func.count()).select_from(Case).join(CaseCustomer, CaseCustomer.case_id == Case.id)
        .where(CaseCustomer.customer_id == customer_id, Case.id != other_than, Case.anonymised_at.is_(None))
    ) or 0


def add_customer(session: Session, customer: Customer) -> Customer:
    session.add(customer)
    session.flush()
    return customer


def move_case_to_customer(session: Session, case_id: int, customer_id: int) -> None:
    """The case and the records filed against its customer follow it to another customer row."""
    for model in (Incident, Restriction):
        session.execute(
            update(model).where(model.case_id == case_id).values(customer_id=customer_id)
            .execution_options(synchronize_session=False)
        )
    session.execute(update(CaseCustomer).where(CaseCustomer.case_id == case_id).values(customer_id=customer_id)
                    .execution_options(synchronize_session=False))


def list_access_entries(session: Session, customer_reference: str,
                        case_references: Sequence[str]) -> Sequence[AccessLogEntry]:
    """Every access-log entry about the customer, their cases and their cases' letters, oldest first."""
    about = [and_(AccessLogEntry.subject_kind == "customer", AccessLogEntry.subject_reference == customer_reference)]
    if case_references:
        about.append(and_(AccessLogEntry.subject_kind == "case",
                          AccessLogEntry.subject_reference.in_(list(case_references))))
        about += [and_(AccessLogEntry.subject_kind == "letter",
                       AccessLogEntry.subject_reference.startswith(f"{reference}/", autoescape=True))
                  for reference in case_references]
    return session.scalars(
        select(AccessLogEntry).where(or_(*about)).order_by(AccessLogEntry.at, AccessLogEntry.id)
    ).all()
