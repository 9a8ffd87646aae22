"""The policy's one appeal per decision: the hearing by an independent reviewer is the final internal stage."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.cases.errors import Conflict
from service.dao import tasks_dao
from service.models import Case
from service.packs.unacceptable_behaviour.dao import case_dates_dao

APPEAL_MESSAGE = "appeal_received"
HOUSING_OMBUDSMAN = "the Housing Ombudsman (www.housing-ombudsman.org.uk, telephone 0300 111 3000)"
SECOND_APPEAL = (
    "This decision has already been appealed and the appeal has been heard. That hearing was the final stage "
    "of our internal appeal process, so a second appeal against the same decision cannot be recorded, and "
    f"nothing was saved. If the customer is still unhappy, they can contact {HOUSING_OMBUDSMAN}."
)


def refuse_second_appeal(session: Session, case: Case, message: str = APPEAL_MESSAGE) -> None:
    """A decision (the latest decision or extension letter) is appealed once; an extension is a new decision.
    A message check of the pack (``Pack.message_checks``): other messages pass."""
    if message != APPEAL_MESSAGE:
        return
    decided_at = case_dates_dao.latest_decision_letter_sent_at(session, case.id)
    if decided_at is None:
        return
    heard = [at for at, answers in tasks_dao.completed_task_answers(session, case.id)
             if answers.get("appeal_outcome")]
    if any(at >= decided_at for at in heard):
        raise Conflict(SECOND_APPEAL)
