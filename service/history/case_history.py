"""A case's history as an auditor reads it, from the audit log alone (never the workflow's state).

The path the case took comes from the ``path`` each step recorded on its first event; where it
stands now from the instance's waiting elements. The data as it stood after any step is rebuilt
by replaying the answers recorded on the events up to that step, so it shows what the record
said then, whatever happened to the case afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.cases import evidence_files
from service.cases.case_file import form_covering
from service.cases.case_records import NOTE_FORM
from service.cases.errors import NotFound
from service.cases.reading import refuse_unless_may_read
from service.casework import Casework
from service.dao import (
    audit_dao,
    cases_dao,
    history_dao,
    incidents_dao,
    instances_dao,
    processes_dao,
    tasks_dao,
    users_dao,
)
from service.history.timeline import case_timeline
from service.models import AuditEvent, Case, ProcessIncident, ProcessInstance, ProcessVersion
from service.packs.registry import SubjectSummary, pack_for, subject_of
from service.people.actors import Actor
from service.processes.definitions import definition_of
from workflows.forms import FormSchema

# Events whose answers became the case's data. A further incident's answers are kept on its own
# record and never replace the first incident's.
DATA_EVENTS = frozenset({"case_started", "task_completed", "message_received"})
# Events whose answers are part of the record but kept apart from the case's data: shown as given (with a
# pack's own start-form events, ``Pack.start_form_events``: the policy's further incidents).
KEPT_APART_EVENTS = frozenset({"note_added"})


@dataclass(frozen=True)
class HistoryEvent:
    seq: int
    at: datetime
    who: str
    roles: tuple[str, ...]
    what: str
    task_name: str | None
    detail: str
    form: FormSchema | None
    changed: Mapping[str, Any]  # the answers this step gave that differ from what the record said
    replaced: Mapping[str, Any]  # what those answers replaced
    redacted: bool
    kept_apart: bool = False  # a further incident or a note: its answers never became the case's data


@dataclass(frozen=True)
class DataSection:
    """Answers in the record, grouped by the step that last gave them."""

    seq: int
    title: str
    form: FormSchema | None
    answers: Mapping[str, Any]


@dataclass(frozen=True)
class CaseHistory:
    case: Case
    subject: SubjectSummary | None  # who the case is about (Pack.subject), or None
    instance: ProcessInstance
    version: ProcessVersion
    events: list[HistoryEvent]  # oldest first
    path: list[str]  # the elements the case passed, in the order first reached, by name
    current: list[str]
    at_seq: int  # the step the data is shown after
    data: list[DataSection]
    names: Mapping[int, str]
    process_incidents: Sequence[ProcessIncident] = ()
    # The pack's sections at the end of the history (Pack.history_panels) and what they read (Pack.history_view).
    panels: tuple[str, ...] = ()
    view: Any = None

    @property
    def data_steps(self) -> list[HistoryEvent]:
        """The steps after which the data can be shown: those that changed it."""
        return [e for e in self.events if e.changed and not e.kept_apart]


def load_case_history(casework: Casework, reference: str, at_seq: int | None = None) -> CaseHistory:
    with casework.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, reference.strip().upper())
        if case is None:
            raise NotFound("There is no case with that reference.")
        instance = instances_dao.get_instance(session, case.instance_id)
        version = processes_dao.get_version(session, instance.process_version_id)
        definition = definition_of(version)
        events = audit_dao.list_events(session, instance.id)
        tasks = tasks_dao.list_tasks_of_case(session, case.id)
        names = users_dao.names_by_id(session, [
            *(e.actor_id for e in events), *((e.data or {}).get("to_user_id") for e in events),
        ])
        subject = subject_of(session, case, version.process_id)
        pack = pack_for(version.process_id)
        view = pack.history_view(session, case) if pack and pack.history_view else None
        process_incidents = incidents_dao.of_instance(session, instance.id)
    entries = list(reversed(case_timeline(events, names, version, definition, {t.id: t.form_key for t in tasks})))
    kept_apart = KEPT_APART_EVENTS | set(pack.start_form_events if pack else ())
    history = [
        _history_event(e, entry, changed, replaced, kept_apart)
        for e, entry, (changed, replaced) in zip(events, entries, _changes(events), strict=True)
    ]
    shown = min(at_seq, len(events)) if at_seq and at_seq > 0 else len(events)
    completed, _ = path_taken(e.data or {} for e in events)
    return CaseHistory(
        case=case, subject=subject, instance=instance, version=version, events=history,
        path=[definition.element_names.get(e, e) for e in completed],
        current=[definition.element_names.get(e, e) for e in instance.waiting_elements or []],
        at_seq=shown, data=_data_after(events[:shown], history, version), names=names,
        process_incidents=process_incidents, panels=pack.history_panels if pack else (), view=view,
    )


def case_events(casework: Casework, actor: Actor, reference: str) -> tuple[str, list[AuditEvent]]:
    """A case's reference and its audit events, oldest first, as stored (the API's history), for someone who may
    read the case (``reading.refuse_unless_may_read``)."""
    with casework.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, reference.strip().upper())
        if case is None:
            raise NotFound("There is no case with that reference.")
        instance = instances_dao.get_instance(session, case.instance_id)
        refuse_unless_may_read(actor, processes_dao.get_version(session, instance.process_version_id).process_id)
        return case.reference, list(audit_dao.list_events(session, case.instance_id))


def load_path_overlay(casework: Casework, reference: str) -> dict[str, Any]:
    """The viewer's overlay for a case: where it went and where it is now."""
    with casework.db.reading() as session:
        case = cases_dao.get_case_by_reference(session, reference.strip().upper())
        if case is None:
            raise NotFound("There is no case with that reference.")
        instance = instances_dao.get_instance(session, case.instance_id)
        completed, flows = path_taken(history_dao.list_event_data(session, instance.id))
    return {"completed": completed, "active": list(instance.waiting_elements or []), "taken_flows": flows,
            "counts": None, "changed": None}


