"""Subject access: everything held about one customer, gathered for a ZIP of JSON and their letters.

Only the customer's own cases are read, so nothing about anyone else's case can slip in. Staff
who are third parties can be named by their roles instead: their accounts are replaced wherever
the export names who did something, and their names wherever they appear in what was typed.
Names of other people typed into free text are not recognised: the officer reads the export
before it is sent. The export is audited on every case it covers and in the access log.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from service.cases.errors import NotAllowed
from service.casework import Casework
from service.dao import access_log_dao, audit_dao, cases_dao, instances_dao, tasks_dao, users_dao
from service.dao.audit_dao import NewAuditEvent
from service.data_protection.data_protection import OFFICERS, checked_answers
from service.history.audit_trail import record_on_case
from service.models import Case, User
from service.packs.unacceptable_behaviour.dao import customers_dao, data_protection_dao, letters_dao, records_dao
from service.packs.unacceptable_behaviour.data_protection import find_customer
from service.people.actors import Actor
from workflows.forms import FormSchema

EXPORT_FORM = FormSchema("subject_access_export", {
    "title": "Subject access export",
    "description": "A ZIP of everything held about the customer: a readable index, JSON files and their letters.",
    "type": "object",
    "additionalProperties": False,
    "required": ["redact_staff_names"],
    "properties": {
        "redact_staff_names": {
            "type": "boolean", "title": "Replace staff names with their roles?", "x-widget": "yes-no",
            "description": "Staff are third parties: their names can be withheld unless it is reasonable to give "
                           "them. Names typed into notes and forms are replaced where they match a staff account.",
            "x-messages": {"required": "Select yes to replace staff names with their roles"},
        },
    },
})
ROLE_WORDS = {
    "caseworker": "Caseworker", "head_of_service": "Head of Service", "executive": "Executive Team member",
    "process_owner": "Process owner", "auditor": "Auditor", "admin": "Administrator",
}


@dataclass(frozen=True)
class ExportedCase:
    reference: str
    record: dict[str, Any]
    files: dict[str, Any]  # JSON file name -> records
    letters: list[tuple[dict[str, Any], bytes]]  # metadata (with its path in the ZIP), PDF


@dataclass(frozen=True)
class SubjectAccessExport:
    customer: dict[str, Any]
    cases: list[ExportedCase]
    access_log: list[dict[str, Any]]
    generated_at: datetime
    staff_names_redacted: bool

    @property
    def filename(self) -> str:
        return f"subject-access-{self.customer['reference']}-{self.generated_at:%Y-%m-%d}.zip"


def export_customer(casework: Casework, actor: Actor, reference: str,
                    form_data: Mapping[str, Any]) -> SubjectAccessExport:
    """Gather the customer's records and audit the export, in one transaction."""
    if not actor.has_any_role(OFFICERS):
        raise NotAllowed("Only data protection officers and administrators can export a customer's records.")
    now = casework.clock.now()
    redact = checked_answers(EXPORT_FORM, form_data, now)["redact_staff_names"]
    with casework.db.transaction() as session:
        customer = find_customer(session, reference)
        staff = _Staff({u.id: u for u in users_dao.list_users(session)}, redact)
        cases = list(customers_dao.list_cases_of_customer(session, customer.id))
        export = SubjectAccessExport(
            customer=staff.scrub({"reference": customer.reference, "name": customer.name,
                                  "address": list(customer.address or []), "contact_notes": customer.contact_notes,
                                  "email": customer.email, "preferred_channel": customer.preferred_channel,
                                  "created_at": customer.created_at}),
            cases=[_exported_case(session, case, staff) for case in cases],
            access_log=[
                {"record": f"{e.subject_kind} {e.subject_reference}", "viewed_by": staff.who(e.user_id), "at": e.at}
                for e in data_protection_dao.list_access_entries(session, customer.reference,
                                                                 [c.reference for c in cases])
            ],
            generated_at=now,
            staff_names_redacted=redact,
        )
        for case in cases:
            record_on_case(session, instances_dao.get_instance(session, case.instance_id), [NewAuditEvent(
                "subject_access_export", actor.user_id, list(actor.roles), data={"staff_names_redacted": redact},
            )], now)
        access_log_dao.add_entry(session, user_id=actor.user_id, kind="customer", reference=customer.reference,
                                 at=now)
    return export


