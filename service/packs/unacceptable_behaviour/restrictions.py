"""The restriction register: turning a proposal's interventions into restriction rows and back into words.

The words here are what the customer banner and the letters say the customer may and may not do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from service.packs.unacceptable_behaviour.models import Restriction

# Intervention (as chosen on the proposal form) -> the form field with its details, and how to say it.
INTERVENTIONS: dict[str, tuple[str | None, str]] = {
    "single_point_of_contact": ("contact_person", "Contact us only through your single point of contact: {}."),
    "single_communication_method": ("contact_method", "Contact us only by {}."),
    "no_further_communication": (
        "closed_matter",
        "We will not reply to further contact about {}. If you remain unhappy about it, "
        "you can contact the Housing Ombudsman.",
    ),
    "restricted_contact": ("contact_limits", "Contact us only as follows: {}."),
    "nominated_representative": ("representative_arrangement", "A representative acts for you: {}."),
    "police_involvement": ("police_involvement_details", "We have involved the police."),
    "safeguarding_alert": ("authority_alert_details", "We have alerted the local authority or another authority."),
    "tenancy_action": ("tenancy_action_details", "We are considering action about your tenancy: {}."),
}
LETTER_KINDS = {
    "single_point_of_contact": "single_point_of_contact",
    "single_communication_method": "single_communication_method",
    "no_further_communication": "no_further_contact_on_matter",
    "restricted_contact": "specified_matters_or_times",
    "nominated_representative": "nominated_representative",
    "police_involvement": "police_involvement",
    "safeguarding_alert": "safeguarding_alert",
    "tenancy_action": "tenancy_action",
}
CHANNEL_WORDS = {"email": "email", "letter": "letter", "telephone": "telephone"}


# Interventions whose details are for staff only (police references, safeguarding referrals): the
# register keeps them, but a letter to the customer says only that the step was taken.
INTERNAL_DETAILS = frozenset({"police_involvement", "safeguarding_alert"})


def describe(kind: str, details: Mapping[str, Any]) -> str:
    """The restriction in words addressed to the customer (the letters' wording)."""
    field, sentence = INTERVENTIONS.get(kind, (None, "{}"))
    if kind in INTERNAL_DETAILS:
        field = None
    value = str(details.get(field) or "").strip().rstrip(".") if field else ""
    if kind == "single_communication_method":
        value = CHANNEL_WORDS.get(value, value)
    words = sentence.format(value) if value else sentence.split(":")[0].rstrip(" {}.") + "."
    varied = str(details.get("varied_terms") or "").strip()
    return f"{words} As varied on appeal: {varied}" if varied else words


def terms_from(data: Mapping[str, Any], interventions_field: str = "interventions") -> list[tuple[str, dict[str, Any]]]:
    """(kind, details) for every intervention chosen on a proposal (or a varied decision)."""
    terms = []
    for kind in data.get(interventions_field) or []:
        field = INTERVENTIONS.get(kind, (None, ""))[0]
        details = {field: data.get(field)} if field and data.get(field) else {}
        terms.append((kind, details))
    return terms


def new_restrictions(
    case_id: int, customer_id: int, terms: Sequence[tuple[str, dict[str, Any]]], *, starts_on: date,
    ends_on: date, reasons: str, now: datetime,
) -> list[Restriction]:
    return [
        Restriction(case_id=case_id, customer_id=customer_id, kind=kind, details=details, starts_on=starts_on,
                    ends_on=ends_on, status="active", reasons=reasons, created_at=now)
        for kind, details in terms
    ]


def end_restrictions(restrictions: Sequence[Restriction], status: str, now: datetime) -> None:
    for restriction in restrictions:
        restriction.status = status
        restriction.ended_at = now


def in_force(restriction: Restriction, today: date) -> bool:
    """A restriction ends at the start of its end date, whatever the state of the review or the timer."""
    return restriction.status == "active" and restriction.starts_on <= today < restriction.ends_on


def shown_status(restriction: Restriction, today: date) -> str:
    """The register's status as staff should read it: an active row past its end date has ended."""
    if restriction.status == "active" and today >= restriction.ends_on:
        return "expired"
    return restriction.status
