"""A case's audit events as a timeline a person can read: who, when, what, and what they entered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.models import AuditEvent, ProcessVersion
from service.packs.registry import pack_for
from service.processes.forms import form_schema
from workflows.definitions import ProcessDefinition
from workflows.forms import FormSchema

SYSTEM = "the system"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    who: str
    what: str
    task_name: str | None = None
    detail: str = ""
    form: FormSchema | None = None
    answers: Mapping[str, Any] = field(default_factory=dict)


def version_form(version: ProcessVersion, form_key: str | None) -> FormSchema | None:
    """The form as deployed with this version, or None if the version has no such form."""
    if not form_key or form_key not in (version.forms or {}):
        return None
    return form_schema(version, form_key)


def case_timeline(
    events: Sequence[AuditEvent], names: Mapping[int, str], version: ProcessVersion,
    definition: ProcessDefinition, task_forms: Mapping[str, str | None],
) -> list[TimelineEntry]:
    """Newest first, in the words of the process's pack where it has its own (``Pack.timeline_words``)."""
    pack = pack_for(definition.process_id)
    words = Words(pack.timeline_words if pack else {}, pack.group_words if pack else {},
                  frozenset(pack.start_form_events if pack else ()))
    entries = [_entry(e, names, version, definition, task_forms, words) for e in events]
    return list(reversed(entries))


@dataclass(frozen=True)
class Words:
    """A pack's words for some events (by event type, or ``message_received:<message name>``) and its groups."""

    events: Mapping[str, str]
    groups: Mapping[str, str]
    start_form_events: frozenset[str] = frozenset()


def _entry(event: AuditEvent, names, version, definition, task_forms, words: Words) -> TimelineEntry:
    data = event.data or {}
    who = names.get(event.actor_id, "Someone") if event.actor_id else SYSTEM
    own = words.events.get(event.event_type) or (
        words.events.get(f"message_received:{data.get('message')}") if event.event_type == "message_received" else None)
    describe = _WHAT.get(event.event_type)
    what = own or (describe(data, names, definition, words) if describe
                   else event.event_type.replace("_", " ").capitalize())
    detail = _DETAIL.get(event.event_type, lambda _: "")(data)
    form = version_form(version, _form_key(event, data, definition, task_forms, words))
    return TimelineEntry(event.occurred_at, who, what, data.get("name"), detail, form, data.get("form") or {})


def _form_key(event: AuditEvent, data, definition: ProcessDefinition, task_forms, words: Words) -> str | None:
    if event.event_type == "case_started" or event.event_type in words.start_form_events:
        return definition.start_form_key
    if event.event_type == "task_completed":
        return task_forms.get(event.task_id or "")
    if event.event_type == "message_received":
        return definition.message_forms.get(data.get("message", ""))
    return None


def _groups(data, words: Words) -> str:
    groups = " or ".join(words.groups.get(g, g) for g in data.get("candidate_groups", []))
    return f" for {groups}" if groups else ""


def _reached(data, definition: ProcessDefinition) -> str:
    reached = [definition.element_names.get(e, e) for e in data.get("path", {}).get("completed", [])]
    return f": {reached[0]}" if reached else ""


def _note_detail(data) -> str:
    evidence = data.get("evidence_reference")
    return data.get("text", "") + (f" (evidence: {evidence})" if evidence else "")


_WHAT = {
    "case_started": lambda d, n, p, w: "Opened the case",
    "migrated": lambda d, n, p, w: (
        f"Moved from version {d.get('from_version')} to version {d.get('to_version')} of the process"
    ),
    "timer_retry_requested": lambda d, n, p, w: "An administrator asked for the failed timer to be tried again",
    "task_completed": lambda d, n, p, w: f"Completed ‘{d.get('name')}’",
    "task_opened": lambda d, n, p, w: f"‘{d.get('name')}’ is ready{_groups(d, w)}",
    "task_claimed": lambda d, n, p, w: f"Picked up ‘{d.get('name')}’",
    "task_unclaimed": lambda d, n, p, w: f"Put ‘{d.get('name')}’ back for the group",
    "task_reassigned": lambda d, n, p, w: f"Gave ‘{d.get('name')}’ to {n.get(d.get('to_user_id'), 'someone else')}",
    "message_received": lambda d, n, p, w: f"Recorded ‘{d.get('message')}’",
    "note_added": lambda d, n, p, w: "Added a note",
    "task_snoozed": lambda d, n, p, w: f"Snoozed ‘{d.get('name')}’ until {d.get('follow_up')}",
    "owner_changed": lambda d, n, p, w: (
        f"Made {d.get('to_name', 'someone else')} the case owner: {d.get('reason', '')}"
    ),
    "timer_fired": lambda d, n, p, w: f"A date was reached{_reached(d, p)}",
    "timer_failed": lambda d, n, p, w: "A scheduled step could not run and will be tried again",
    "incident_opened": lambda d, n, p, w: f"An incident was opened: {d.get('message', '')}",
    "incident_retried": lambda d, n, p, w: "An administrator retried an incident" + (
        " with new data" if d.get("new_data") else ""),
    "incident_resolved": lambda d, n, p, w: (
        "An incident was resolved" if d.get("resolution") == "resolved"
        else "An incident cleared itself: the step it was about has since run"),
    "case_closed": lambda d, n, p, w: "Closed the case" + (f": {d['outcome']}" if d.get("outcome") else ""),
}
_DETAIL = {
    "task_reassigned": lambda d: f"Reason: {d.get('reason', '')}",
    "note_added": _note_detail,
}
