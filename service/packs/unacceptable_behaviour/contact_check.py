"""May we contact this customer this way, at this time? The answer the telephony system asks for.

Emergencies and urgent health-and-safety repairs are always allowed, whatever the restriction.
Rules that a machine cannot judge (specified matters, days and times written in words) allow the
contact with a condition for the member of staff to apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from service.packs.unacceptable_behaviour.contact_rules import ALWAYS_ALLOWED, permitted_contact
from service.packs.unacceptable_behaviour.models import Restriction

CHANNELS = ("telephone", "face_to_face", "video_call", "text_message", "letter", "email", "social_media",
            "other_digital")
# A single-method restriction names one of these; which channels count as that method.
METHOD_CHANNELS = {"email": {"email"}, "letter": {"letter"}, "telephone": {"telephone"}}


@dataclass(frozen=True)
class ContactDecision:
    allowed: bool
    reasons: list[str]
    conditions: list[str] = field(default_factory=list)
    restrictions: list[Restriction] = field(default_factory=list)


def check_contact(restrictions: Sequence[Restriction], channel: str, on: date, *, emergency: bool) -> ContactDecision:
    in_force = [r for r in restrictions if r.status == "active" and r.starts_on <= on < r.ends_on]
    if emergency:
        return ContactDecision(True, [ALWAYS_ALLOWED], [], in_force)
    if not in_force:
        return ContactDecision(True, ["No restriction is in force for this customer on that date."], [], [])
    refusals, conditions = [], []
    for restriction in in_force:
        if restriction.kind == "single_communication_method":
            method = (restriction.details or {}).get("contact_method")
            if method in METHOD_CHANNELS and channel not in METHOD_CHANNELS[method]:
                refusals.extend(permitted_contact(restriction))
                continue
        conditions.extend(permitted_contact(restriction))
    if refusals:
        return ContactDecision(False, [*refusals, ALWAYS_ALLOWED], conditions, in_force)
    return ContactDecision(True, ["The restriction in force allows this channel."], conditions, in_force)
