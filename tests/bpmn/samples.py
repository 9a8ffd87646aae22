"""Answers staff might give on each form, as a browser would send them ("yes"/"no", lists).

Each builder returns a complete, valid answer; keyword arguments replace fields. The scenario
driver passes every answer through the form's validator, so these must stay valid.
"""

from __future__ import annotations

from typing import Any


def _with(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    merged = {**base, **changes}
    return {k: v for k, v in merged.items() if v is not None}


def incident(**changes: Any) -> dict[str, Any]:
    return _with(
        {
            "new_customer": "no",
            "customer_reference": "SH-004211",
            "occurred_at": "2026-03-02T09:05",
            "channels": ["telephone", "email"],
            "behaviour_categories": ["aggressive_intimidating_abusive"],
            "violence_or_threats": "no",
            "what_happened": "The customer shouted and swore at the call handler about a repair.",
            "staff_affected": "J. Smith, customer services adviser",
            "crime_suspected": "no",
            "safeguarding_concern": "no",
            # Read only when the customer already has an open case (many tests open several for one customer).
            "new_case_reason": "A separate matter from any case already open.",
        },
        changes,
    )


def assessment(outcome: str, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "assessment_outcome": outcome,
            "assessment_reasons": "Considered the call recording and the customer's history.",
            "crime_suspected": "no",
            "safeguarding_concern": "no",
        },
        changes,
    )


def informal_resolution(outcome: str, on: str) -> dict[str, Any]:
    return {
        "informal_actions": ["conversation", "clear_warning"],
        "informal_resolution_on": on,
        "informal_notes": "Explained the impact on staff; the customer apologised.",
        "informal_outcome": outcome,
    }


def adjustments(outcome: str, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "customer_asked": "yes",
            "customer_request": "Letters in large print.",
            "adjustments_considered": ["large_print", "clear_warnings"],
            "adjustments_offered": ["large_print", "clear_warnings"],
            "adjustments_agreed": ["large_print"],
            "vulnerability_considerations": "The customer has a visual impairment; no other vulnerability is known.",
            "letter_format": "large_print",
            "adjustments_outcome": outcome,
        },
        changes,
    )


def adjustments_in_translation(outcome: str, language: str = "Polish") -> dict[str, Any]:
    """Adjustments agreeing that letters go to the customer in translation."""
    return adjustments(
        outcome,
        customer_request=f"Letters in {language}.",
        adjustments_considered=["translation"],
        adjustments_offered=["translation"],
        adjustments_agreed=["translation"],
        translation_language=language,
        letter_format="translation",
    )


def proposal(**changes: Any) -> dict[str, Any]:
    return _with(
        {
            "interventions": ["single_point_of_contact", "single_communication_method"],
            "contact_person": "A. Patel, senior caseworker",
            "contact_method": "email",
            "behaviour_categories": ["aggressive_intimidating_abusive"],
            "violence_or_threats": "no",
            "proposal_reasons": "Abuse continued after a clear warning and adjustments.",
            "what_it_means": "Contact us by email only, through your named contact.",
        },
        changes,
    )


def approval(decision: str) -> dict[str, Any]:
    return {"approval_decision": decision, "approval_reasons": "Proportionate after informal steps."}


def decision_letter(sent_on: str) -> dict[str, Any]:
    return {
        "letter_contents": ["decision", "why", "what_it_means", "how_to_appeal", "end_date", "agreed_format"],
        "letter_sent_on": sent_on,
        "letter_sent_by": "post",
    }


def review(decision: str) -> dict[str, Any]:
    reasons = "The customer abused staff again in March." if decision == "extend" else ""
    return {"review_decision": decision, "review_reasons": reasons}


def appeal_received(today: str, **changes: Any) -> dict[str, Any]:
    return _with(
        {
            "appeal_received_on": today,
            "appeal_received_via": "letter",
            "appeal_grounds": "The customer says the calls were about an urgent leak.",
        },
        changes,
    )


def appeal_decision(outcome: str, **changes: Any) -> dict[str, Any]:
    return _with({"appeal_outcome": outcome, "appeal_reasons": "Considered the grounds and the record."}, changes)


def letter_sent(prefix: str, sent_on: str) -> dict[str, Any]:
    return {f"{prefix}_sent_on": sent_on, f"{prefix}_sent_by": "email"}


def translated_letter(sent_on: str, letter_id: str = "1") -> dict[str, Any]:
    """The attached translation: ``letter_id`` is the id the service gave the uploaded PDF."""
    return {"translated_letter": letter_id, "translation_sent_on": sent_on, "translation_sent_by": "post"}


def police_referral(done_on: str) -> dict[str, Any]:
    return {"police_reference": "CAD-1234-02MAR26", "police_referred_on": done_on, "police_notes": ""}


def safeguarding_alert(done_on: str) -> dict[str, Any]:
    return {"safeguarding_reference": "MASH-88812", "safeguarding_alerted_on": done_on}
