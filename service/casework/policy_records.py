"""Handlers for the policy's case events: adjustments, restrictions and the letters that announce them.

Each handler receives the data as it stood when its element completed (see ``case_events.apply``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from service.casework.actors import Actor
from service.casework.case_events import handles
from service.casework.letters import agreed_letter_format, build_context, store_sent_letter
from service.casework.restrictions import end_restrictions, new_restrictions, terms_from
from service.casework.steps import StepContext
from service.dao import cases_dao, users_dao
from service.models import Adjustment
from workflows.calendar import add_months

_EVENTS_WITHOUT_RECORDS = (
    "incident_assessed", "informal_resolution_tried", "restriction_proposed", "proposal_decided",
    "review_decided", "appeal_received", "police_referral_done", "safeguarding_alert_done", "case_closed",
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
    letter_date = date.fromisoformat(data["letter_sent_on"])
    ends_on = add_months(letter_date, 12)
    active = cases_dao.list_active_restrictions_of_case(ctx.session, ctx.case.id)
    previous_end = max((r.ends_on for r in active), default=None)
    terms = terms_from(data) or [(r.kind, r.details) for r in active]
    reasons = data.get("review_reasons") if active else data.get("proposal_reasons")
    end_restrictions(active, "extended", ctx.now)
    restrictions = new_restrictions(ctx.case.id, ctx.case.customer_id, terms, starts_on=letter_date, ends_on=ends_on,
                                    reasons=reasons or data.get("proposal_reasons", ""), now=ctx.now)
    ctx.session.add_all(restrictions)
    context = build_context(
        ctx.session, ctx.case, ctx.provider, kind="extension" if active else "decision", letter_date=letter_date,
        restrictions=restrictions, reasons=reasons or data.get("proposal_reasons", ""),
        what_it_means=data.get("what_it_means", ""), start=letter_date, end=ends_on,
        previous_end=previous_end if active else None,
    )
    store_sent_letter(ctx.session, ctx.case, context, actor_id=actor.user_id if actor else None,
                      method=data.get("letter_sent_by"), now=ctx.now)


@handles("restriction_dates_set")
def keep_register_dates(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    """The diagram's dates are the ones its timer uses: the register must say the same."""
    ends_on = data.get("restriction_ends_on")
    if ends_on:
        for restriction in cases_dao.list_active_restrictions_of_case(ctx.session, ctx.case.id):
            restriction.ends_on = date.fromisoformat(ends_on)


@handles("appeal_decided")
def decide_appeal(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    """An overturned decision lifts the restriction at once; the outcome letter follows."""
    if data.get("appeal_outcome") == "overturn":
        end_restrictions(cases_dao.list_active_restrictions_of_case(ctx.session, ctx.case.id), "lifted_on_appeal",
                         ctx.now)


@handles("appeal_outcome_letter_sent")
def send_appeal_outcome_letter(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    outcome = {"uphold": "upheld", "overturn": "overturned", "vary": "varied"}[data["appeal_outcome"]]
    letter_date = date.fromisoformat(data["outcome_letter_sent_on"])
    if outcome == "overturned":
        active = _latest_decision(ctx, "lifted_on_appeal")
    else:
        active = list(cases_dao.list_active_restrictions_of_case(ctx.session, ctx.case.id))
    start = min((r.starts_on for r in active), default=letter_date)
    end = max((r.ends_on for r in active), default=letter_date)
    shown, previous_end = active, None
    if outcome == "overturned":
        end = max(letter_date, start + timedelta(days=1))  # lifted when the appeal was decided
    elif outcome == "varied":
        new_end = date.fromisoformat(data["appeal_new_end_date"]) if data.get("appeal_end_date_changed") else end
        previous_end = end if new_end != end else None
        end_restrictions(active, "varied", ctx.now)
        terms = [(kind, {**details, "varied_terms": data.get("varied_restrictions")})
                 for kind, details in terms_from(data, "varied_interventions")]
        shown = new_restrictions(ctx.case.id, ctx.case.customer_id, terms, starts_on=start, ends_on=new_end,
                                 reasons=data.get("appeal_reasons", ""), now=ctx.now)
        ctx.session.add_all(shown)
        end = new_end
    reviewer = users_dao.get_user(ctx.session, actor.user_id) if actor else None
    context = build_context(
        ctx.session, ctx.case, ctx.provider, kind="appeal_outcome", letter_date=letter_date, restrictions=shown,
        reasons=data.get("appeal_reasons", ""), what_it_means="", start=start, end=end, appeal_outcome=outcome,
        reviewer_role=(reviewer.job_title if reviewer and reviewer.job_title else "independent reviewer"),
        previous_end=previous_end,
    )
    store_sent_letter(ctx.session, ctx.case, context, actor_id=actor.user_id if actor else None,
                      method=data.get("outcome_letter_sent_by"), now=ctx.now)


def _latest_decision(ctx: StepContext, status: str) -> list:
    ended = [r for r in cases_dao.list_restrictions_of_case(ctx.session, ctx.case.id) if r.status == status]
    latest = max((r.ended_at for r in ended), default=None)
    return [r for r in ended if r.ended_at == latest]


@handles("restriction_expired")
def expire_restrictions(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    end_restrictions(cases_dao.list_active_restrictions_of_case(ctx.session, ctx.case.id), "expired", ctx.now)


@handles("restriction_ended_letter_sent")
def send_restriction_ended_letter(ctx: StepContext, actor: Actor | None, data: Mapping[str, Any]) -> None:
    ended = [r for r in cases_dao.list_restrictions_of_case(ctx.session, ctx.case.id) if r.status == "expired"]
    letter_date = date.fromisoformat(data["ended_letter_sent_on"])
    start = min(r.starts_on for r in ended)
    end = max(r.ends_on for r in ended)
    context = build_context(
        ctx.session, ctx.case, ctx.provider, kind="restriction_ended", letter_date=letter_date, restrictions=ended,
        reasons="The 12 months of the restriction have passed.", what_it_means="", start=start, end=end,
    )
    store_sent_letter(ctx.session, ctx.case, context, actor_id=actor.user_id if actor else None,
                      method=data.get("ended_letter_sent_by"), now=ctx.now)
