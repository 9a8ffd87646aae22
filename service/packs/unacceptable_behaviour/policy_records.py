"""Handlers for the policy's case events: adjustments, restrictions and the letters that announce them.

Each handler receives the data as it stood when its element completed (see ``case_events.apply``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from service.packs.unacceptable_behaviour import case_outcomes, translations  # noqa: F401 - registers the handler that says how a case closed
from service.packs.unacceptable_behaviour.customer_contact import refuse_unreachable
from service.packs.unacceptable_behaviour.dao import customers_dao, records_dao
from service.packs.unacceptable_behaviour.letter_plans import LETTER_TASKS
from service.packs.unacceptable_behaviour.letter_signatures import signed_by
from service.packs.unacceptable_behaviour.letters import agreed_letter_format, store_sent_letter
from service.packs.unacceptable_behaviour.models import Adjustment, Incident
from service.packs.unacceptable_behaviour.restrictions import end_restrictions
from service.people.actors import Actor
from service.processes.case_events import handles
from service.tasks.steps import StepContext
from workflows.calendar import LONDON

_EVENTS_WITHOUT_RECORDS = (
    "incident_assessed", "informal_resolution_tried", "restriction_proposed", "proposal_decided",
    "review_decided", "appeal_received", "police_referral_done", "safeguarding_alert_done",
)


for _name in _EVENTS_WITHOUT_RECORDS:
    # Recorded in the audit log (with the form data) and the task rows; no register to update.
    handles(_name)(lambda ctx, actor, data: None)


@handles("adjustments_recorded")
def record_adjustments(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    fields = ("customer_asked", "customer_request", "customer_not_asked_reason", "adjustments_considered",
              "adjustments_offered", "adjustments_agreed", "communication_method", "paper_colour", "text_colour",
              "translation_language", "adjustments_other", "vulnerability_considerations", "adjustments_outcome")
    ctx.session.add(Adjustment(
        case_id=ctx.case.id, details={k: data[k] for k in fields if k in data},
        letter_format=agreed_letter_format(data), recorded_by_id=actor.user_id if actor else None,
        recorded_at=ctx.now,
    ))


@handles("decision_letter_sent")
def send_decision_letter(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    """A decision (or, when a restriction is already in force, an extension): 12 months from the letter."""
    _send(ctx, actor, "decision_letter_sent", data)


@handles("restriction_dates_set")
def keep_register_dates(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    """The diagram's dates are the ones its timer uses: the register must say the same."""
    ends_on = data.get("restriction_ends_on")
    if ends_on:
        for restriction in records_dao.list_active_restrictions_of_case(ctx.session, ctx.case.id):
            restriction.ends_on = date.fromisoformat(ends_on)


@handles("appeal_decided")
def decide_appeal(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    """An overturned decision lifts the restriction at once; the outcome letter follows."""
    if data.get("appeal_outcome") == "overturn":
        end_restrictions(records_dao.list_active_restrictions_of_case(ctx.session, ctx.case.id), "lifted_on_appeal",
                         ctx.now)


@handles("appeal_outcome_letter_sent")
def send_appeal_outcome_letter(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    _send(ctx, actor, "appeal_outcome_letter_sent", data)


@handles("restriction_expired")
def expire_restrictions(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    end_restrictions(records_dao.list_active_restrictions_of_case(ctx.session, ctx.case.id), "expired", ctx.now)


@handles("restriction_ended_letter_sent")
def send_restriction_ended_letter(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    _send(ctx, actor, "restriction_ended_letter_sent", data)


@handles("translated_letter_sent")
def attach_translated_letter(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    translations.mark_translation_sent(ctx.session, ctx.case, data, sent_by_id=actor.user_id if actor else None,
                                       now=ctx.now)


def _send(ctx: StepContext, actor: Actor | None, event: str, data: Mapping[str, Any]) -> None:
    """Carry out the letter's plan (the one the task page previewed) and store the letter as sent."""
    task = LETTER_TASKS[event]
    refuse_unreachable(customers_dao.customer_of_case(ctx.session, ctx.case.id), data.get(task.method_field),
                       task.method_field)
    plan = task.plan(ctx.session, ctx.case, ctx.provider, data, letter_date=date.fromisoformat(data[task.date_field]),
                     now=ctx.now)
    end_restrictions(plan.ending, plan.ends_as, ctx.now)
    ctx.session.add_all(plan.starting)
    sender_id = actor.user_id if actor else None
    store_sent_letter(ctx.session, ctx.case, signed_by(ctx.session, plan.context, sender_id), actor_id=sender_id,
                      method=data.get(task.method_field), now=ctx.now)


@handles("incident_recorded")
def record_incident(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    ctx.session.add(Incident(
        case_id=ctx.case.id,
        customer_id=customers_dao.customer_id_of_case(ctx.session, ctx.case.id),
        occurred_at=_local_instant(data.get("incident_datetime") or data.get("occurred_at")) or ctx.now,
        channels=list(data.get("channels", [])),
        categories=list(data.get("behaviour_categories", [])),
        description=data.get("what_happened", ""),
        details={k: v for k, v in data.items() if k not in {"what_happened"}},
        recorded_by_id=actor.user_id if actor else None,
        recorded_at=ctx.now,
    ))


def _local_instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=LONDON)).astimezone(UTC)
