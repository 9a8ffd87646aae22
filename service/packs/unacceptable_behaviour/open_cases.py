"""One open case per customer, unless a caseworker says why a new one is right.

A further incident about a customer who already has an open case usually belongs on that case (the
policy looks at the pattern of behaviour, not at incidents one by one). A start form that asks
``new_case_reason`` opts its process into this rule: without a reason, the start is refused and the
page offers to add the incident to the open case instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from service.cases.errors import FieldProblem, InvalidInput
from service.models import Case
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.models import Customer

if TYPE_CHECKING:
    from service.casework import Casework

REASON = "new_case_reason"


def open_cases_of(session: Session, customer: Customer) -> list[Case]:
    return [c for c in customers_dao.list_cases_of_customer(session, customer.id) if c.status == "open"]


def refuse_second_open_case(session: Session, customer: Customer, data: Mapping[str, Any],
                            start_fields: Mapping[str, Any]) -> None:
    if REASON not in start_fields or (data.get(REASON) or "").strip():
        return
    open_cases = open_cases_of(session, customer)
    if open_cases:
        references = ", ".join(c.reference for c in open_cases)
        raise InvalidInput([FieldProblem(REASON, (
            f"{customer.name} already has an open case ({references}). Add this incident to that case, "
            "or say why a new case is right"))])


def open_cases_for_reference(casework: Casework, customer_reference: str | None) -> Sequence[Case]:
    """The open cases of the customer with that reference (none if there is no such customer)."""
    if not customer_reference or not customer_reference.strip():
        return []
    with casework.db.reading() as session:
        customer = customers_dao.get_customer_by_reference(session, customer_reference.strip().upper())
        return open_cases_of(session, customer) if customer else []
