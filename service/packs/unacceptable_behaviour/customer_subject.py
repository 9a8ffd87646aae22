"""The customer a policy case is about, as the platform sees it (``Pack.subject``): its caption, the inbox's and
the case search's column, the API's ``customer`` object, and the customer made (or found) when a case starts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from service.models import Case
from service.packs.registry import CaseSubject
from service.packs.unacceptable_behaviour.dao import customers_dao
from service.packs.unacceptable_behaviour.models import CaseCustomer, Customer
from service.packs.unacceptable_behaviour.open_cases import refuse_second_open_case

# The start questions about who the customer is, not about what happened (a further incident does not ask them).
CUSTOMER_QUESTIONS = frozenset({"new_customer", "customer_reference", "customer_name", "correspondence_address",
                                "customer_email", "preferred_channel", "new_case_reason"})


def load_customer(session: Session, case: Case) -> Customer | None:
    return customers_dao.customer_of_case(session, case.id)


def customer_columns(query: Select) -> tuple[Select, Any, Any]:
    joined = (query.outerjoin(CaseCustomer, CaseCustomer.case_id == Case.id)
              .outerjoin(Customer, Customer.id == CaseCustomer.customer_id))
    return joined, Customer.reference, Customer.name


def start_with_customer(session: Session, data: Mapping[str, Any], start_fields: Mapping[str, Any],
                        now: datetime) -> tuple[Callable[[Case], None], dict[str, Any]]:
    """The customer the incident is about, found or added; refused while they have an open case, unless the
    start form asks why a new case is right and was told. The diagram reads their reference."""
    customer = customers_dao.find_or_add_customer(session, dict(data), now=now)
    refuse_second_open_case(session, customer, data, start_fields)

    def link(case: Case) -> None:
        customers_dao.link_case(session, case.id, customer.id)

    return link, {"customer_reference": customer.reference}


CUSTOMER = CaseSubject(
    noun="Customer",
    load=load_customer,
    columns=customer_columns,
    start=start_with_customer,
    endpoint="customers.customer",
    api_field="customer",
)
