"""The letter a notification task will send, shown before it is sent.

Read from the tables, never from a workflow: the answers given so far are the completed task rows'
data, merged in the order the tasks were done (as the workflow merged them), and the restriction
register and agreed adjustments are read as they stand. The same plan (``letter_plans``) then
says what the letter will contain, dated today. The letter actually sent is rendered again when
the task completes, for the date entered then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import NotAllowed, NotFound
from service.casework import Casework
from service.config import Provider
from service.dao import cases_dao, instances_dao, processes_dao, tasks_dao
from service.models import HumanTask
from service.packs.unacceptable_behaviour.dao import letters_dao
from service.packs.unacceptable_behaviour.letter_plans import LETTER_TASKS, LetterTask
from service.packs.unacceptable_behaviour.letter_rendering.context import LetterContext
from service.packs.unacceptable_behaviour.letter_signatures import signed_by
from service.packs.unacceptable_behaviour.letters import store_draft_letter
from service.packs.unacceptable_behaviour.models import Letter
from service.people.actors import Actor
from service.processes.definitions import definition_of
from workflows.calendar import london_date


@dataclass(frozen=True)
class TaskLetter:
    """What the task page shows about the letter its task sends."""

    context: LetterContext | None  # None when the letter cannot be previewed
    problem: str  # why it cannot, in words staff can act on
    drafts: Sequence[Letter]  # newest first; their content is not loaded


def task_letter(casework: Casework, task_id: str, now: datetime) -> TaskLetter | None:
    """The letter an open letter task will send; None for any other task."""
    with casework.db.reading() as session:
        task = _task(session, task_id)
        letter_task = _letter_task(session, task)
        if letter_task is None or task.status != "open":
            return None
        context, problem = _preview(session, task, letter_task, casework.provider, now)
        return TaskLetter(context, problem, letters_dao.list_drafts_of_task(session, task.id))


def preview(casework: Casework, task_id: str, now: datetime) -> LetterContext:
    letter = task_letter(casework, task_id, now)
    if letter is None or letter.context is None:
        raise NotFound("There is no letter to preview for this task.")
    return letter.context


def make_draft(casework: Casework, actor: Actor, task_id: str, now: datetime) -> Letter:
    """Render the preview as a PDF and keep it as a new draft of the task's letter."""
    with casework.db.transaction() as session:
        task = _task(session, task_id)
        letter_task = _letter_task(session, task)
        if letter_task is None or task.status != "open":
            raise NotFound("This task does not send a letter, or has been done.")
        if task.assignee_id != actor.user_id:
            raise NotAllowed("Only the person holding this task can make a draft of its letter.")
        context, problem = _preview(session, task, letter_task, casework.provider, now)
        if context is None:
            raise NotFound(problem)
        case = cases_dao.get_case(session, task.case_id)
        return store_draft_letter(session, case, context, task_id=task.id, actor_id=actor.user_id, now=now)


# A decision step shows the letter its approval would send, before the letter's own task exists.
PROPOSED_LETTERS = {"proposal_decided": "decision_letter_sent"}


def proposed_letter(casework: Casework, task_id: str, now: datetime) -> tuple[str, bytes]:
    """(file name, PDF) of the letter an open decision step would lead to, dated today; never stored."""
    from service.packs.unacceptable_behaviour.letter_rendering.render import render_pdf

    with casework.db.reading() as session:
        task = _task(session, task_id)
        letter_task = LETTER_TASKS.get(PROPOSED_LETTERS.get(_case_event(session, task), ""))
        if letter_task is None or task.status != "open":
            raise NotFound("This step has no draft letter to show.")
        context, problem = _preview(session, task, letter_task, casework.provider, now)
        if context is None:
            raise NotFound(problem)
    return f"{context.case_reference}-draft-{context.kind.value}-{context.letter_date.isoformat()}.pdf", render_pdf(
        context, draft=True)


def answers_so_far(session: Session, case_id: int) -> dict[str, Any]:
    """Everything entered at the case's completed tasks, later answers replacing earlier ones."""
    done = [t for t in tasks_dao.list_tasks_of_case(session, case_id) if t.status == "completed"]
    answers: dict[str, Any] = {}
    for task in sorted(done, key=lambda t: (t.completed_at, t.created_at)):
        answers.update(task.data or {})
    return answers


def _preview(session: Session, task: HumanTask, letter_task: LetterTask, provider: Provider,
             now: datetime) -> tuple[LetterContext | None, str]:
    case = cases_dao.get_case(session, task.case_id)
    try:
        plan = letter_task.plan(session, case, provider, answers_so_far(session, case.id),
                                letter_date=london_date(now), now=now)
    except (KeyError, ValueError) as problem:
        # The case's records do not make a complete letter (for example, no restriction to describe).
        return None, f"The letter cannot be shown yet: {problem}"
    # Signed by whoever holds the task: the person who will send it.
    return signed_by(session, plan.context, task.assignee_id), ""


def _task(session: Session, task_id: str) -> HumanTask:
    task = tasks_dao.get_task(session, task_id)
    if task is None:
        raise NotFound("There is no such task.")
    return task


def _letter_task(session: Session, task: HumanTask) -> LetterTask | None:
    return LETTER_TASKS.get(_case_event(session, task))


def _case_event(session: Session, task: HumanTask) -> str:
    instance = instances_dao.get_instance(session, task.instance_id)
    definition = definition_of(processes_dao.get_version(session, instance.process_version_id))
    return definition.case_events.get(task.element_id, "")
