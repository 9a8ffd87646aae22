"""What each of the policy's decision-makers reads above their decision, in the task page's main column.

The approver sees the whole proposal (interventions and their details, the reasons, what it means for
the customer, the behaviour, the incidents and the adjustments offered and agreed) with the draft
decision letter one click away. The person hearing an appeal sees the customer's grounds, when and how
the appeal came, and the decision being appealed. Read from the tables, never from a workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from service.cases.case_file import CaseSummary, Decision, TaskFile
from service.casework import Casework
from service.dao import audit_dao
from service.history.timeline import version_form
from service.packs.unacceptable_behaviour.dao import case_dates_dao, letters_dao
from service.packs.unacceptable_behaviour.letter_rendering.context import LetterContext
from service.packs.unacceptable_behaviour.models import Adjustment, Incident, Letter
from workflows.forms import FormSchema

if TYPE_CHECKING:
    from service.casework import Casework

PROPOSAL_EVENT = "restriction_proposed"
APPEAL_MESSAGE = "appeal_received"
TEMPLATE = "packs/unacceptable_behaviour/briefs.html"


@dataclass(frozen=True)
class ProposalBrief:
    """The proposal as the approver decides on it."""

    kind = "proposal"
    proposal: Decision | None  # the latest proposal (a proposal returned for changes is replaced)
    incidents: list[tuple[Incident, dict[str, Any]]]
    incident_form: FormSchema | None
    adjustments: list[tuple[Adjustment, FormSchema | None]]
    task_id: str


@dataclass(frozen=True)
class AppealBrief:
    """The appeal as the person hearing it decides on it."""

    kind = "appeal"
    case_reference: str
    received_at: datetime | None  # when it was recorded (None: no appeal recorded on this case)
    answers: dict[str, Any]  # the appeal as recorded: date received, how, grounds (and why accepted late)
    form: FormSchema | None
    decision_letter: Letter | None  # the decision being appealed, as sent (content not loaded)
    decision: LetterContext | None  # what that letter said (its restrictions, dates and reasons)


def proposal_brief(casework: Casework, file: TaskFile) -> ProposalBrief:
    summary = file.summary
    proposals = [d for d in summary.decisions if _event(summary, d.task.element_id) == PROPOSAL_EVENT]
    return ProposalBrief(
        proposal=proposals[0] if proposals else None,  # decisions are newest first
        incidents=[(i, summary.records.incident_answers(i)) for i in summary.records.incidents],
        incident_form=summary.records.incident_form,
        adjustments=[(a, summary.form_for(a.details or {})) for a in summary.records.adjustments],
        task_id=file.task.id,
    )


def appeal_brief(casework: Casework, file: TaskFile) -> AppealBrief:
    summary = file.summary
    message = summary.definition.messages.get(APPEAL_MESSAGE)
    with casework.db.reading() as session:
        appeals = [e for e in audit_dao.list_events_of_type(session, summary.case.instance_id, "message_received")
                   if (e.data or {}).get("message") == APPEAL_MESSAGE and e.occurred_at <= file.task.created_at]
        sent = [letter for letter in letters_dao.list_letters_of_case(session, summary.case.id)
                if letter.status == "sent" and letter.kind in case_dates_dao.ANNOUNCING_LETTERS
                and letter.translation_of_id is None and (not appeals or letter.sent_at <= appeals[-1].occurred_at)]
    latest = appeals[-1] if appeals else None
    letter = max(sent, key=lambda x: (x.sent_at, x.id), default=None)
    return AppealBrief(
        case_reference=summary.case.reference,
        received_at=latest.occurred_at if latest else None,
        answers=dict((latest.data or {}).get("form") or {}) if latest else {},
        form=version_form(summary.version, message.form_key) if message else None,
        decision_letter=letter,
        decision=_said(letter),
    )


def _said(letter: Letter | None) -> LetterContext | None:
    try:
        return LetterContext.from_dict(letter.rendered_from) if letter and letter.rendered_from else None
    except (KeyError, TypeError, ValueError):  # a letter kept in an older shape: its PDF is still linked
        return None


def _event(summary: CaseSummary, element_id: str) -> str | None:
    return summary.definition.case_events.get(element_id)


def _while_open(brief: Callable[[Casework, TaskFile], Any]) -> Callable[[Casework, TaskFile], Any]:
    """A brief is read before deciding: once the step is done, its answers say what was decided."""
    return lambda casework, file: brief(casework, file) if file.task.status == "open" else None


# The policy's decisions, by the case event each step records.
TASK_BRIEFS = {
    "proposal_decided": (TEMPLATE, _while_open(proposal_brief)),
    "appeal_decided": (TEMPLATE, _while_open(appeal_brief)),
}
