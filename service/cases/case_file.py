"""Everything the case and task pages show, read in one session from the tables (never a workflow)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import NotFound
from service.cases.messages import waits_for_message
from service.cases.waiting import messages_waited_for
from service.casework import Casework
from service.dao import (
    audit_dao,
    cases_dao,
    incidents_dao,
    instances_dao,
    processes_dao,
    tasks_dao,
    users_dao,
)
from service.history.timeline import TimelineEntry, case_timeline, version_form
from service.models import (
    Case,
    CaseNote,
    HumanTask,
    ProcessIncident,
    ProcessInstance,
    ProcessVersion,
)
from service.packs.registry import Pack, SubjectSummary, pack_for, subject_of
from service.people.actors import Actor, parse_actor_list
from service.processes.definitions import definition_of
from workflows.definitions import MessageDefinition, ProcessDefinition
from workflows.forms import FormSchema

# What the case page says whoever started a case did, unless the case's pack words it (Pack.role_words).
OPENER_WORDS = "Started the case"


@dataclass(frozen=True)
class Decision:
    """A completed step and what was entered at it."""

    task: HumanTask
    by: str
    form: FormSchema | None


@dataclass(frozen=True)
class CaseSummary:
    """What anyone acting on a case needs beside them: the panel on every task page."""

    case: Case
    subject: SubjectSummary | None  # who the case is about (Pack.subject); None: no one the platform shows
    version: ProcessVersion
    definition: ProcessDefinition
    waiting_elements: Sequence[str]
    waiting_timers: Sequence[dict[str, Any]]  # as the instance row keeps them: element_id, name, kind, due
    decisions: list[Decision]
    # The case's pack's own records beside a task (Pack.summary_records), or None.
    records: Any = None
    # The pack's panels for the task page's case summary (Pack.summary_panels: a ``panel(summary)`` macro each).
    panels: tuple[str, ...] = ()

    @property
    def waiting_messages(self) -> list[MessageDefinition]:
        """The messages the case is waiting for now, in the diagram's order."""
        if self.case.status != "open":
            return []
        return [m for name, m in self.definition.messages.items()
                if waits_for_message(self.definition, self.waiting_elements, name)]

    def form_for(self, data: dict[str, Any]) -> FormSchema | None:
        return form_covering(self.version, data)


@dataclass(frozen=True)
class CaseFile:
    summary: CaseSummary
    instance: ProcessInstance
    people: list[tuple[str, str]]
    waiting_messages: list[str]
    next_timer_due: datetime | None
    timeline: list[TimelineEntry]
    notes: list[tuple[CaseNote, str]]
    open_tasks: list[tuple[HumanTask, str | None]]
    process_incidents: Sequence[ProcessIncident]  # what the engine could not do, open first
    owner: str = ""  # the named single point of contact


@dataclass(frozen=True)
class TaskFile:
    task: HumanTask
    summary: CaseSummary
    form: FormSchema | None
    instructions: str
    assignee: str | None
    # Whether the task is offered to the person reading it (its groups, or them by name).
    offered_to_you: bool = False
    # People the policy keeps off this step on this case (the approver, say, from hearing the appeal).
    excluded_user_ids: frozenset[int] = frozenset()
    # The answers this step gave last time on this case (a proposal returned for changes), to start from.
    previous_answers: dict[str, Any] = field(default_factory=dict)
    # Who sent the case back to this step, and why: (name, reasons).
    returned_by: tuple[str, str] | None = None
    # Whether the person reading it is one of those kept off it, and whether they hold it.
    excludes_you: bool = False
    held_by_you: bool = False

    @property
    def can_claim(self) -> bool:
        """Claim is offered only on an open, unheld task offered to the reader, who is not kept off it."""
        return (self.task.status == "open" and self.task.assignee_id is None and self.offered_to_you
                and not self.excludes_you)

    @property
    def can_take_over(self) -> bool:
        """A step given to someone by continuity and not yet claimed by them: anyone else it is offered to,
        and who is not kept off it, may take it over."""
        return (self.task.status == "open" and self.task.assignee_id is not None and self.task.claimed_at is None
                and not self.held_by_you and self.offered_to_you and not self.excludes_you)


