"""What each of the policy's letters says, and which restrictions it starts or ends, from the case's own data.

One plan per letter task. The case-event handlers (``policy_records``) carry a plan out when the
letter is sent; the task page previews the same plan before, from the answers given so far and the
restriction register, so staff see the letter that will be sent. Nothing here writes: new
restrictions are returned unsaved, restrictions to end are only named.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from service.config import Provider
from service.dao import cases_dao, users_dao
from service.models import Case
from service.packs.unacceptable_behaviour.dao import customers_dao, records_dao
from service.packs.unacceptable_behaviour.letter_rendering.context import LetterContext
from service.packs.unacceptable_behaviour.letters import build_context
from service.packs.unacceptable_behaviour.models import Restriction
from service.packs.unacceptable_behaviour.restrictions import new_restrictions, terms_from
from workflows.calendar import add_months, london_date

OUTCOMES = {"uphold": "upheld", "overturn": "overturned", "vary": "varied"}


@dataclass(frozen=True)
class LetterPlan:
    context: LetterContext
    ending: Sequence[Restriction] = ()  # restrictions this letter replaces, ended with status ``ends_as``
    ends_as: str = ""
    starting: Sequence[Restriction] = ()  # new restriction rows, not yet added to the session


Plan = Callable[..., LetterPlan]


def decision_letter(session: Session, case: Case, provider: Provider, data: Mapping[str, Any], *,
                    letter_date: date, now: datetime) -> LetterPlan:
    """A decision (or, when a restriction is already in force, an extension): 12 months from the letter."""
    ends_on = add_months(letter_date, 12)
    active = list(records_dao.list_active_restrictions_of_case(session, case.id))
    terms = terms_from(data) or [(r.kind, r.details) for r in active]
    reasons = (data.get("review_reasons") if active else None) or data.get("proposal_reasons", "")
    customer_id = customers_dao.customer_id_of_case(session, case.id)
    starting = new_restrictions(case.id, customer_id, terms, starts_on=letter_date, ends_on=ends_on, reasons=reasons,
                                now=now)
    context = build_context(
        session, case, provider, kind="extension" if active else "decision", letter_date=letter_date,
        restrictions=starting, reasons=reasons, what_it_means=data.get("what_it_means", ""), start=letter_date,
        end=ends_on, previous_end=max((r.ends_on for r in active), default=None) if active else None,
    )
    return LetterPlan(context, ending=active, ends_as="extended", starting=starting)


def appeal_outcome_letter(session: Session, case: Case, provider: Provider, data: Mapping[str, Any], *,
                          letter_date: date, now: datetime) -> LetterPlan:
    """Upheld: the restrictions stand. Overturned: they were lifted when the appeal was decided.
    Varied: new restrictions replace them, keeping the start date, with the end date the reviewer set."""
    outcome = OUTCOMES[data["appeal_outcome"]]
    if outcome == "overturned":
        shown = _latest_lifted_on_appeal(session, case)
    else:
        shown = list(records_dao.list_active_restrictions_of_case(session, case.id))
    start = min((r.starts_on for r in shown), default=letter_date)
    end = max((r.ends_on for r in shown), default=letter_date)
    ending, starting, previous_end = [], [], None
    if outcome == "overturned":
        # Lifted the moment the appeal was decided: that day is the day it ended.
        end = max((london_date(r.ended_at) for r in shown if r.ended_at), default=letter_date)
    elif outcome == "varied":
        new_end = date.fromisoformat(data["appeal_new_end_date"]) if data.get("appeal_end_date_changed") else end
        previous_end = end if new_end != end else None
        terms = [(kind, {**details, "varied_terms": data.get("varied_restrictions")})
                 for kind, details in terms_from(data, "varied_interventions")]
        ending, end = shown, new_end
        customer_id = customers_dao.customer_id_of_case(session, case.id)
        shown = starting = new_restrictions(case.id, customer_id, terms, starts_on=start, ends_on=new_end,
                                            reasons=data.get("appeal_reasons", ""), now=now)
    context = build_context(
        session, case, provider, kind="appeal_outcome", letter_date=letter_date, restrictions=shown,
        reasons=data.get("appeal_reasons", ""), what_it_means="", start=start, end=end, appeal_outcome=outcome,
        reviewer_role=_reviewer_role(session, case), previous_end=previous_end,
    )
    return LetterPlan(context, ending=ending, ends_as="varied", starting=starting)


def restriction_ended_letter(session: Session, case: Case, provider: Provider, data: Mapping[str, Any], *,
                             letter_date: date, now: datetime) -> LetterPlan:
    ended = [r for r in records_dao.list_restrictions_of_case(session, case.id) if r.status == "expired"]
    context = build_context(
        session, case, provider, kind="restriction_ended", letter_date=letter_date, restrictions=ended,
        reasons="The 12 months of the restriction have passed.", what_it_means="",
        start=min((r.starts_on for r in ended), default=letter_date),
        end=max((r.ends_on for r in ended), default=letter_date),
    )
    return LetterPlan(context)


@dataclass(frozen=True)
class LetterTask:
    """A letter task's plan, and the answers on its form that say when and how the letter went."""

    plan: Plan
    date_field: str
    method_field: str


# The case event a letter task names in the diagram -> what that task sends.
LETTER_TASKS: dict[str, LetterTask] = {
    "decision_letter_sent": LetterTask(decision_letter, "letter_sent_on", "letter_sent_by"),
    "appeal_outcome_letter_sent": LetterTask(appeal_outcome_letter, "outcome_letter_sent_on", "outcome_letter_sent_by"),
    "restriction_ended_letter_sent": LetterTask(restriction_ended_letter, "ended_letter_sent_on",
                                                "ended_letter_sent_by"),
}


def _latest_lifted_on_appeal(session: Session, case: Case) -> list[Restriction]:
    lifted = [r for r in records_dao.list_restrictions_of_case(session, case.id) if r.status == "lifted_on_appeal"]
    latest = max((r.ended_at for r in lifted), default=None)
    return [r for r in lifted if r.ended_at == latest]


def _reviewer_role(session: Session, case: Case) -> str:
    """The role title of whoever heard the appeal; letters name a role, never a person."""
    reviewers = [a for a in cases_dao.list_actors(session, case.id) if a.role == "reviewer"]
    reviewer = users_dao.get_user(session, reviewers[-1].user_id) if reviewers else None
    return reviewer.job_title if reviewer and reviewer.job_title else "independent reviewer"
