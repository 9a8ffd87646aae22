"""What the customer pages show: finding a customer, their cases, and any restriction in force."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.cases.errors import NotFound
from service.casework import Casework
from service.models import Case
from service.packs.unacceptable_behaviour.dao import customers_dao, records_dao
from service.packs.unacceptable_behaviour.models import Customer, Restriction

if TYPE_CHECKING:
    from service.casework import Casework

# What a customer reference may look like where a caller types it (the API's paths).
_CUSTOMER_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_-]{0,39}$")


@dataclass(frozen=True)
class CustomerFile:
    customer: Customer
    cases: Sequence[Case]
    active_restrictions: Sequence[Restriction]


@dataclass(frozen=True)
class FoundCustomer:
    customer: Customer
    restricted: bool


def load_customer_file(casework: Casework, reference: str) -> CustomerFile:
    with casework.db.reading() as session:
        customer = customers_dao.get_customer_by_reference(session, reference.strip().upper())
        if customer is None:
            raise NotFound("There is no customer with that reference.")
        return CustomerFile(
            customer=customer,
            cases=customers_dao.list_cases_of_customer(session, customer.id),
            active_restrictions=records_dao.list_active_restrictions(session, customer.id),
        )


def find_customers(casework: Casework, text: str) -> list[FoundCustomer]:
    if not text.strip():
        return []
    with casework.db.reading() as session:
        customers = customers_dao.search_customers(session, text)
        restricted = customers_dao.restricted_customer_ids(session, [c.id for c in customers])
    return [FoundCustomer(c, c.id in restricted) for c in customers]


def load_active_restrictions(casework: Casework, reference: str) -> tuple[Customer, Sequence[Restriction]]:
    """A customer and the restrictions on record as active: what a contact check reads."""
    with casework.db.reading() as session:
        found = _CUSTOMER_REFERENCE.match(reference)
        customer = customers_dao.get_customer_by_reference(session, reference.upper()) if found else None
        if customer is None:
            raise NotFound("There is no customer with that reference.")
        return customer, records_dao.list_active_restrictions(session, customer.id)