def load_case_file(casework: Casework, reference: str) -> CaseFile:
    with casework.db.reading() as session:
        case = _case(session, reference)
        instance = instances_dao.get_instance(session, case.instance_id)
        version = processes_dao.get_version(session, instance.process_version_id)
        definition = definition_of(version)
        tasks = tasks_dao.list_tasks_of_case(session, case.id)
        events = audit_dao.list_events(session, instance.id)
        actors = cases_dao.list_actors(session, case.id)
        notes = cases_dao.list_notes(session, case.id)
        names = users_dao.names_by_id(session, [
            case.opened_by_id, case.owner_id, *(e.actor_id for e in events), *(t.assignee_id for t in tasks),
            *(t.completed_by_id for t in tasks), *(a.user_id for a in actors), *(n.author_id for n in notes),
            *((e.data or {}).get("to_user_id") for e in events),
        ])
        summary = _summary(session, case, instance, version, definition, tasks, names)
        is_open = case.status == "open"
        return CaseFile(
            summary=summary,
            instance=instance,
            waiting_messages=messages_waited_for(definition, instance.waiting_elements or []) if is_open else [],
            # The worker keeps the instance's next due timer in this column (the case waits on it).
            next_timer_due=instance.next_timer_due if is_open else None,
            people=_people(case, tasks, actors, definition, names, pack_for(version.process_id)),
            timeline=case_timeline(events, names, version, definition, {t.id: t.form_key for t in tasks}),
            notes=[(n, names.get(n.author_id, "")) for n in notes],
            open_tasks=[(t, names.get(t.assignee_id)) for t in tasks if t.status == "open"],
            owner=names.get(case.owner_id, ""),
            process_incidents=incidents_dao.of_instance(session, instance.id),
        )


def load_task_file(casework: Casework, task_id: str, actor: Actor | None = None) -> TaskFile:
    with casework.db.reading() as session:
        task = tasks_dao.get_task(session, task_id)
        if task is None:
            raise NotFound("There is no such task.")
        case = cases_dao.get_case(session, task.case_id)
        instance = instances_dao.get_instance(session, task.instance_id)
        version = processes_dao.get_version(session, instance.process_version_id)
        definition = definition_of(version)
        tasks = tasks_dao.list_tasks_of_case(session, case.id)
        names = users_dao.names_by_id(session, [t.completed_by_id for t in tasks] + [task.assignee_id])
        spec = definition.user_tasks.get(task.element_id)
        return TaskFile(
            task=task,
            summary=_summary(session, case, instance, version, definition, tasks, names),
            form=version_form(version, task.form_key),
            instructions=(spec.documentation or "") if spec else "",
            assignee=names.get(task.assignee_id),
            offered_to_you=actor is not None and actor.is_offered(
                task.candidate_groups, tasks_dao.candidate_user_ids(session, task.id)),
            excluded_user_ids=(excluded := _excluded(session, case.id, spec)),
            excludes_you=actor is not None and actor.user_id in excluded,
            held_by_you=actor is not None and task.assignee_id == actor.user_id,
            previous_answers=_previous_answers(task, tasks),
            returned_by=_returned_by(task, tasks, names),
        )


def _people(case: Case, tasks, actors, definition, names: dict[int, str], pack: Pack | None) -> list[tuple[str, str]]:
    """Everyone who took part, with what each of them did, in order; one line per distinct action."""
    role_words = pack.role_words if pack else {}
    decision_words = pack.decision_words if pack else {}
    people = [(names.get(case.opened_by_id, ""), role_words.get("opener", OPENER_WORDS))]
    done = sorted((t for t in tasks if t.status == "completed" and t.completed_by_id), key=lambda t: t.completed_at)
    for task in done:
        spec = definition.user_tasks.get(task.element_id)
        role = spec.properties.get("recordsActor") if spec else None
        if role:
            people.append((names.get(task.completed_by_id, ""),
                           _action_words(role, task.data or {}, role_words, decision_words)))
    recorded = {name for name, _ in people}
    # Actors recorded without a task row (older cases, imports) are still named.
    people += [(names.get(a.user_id, ""), _role_words(a.role, role_words))
               for a in actors if names.get(a.user_id, "") not in recorded]
    return list(dict.fromkeys(people))


