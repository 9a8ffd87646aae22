"""What anonymising one of the policy's cases also does to the policy's records (``Pack.anonymise_records``),
and what refuses it (``Pack.anonymisation_refusals``): the platform anonymises the case's own records first.

Incidents, adjustments and restrictions keep their rows, dates and categories and lose what was written;
letters become a placeholder (their hash still names the letter that was sent). The customer is
anonymised with their last case: until then the anonymised case moves to a stand-in customer row of its
own, so nothing links it back to the person. A restriction on the customer in force refuses it.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from functools import lru_cache

from sqlalchemy.orm import Session

from service.dao import cases_dao
from service.dao import data_protection_dao as platform_dao
from service.models import Case
from service.packs.unacceptable_behaviour.dao import customers_dao, data_protection_dao, letters_dao, records_dao
from service.packs.unacceptable_behaviour.models import Customer
from workflows.redaction import blanked

ANONYMISED_NAME = "Anonymised customer"


def restriction_refusals(session: Session, case: Case) -> list[str]:
    """A restriction on the case's customer in force keeps the case, in words for the page."""
    reasons = []
    for restriction in records_dao.list_active_restrictions_of_customer_of(session, case.id):
        case_reference = cases_dao.get_case(session, restriction.case_id).reference
        reasons.append(f"A restriction on this customer is in force until {_day(restriction.ends_on)} "
                       f"(case {case_reference}).")
    return reasons


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


def anonymise_policy_records(session: Session, case: Case, now: datetime) -> None:
    """Blank the case's incidents, adjustments and restrictions, replace its letters, release its customer."""
    _blank_records(session, case)
    _replace_letters(session, case, now)
    _release_customer(session, case, now)


def _blank_records(session: Session, case: Case) -> None:
    for incident in records_dao.list_incidents(session, case.id):
        incident.description = ""
        incident.details = blanked(incident.details or {})
    for adjustment in records_dao.list_adjustments(session, case.id):
        adjustment.details = blanked(adjustment.details or {})
        adjustment.letter_format = blanked(adjustment.letter_format or {})
    for restriction in records_dao.list_restrictions_of_case(session, case.id):
        restriction.details = blanked(restriction.details or {})
        restriction.reasons = ""


def _replace_letters(session: Session, case: Case, now: datetime) -> None:
    """The placeholder takes the letter's place; its sha256 stays that of the letter that was sent."""
    for letter in letters_dao.list_letters_of_case(session, case.id):
        if letter.anonymised_at is not None:
            continue
        letter.content = placeholder_pdf()
        letter.media_type = "application/pdf"
        letter.rendered_from = blanked(letter.rendered_from or {})
        letter.letter_format = blanked(letter.letter_format or {})
        letter.language = None
        letter.anonymised_at = now


@lru_cache(maxsize=1)
def placeholder_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string=(
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>Anonymised letter</title></head>"
        "<body><p>This letter has been anonymised under the retention policy. "
        "The record keeps the SHA-256 hash of the letter that was sent.</p></body></html>"
    )).write_pdf()


def _release_customer(session: Session, case: Case, now: datetime) -> None:
    customer = customers_dao.customer_of_case(session, case.id)
    if customer is None:
        return  # a case recorded without a customer: nothing to release
    if data_protection_dao.count_cases_kept(session, customer.id, other_than=case.id):
        stand_in = data_protection_dao.add_customer(session, Customer(
            reference=anonymous_reference(), name=ANONYMISED_NAME, address=[], contact_notes="",
            created_at=customer.created_at, anonymised_at=now,
        ))
        data_protection_dao.move_case_to_customer(session, case.id, stand_in.id)
        return
    previous = customer.reference
    customer.reference = anonymous_reference()
    customer.name = ANONYMISED_NAME
    customer.address = []
    customer.contact_notes = ""
    customer.email, customer.preferred_channel = "", ""
    customer.anonymised_at = now
    session.flush()
    platform_dao.rename_access_log_subject(session, "customer", previous, customer.reference)


def anonymous_reference() -> str:
    return f"ANON-{secrets.token_hex(6).upper()}"