def path_taken(event_data: Iterable[Mapping[str, Any]]) -> tuple[list[str], list[str]]:
    """(elements completed, flows taken), each once, in the order first reached."""
    completed: dict[str, None] = {}
    flows: dict[str, None] = {}
    for data in event_data:
        path = (data or {}).get("path") or {}
        completed.update(dict.fromkeys(path.get("completed") or []))
        flows.update(dict.fromkeys(path.get("taken_flows") or []))
    return list(completed), list(flows)


def _history_event(event: AuditEvent, entry, changed: dict[str, Any], replaced: dict[str, Any],
                   kept_apart_events: set[str]) -> HistoryEvent:
    form, kept_apart = entry.form, event.event_type in kept_apart_events
    if kept_apart:
        changed, replaced = dict(_kept_apart_answers(event)), {}
        form = form or (NOTE_FORM if event.event_type == "note_added" else None)
    return HistoryEvent(event.seq, event.occurred_at, entry.who, tuple(event.actor_roles), entry.what,
                        entry.task_name, entry.detail, form, changed, replaced, event.redacted_at is not None,
                        kept_apart)


def _kept_apart_answers(event: AuditEvent) -> Mapping[str, Any]:
    """A further incident's answers (under ``form``) or a note's (its text and references)."""
    data = event.data or {}
    if event.event_type == "note_added":
        answers = {k: v for k, v in data.items() if k in NOTE_FORM.fields and v not in (None, "")}
        if data.get("files"):
            answers[evidence_files.FIELD] = [f"{f['filename']} ({f['media_type']}, {f['size']} bytes, SHA-256 "
                                             f"{f['sha256']})" for f in data["files"]]
        return answers
    return data.get("form") or {}


def _answers(event: AuditEvent) -> Mapping[str, Any]:
    if event.event_type not in DATA_EVENTS:
        return {}
    return (event.data or {}).get("form") or {}


def _changes(events: Sequence[AuditEvent]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    record: dict[str, Any] = {}
    for event in events:
        answers = _answers(event)
        changed = {k: v for k, v in answers.items() if k not in record or record[k] != v}
        yield changed, {k: record[k] for k in changed if k in record}
        record.update(answers)


def _data_after(events: Sequence[AuditEvent], history: Sequence[HistoryEvent],
                version: ProcessVersion) -> list[DataSection]:
    """The record after the last of ``events``: each answer with the step that last gave it."""
    given_at: dict[str, tuple[int, Any]] = {}
    for event in events:
        for key, value in _answers(event).items():
            given_at.pop(key, None)  # re-inserted, so it is listed under the step that gave it last
            given_at[key] = (event.seq, value)
    by_seq = {e.seq: e for e in history}
    sections: dict[int, dict[str, Any]] = {}
    for key, (seq, value) in given_at.items():
        sections.setdefault(seq, {})[key] = value
    return [
        DataSection(seq, _step_title(by_seq[seq]), by_seq[seq].form or form_covering(version, answers), answers)
        for seq, answers in sorted(sections.items())
    ]


def _step_title(event: HistoryEvent) -> str:
    return f"{event.task_name or event.what} (event {event.seq})"

