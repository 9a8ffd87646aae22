"""What contact a restriction permits, in plain words for the staff who answer the phone.

A restriction row names one of the policy's management interventions (its ``kind``) and carries
the particulars from the approved proposal in ``details``: who the single point of contact is,
which method to use, which matters and at what days and times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from service.packs.unacceptable_behaviour.models import Restriction

ALWAYS_ALLOWED = (
    "Emergencies and urgent health-and-safety repairs can always be reported by any channel, "
    "whatever the restriction says."
)
_METHODS = {"email": "email", "letter": "letter", "telephone": "telephone", "post": "letter"}


@dataclass(frozen=True)
class ContactPeriod:
    """Restrictions in force over the same dates (one decision's), and what they allow."""

    starts_on: date
    ends_on: date
    rules: list[str]


def contact_periods(restrictions: Sequence[Restriction]) -> list[ContactPeriod]:
    periods: dict[tuple[date, date], list[str]] = {}
    for restriction in sorted(restrictions, key=lambda r: (r.starts_on, r.ends_on, r.id or 0)):
        periods.setdefault((restriction.starts_on, restriction.ends_on), []).extend(permitted_contact(restriction))
    return [ContactPeriod(start, end, rules) for (start, end), rules in periods.items()]


def permitted_contact(restriction: Restriction) -> list[str]:
    """Sentences saying exactly what contact this restriction allows."""
    details = restriction.details or {}
    describe = _DESCRIPTIONS.get(restriction.kind)
    lines = describe(details) if describe else [_kind_words(restriction.kind) + "."]
    varied = _first(details, "varied_terms")
    if varied:
        lines.append(f"As varied on appeal: {varied}.")
    return [line for line in lines if line]


def _single_point_of_contact(details: Mapping[str, Any]) -> list[str]:
    person = _first(details, "contact_person", "single_point_of_contact", "contact_name")
    if person:
        return [f"All contact goes through one person: {person}. Pass anything the customer raises to them."]
    return ["All contact goes through the customer's named single point of contact."]


def _single_method(details: Mapping[str, Any]) -> list[str]:
    method = _first(details, "contact_method", "channel", "method")
    if method:
        return [f"The customer may contact us only by {_METHODS.get(method, method)}."]
    return ["The customer may contact us by one agreed method only."]


def _no_further_communication(details: Mapping[str, Any]) -> list[str]:
    matter = _first(details, "closed_matter", "matter")
    about = f" about: {matter}" if matter else " about the matter that has been investigated"
    return [
        f"We do not engage in further communication{about}. "
        "Direct the customer to the Housing Ombudsman on that matter."
    ]


def _restricted_contact(details: Mapping[str, Any]) -> list[str]:
    matters = _first(details, "matters", "permitted_matters")
    times = _first(details, "days_and_times", "contact_times", "permitted_times")
    limits = _first(details, "contact_limits")
    lines = []
    if matters:
        lines.append(f"The customer may contact us only about: {matters}.")
    if times:
        lines.append(f"The customer may contact us only on these days and at these times: {times}.")
    if limits:
        lines.append(f"Contact is limited to: {limits}.")
    return lines or ["Contact is limited to specified matters, days and times."]


def _representative(details: Mapping[str, Any]) -> list[str]:
    arrangement = _first(details, "representative_arrangement", "representative")
    return [f"A nominated representative may act for the customer: {arrangement}." if arrangement
            else "A nominated representative may act for the customer."]


_DESCRIPTIONS = {
    "single_point_of_contact": _single_point_of_contact,
    "single_communication_method": _single_method,
    "no_further_communication": _no_further_communication,
    "no_further_contact_on_matter": _no_further_communication,
    "restricted_contact": _restricted_contact,
    "specified_matters_or_times": _restricted_contact,
    "nominated_representative": _representative,
    "police_involvement": lambda _: ["The police are involved."],
    "safeguarding_alert": lambda _: ["Another authority, such as the safeguarding team, has been alerted."],
    "tenancy_action": lambda _: ["Action on the tenancy is in progress."],
}


def _first(details: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = details.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip().rstrip(".")
    return ""


def _kind_words(kind: str) -> str:
    return kind.replace("_", " ").capitalize()
