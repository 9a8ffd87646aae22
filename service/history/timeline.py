"""A case's audit events as a timeline a person can read: who, when, what, and what they entered."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.models import AuditEvent, ProcessVersion
from service.processes.forms import form_schema
from workflows.definitions import ProcessDefinition
from workflows.forms import FormSchema

SYSTEM = "the system"
_GROUPS = {"caseworker": "caseworkers", "head_of_service": "Heads of Service", "executive": "the Executive Team"}


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
    """Newest first."""
    entries = [_entry(e, names, version, definition, task_forms) for e in events]
    return list(reversed(entries))


def _entry(event: AuditEvent, names, version, definition, task_forms) -> TimelineEntry:
    data = event.data or {}
    who = names.get(event.actor_id, "Someone") if event.actor_id else SYSTEM
    describe = _WHAT.get(event.event_type)
    what = describe(data, names, definition) if describe else event.event_type.replace("_", " ").capitalize()
    detail = _DETAIL.get(event.event_type, lambda _: "")(data)
    form = version_form(version, _form_key(event, data, definition, task_forms))
    return TimelineEntry(event.occurred_at, who, what, data.get("name"), detail, form, data.get("form") or {})


def _form_key(event: AuditEvent, data, definition: ProcessDefinition, task_forms) -> str | None:
    if event.event_type in ("case_started", "incident_added"):
        return definition.start_form_key
    if event.event_type == "task_completed":
        return task_forms.get(event.task_id or "")
    if event.event_type == "message_received":
        return definition.message_forms.get(data.get("message", ""))
    return None


def _groups(data) -> str:
    groups = " or ".join(_GROUPS.get(g, g) for g in data.get("candidate_groups", []))
    return f" for {groups}" if groups else ""


def _reached(data, definition: ProcessDefinition) -> str:
    reached = [definition.element_names.get(e, e) for e in data.get("path", {}).get("completed", [])]
    return f": {reached[0]}" if reached else ""


def _note_detail(data) -> str:
    evidence = data.get("evidence_reference")
    return data.get("text", "") + (f" (evidence: {evidence})" if evidence else "")


_WHAT = {
    "case_started": lambda d, n, p: "Recorded an incident and opened the case",
    "migrated": lambda d, n, p: (
        f"Moved from version {d.get('from_version')} to version {d.get('to_version')} of the process"
    ),
    "timer_retry_requested": lambda d, n, p: "An administrator asked for the failed timer to be tried again",
    "incident_added": lambda d, n, p: "Recorded a further incident",
    "task_completed": lambda d, n, p: f"Completed ‘{d.get('name')}’",
    "task_opened": lambda d, n, p: f"‘{d.get('name')}’ is ready{_groups(d)}",
    "task_claimed": lambda d, n, p: f"Picked up ‘{d.get('name')}’",
    "task_unclaimed": lambda d, n, p: f"Put ‘{d.get('name')}’ back for the group",
    "task_reassigned": lambda d, n, p: f"Gave ‘{d.get('name')}’ to {n.get(d.get('to_user_id'), 'someone else')}",
    "message_received": lambda d, n, p: (
        "Recorded an appeal received" if d.get("message") == "appeal_received" else f"Recorded ‘{d.get('message')}’"
    ),
    "note_added": lambda d, n, p: "Added a note",
    "task_snoozed": lambda d, n, p: f"Snoozed ‘{d.get('name')}’ until {d.get('follow_up')}",
    "owner_changed": lambda d, n, p: f"Made {d.get('to_name', 'someone else')} the case owner: {d.get('reason', '')}",
    "timer_fired": lambda d, n, p: f"A date in the policy was reached{_reached(d, p)}",
    "timer_failed": lambda d, n, p: "A scheduled step could not run and will be tried again",
    "incident_opened": lambda d, n, p: f"An incident was opened: {d.get('message', '')}",
    "incident_retried": lambda d, n, p: "An administrator retried an incident" + (
        " with new data" if d.get("new_data") else ""),
    "incident_resolved": lambda d, n, p: (
        "An incident was resolved" if d.get("resolution") == "resolved"
        else "An incident cleared itself: the step it was about has since run"),
    "case_closed": lambda d, n, p: "Closed the case" + (f": {d['outcome']}" if d.get("outcome") else ""),
}
_DETAIL = {
    "task_reassigned": lambda d: f"Reason: {d.get('reason', '')}",
    "note_added": _note_detail,
}