def zip_export(export: SubjectAccessExport, index_html: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", index_html)
        archive.writestr("customer.json", _json(export.customer))
        archive.writestr("access-log.json", _json(export.access_log))
        for case in export.cases:
            archive.writestr(f"cases/{case.reference}/case.json", _json(case.record))
            for name, records in case.files.items():
                archive.writestr(f"cases/{case.reference}/{name}.json", _json(records))
            archive.writestr(f"cases/{case.reference}/letters.json", _json([meta for meta, _ in case.letters]))
            for meta, pdf in case.letters:
                archive.writestr(meta["file"], pdf)
    return buffer.getvalue()


def _json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)


def _exported_case(session: Session, case: Case, staff: _Staff) -> ExportedCase:
    instance = instances_dao.get_instance(session, case.instance_id)
    record = {
        "reference": case.reference, "status": case.status, "stage": case.stage, "outcome": case.outcome,
        "opened_at": case.opened_at, "opened_by": staff.who(case.opened_by_id), "closed_at": case.closed_at,
        "decision_makers": [{"role": a.role, "who": staff.who(a.user_id), "at": a.at}
                            for a in cases_dao.list_actors(session, case.id)],
    }
    files = {
        "incidents": [{"occurred_at": i.occurred_at, "channels": i.channels, "categories": i.categories,
                       "description": i.description, "answers": i.details, "recorded_by": staff.who(i.recorded_by_id),
                       "recorded_at": i.recorded_at} for i in records_dao.list_incidents(session, case.id)],
        "adjustments": [{"answers": a.details, "letter_format": a.letter_format,
                         "recorded_by": staff.who(a.recorded_by_id), "recorded_at": a.recorded_at}
                        for a in records_dao.list_adjustments(session, case.id)],
        "tasks": [{"name": t.name, "status": t.status, "created_at": t.created_at, "completed_at": t.completed_at,
                   "completed_by": staff.who(t.completed_by_id), "answers": t.data}
                  for t in tasks_dao.list_tasks_of_case(session, case.id)],
        "restrictions": [{"kind": r.kind, "details": r.details, "starts_on": r.starts_on, "ends_on": r.ends_on,
                          "status": r.status, "reasons": r.reasons, "ended_at": r.ended_at}
                         for r in records_dao.list_restrictions_of_case(session, case.id)],
        "notes": [{"text": n.text, "evidence_reference": n.evidence_reference, "by": staff.who(n.author_id),
                   "at": n.created_at} for n in cases_dao.list_notes(session, case.id)],
        "history": [{"event": e.event_type, "at": e.occurred_at, "by": staff.who(e.actor_id), "data": e.data}
                    for e in audit_dao.list_events(session, instance.id)],
    }
    letters = [
        ({"file": f"cases/{case.reference}/letters/{letter.id}-{letter.filename}", "kind": letter.kind,
          "status": letter.status, "sent_at": letter.sent_at, "sent_by": staff.who(letter.sent_by_id),
          "method": letter.sent_method, "format": letter.letter_format, "language": letter.language,
          "sha256": letter.sha256}, letter.content)
        for letter in letters_dao.list_letters_of_case(session, case.id)
    ]
    return ExportedCase(case.reference, staff.scrub(record), staff.scrub(files),
                        [(staff.scrub(meta), pdf) for meta, pdf in letters])


class _Staff:
    """Who did something, named or by role, and staff names typed into answers replaced when redacting."""

    def __init__(self, users: Mapping[int, User], redact: bool) -> None:
        self.users = users
        self.redact = redact
        names = sorted({u.full_name for u in users.values() if len(u.full_name) >= 3}, key=len, reverse=True)
        self._names = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if redact and names else None
        self._roles = {u.full_name.lower(): _role(u) for u in users.values()}

    def who(self, user_id: int | None) -> str | None:
        user = self.users.get(user_id) if user_id is not None else None
        if user is None:
            return None if user_id is None else "A member of staff"
        return _role(user) if self.redact else user.full_name

    def scrub(self, value: Any) -> Any:
        if self._names is None:
            return value
        return _walk(value, lambda text: self._names.sub(lambda m: f"[{self._roles[m.group(0).lower()]}]", text))


def _walk(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {key: _walk(item, change) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(item, change) for item in value]
    return change(value) if isinstance(value, str) else value


def _role(user: User) -> str:
    if user.is_service_account:
        return "A connected system"
    return user.job_title or ", ".join(ROLE_WORDS.get(r, r) for r in user.roles) or "A member of staff"