def _action_words(role: str, answers: dict, role_words, decision_words) -> str:
    """What a decision-maker actually did, by their answer where the pack words it ("Returned the proposal
    for changes" is not "Approved"), else by the role the step records."""
    for question, words in decision_words.items():
        if answers.get(question) in words:
            return words[answers[question]]
    return _role_words(role, role_words)


def _role_words(role: str, role_words) -> str:
    return role_words.get(role, role.replace("_", " ").capitalize())


def _earlier_completed(task: HumanTask, tasks) -> list[HumanTask]:
    done = [t for t in tasks if t.status == "completed" and t.completed_at and t.completed_at <= task.created_at]
    return sorted(done, key=lambda t: t.completed_at)


def _previous_answers(task: HumanTask, tasks) -> dict[str, Any]:
    if task.status != "open":
        return {}
    same = [t for t in _earlier_completed(task, tasks) if t.element_id == task.element_id]
    return dict(same[-1].data or {}) if same else {}


def _returned_by(task: HumanTask, tasks, names: dict[int, str]) -> tuple[str, str] | None:
    """The decision that sent this step back: a task completed by the very step that opened this one
    (same instant) whose answer returned it for changes. Found by that instant, not by order, since
    tasks completed at one instant have no order of their own."""
    if task.status != "open":
        return None
    returning = [t for t in tasks if t.status == "completed" and t.completed_at == task.created_at
                 and (t.data or {}).get("approval_decision") == "return"]
    if not returning:
        return None
    last = returning[-1]
    return names.get(last.completed_by_id, "The approver"), str((last.data or {}).get("approval_reasons", ""))


def _excluded(session: Session, case_id: int, spec) -> frozenset[int]:
    roles = set(parse_actor_list(spec.properties.get("excludedActors"))) if spec else set()
    return frozenset(a.user_id for a in cases_dao.list_actors(session, case_id) if a.role in roles)


def load_case_summary(casework: Casework, reference: str) -> CaseSummary:
    with casework.db.reading() as session:
        case = _case(session, reference)
        instance = instances_dao.get_instance(session, case.instance_id)
        version = processes_dao.get_version(session, instance.process_version_id)
        tasks = tasks_dao.list_tasks_of_case(session, case.id)
        names = users_dao.names_by_id(session, [t.completed_by_id for t in tasks])
        return _summary(session, case, instance, version, definition_of(version), tasks, names)


def _case(session: Session, reference: str) -> Case:
    case = cases_dao.get_case_by_reference(session, reference.strip().upper())
    if case is None:
        raise NotFound("There is no case with that reference.")
    return case


def load_start_form(casework: Casework, process_id: str) -> FormSchema | None:
    """The form that starts the latest version of ``process_id``; None if it has not been deployed."""
    with casework.db.reading() as session:
        version = processes_dao.get_latest_version(session, process_id)
        return version_form(version, definition_of(version).start_form_key) if version else None


def form_covering(version: ProcessVersion, data: dict[str, Any]) -> FormSchema | None:
    """The version's form that asks the most of these answers: gives stored records their questions."""
    keys = set(data)
    best = max(version.forms or {}, key=lambda k: len(keys & set(version.forms[k].get("properties", {}))),
               default=None)
    if best is None or not keys & set(version.forms[best].get("properties", {})):
        return None
    return version_form(version, best)


def _summary(session: Session, case: Case, instance: ProcessInstance, version: ProcessVersion,
             definition: ProcessDefinition, tasks: Sequence[HumanTask], names: dict[int, str]) -> CaseSummary:
    pack = pack_for(version.process_id)
    return CaseSummary(
        case=case,
        subject=subject_of(session, case, version.process_id),
        version=version,
        definition=definition,
        waiting_elements=list(instance.waiting_elements or []),
        waiting_timers=[{**t, "due": datetime.fromisoformat(t["due"])} for t in instance.waiting_timers or []],
        decisions=[
            Decision(t, names.get(t.completed_by_id, ""), version_form(version, t.form_key))
            for t in reversed(tasks) if t.status == "completed"
        ],
        records=pack.summary_records(session, case, version, definition) if pack and pack.summary_records else None,
        panels=pack.summary_panels if pack else (),
    )
