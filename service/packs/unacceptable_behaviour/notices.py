"""The policy's notices: what they say, and the restriction reviews coming up that the worker looks for.

An appeal received and a further incident are queued by the steps that record them; a review coming up
is nobody's step, so the worker's scan finds it (``Pack.notice_scans``) and the platform writes it once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from service.packs.registry import NoticeText, ScheduledNotice
from service.packs.unacceptable_behaviour.dao import records_dao
from workflows.calendar import add_months, london_date

# The review task opens one month before a restriction ends (the policy diagram); people holding the
# case hear a week before that.
REVIEW_NOTICE_BEFORE = timedelta(days=7)

NOTICE_TEXTS = {
    "review_due": NoticeText(
        subject="Restriction review coming up on case {case}",
        opening="A restriction on case {case} comes up for review soon: it ends on {ends_on}.",
        choice="A restriction on a case I hold is coming up for review", webhook=True),
    "appeal_received": NoticeText(
        subject="Appeal received on case {case}", opening="An appeal has been received on case {case}.",
        choice="An appeal is received on a case I hold", webhook=True),
    "incident_recorded": NoticeText(
        subject="Further incident recorded on case {case}",
        opening="A further incident has been recorded on case {case}.",
        choice="A further incident is recorded on a case I hold", webhook=True),
}


def reviews_coming_up(session: Session, now: datetime) -> list[ScheduledNotice]:
    """A notice for each case with a restriction whose review opens within the week: one per case and end
    date, however many restrictions end together (they share the notice's key)."""
    today = london_date(now)
    ending = records_dao.list_restrictions_in_force_ending(
        session, today, add_months(today, 1) + REVIEW_NOTICE_BEFORE + timedelta(days=3))
    return [ScheduledNotice("review_due", restriction.case_id,
                            f"review_due:{restriction.case_id}:{restriction.ends_on.isoformat()}",
                            {"ends_on": f"{restriction.ends_on:%-d %B %Y}"})
            for restriction in ending if add_months(restriction.ends_on, -1) - REVIEW_NOTICE_BEFORE <= today]
