"""The data-protection officer's tools on a case: placing and releasing a legal hold, audited on the case's chain
with the reason someone gave. (A pack that keeps records about people adds its own tools for them, such as
correction and erasure, with ``Pack.data_subjects``; they check their officers with ``require_officer``.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from service.cases.errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import cases_dao, instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.history.audit_trail import record_on_case
from service.models import Case
from service.people.actors import Actor
from workflows.calendar import london_date
from workflows.forms import FormSchema

# Who may read the data-protection pages, and who may change or disclose what they show. The auditor
# reads and never writes: legal holds here, and a pack's tools such as erasing, correcting and subject-access
# exports (each audited on the cases it touches), belong to a data protection officer or an administrator.
READERS = ("admin", "data_protection_officer", "auditor")
OFFICERS = ("admin", "data_protection_officer")

HOLD_FORM = FormSchema("legal_hold", {
    "title": "Legal hold",
    "type": "object",
    "additionalProperties": False,
    "required": ["reason"],
    "properties": {
        "reason": {
            "type": "string", "title": "Reason", "maxLength": 2000, "x-widget": "textarea",
            "description": "For example, the claim or investigation the records are needed for. Kept on the "
                           "case's audit trail.",
            "x-messages": {"required": "Enter the reason"},
        },
    },
})


def load_case(casework: Casework, reference: str) -> Case:
    with casework.db.reading() as session:
        return _case(session, reference)


def change_legal_hold(casework: Casework, actor: Actor, reference: str, *, hold: bool,
                      form_data: Mapping[str, Any]) -> None:
    """Place (``hold``) or release a legal hold; a hold keeps the case from anonymisation and erasure."""
    require_officer(actor)
    now = casework.clock.now()
    data = checked_answers(HOLD_FORM, form_data, now)
    with casework.db.transaction() as session:
        case = _case(session, reference)
        if case.anonymised_at is not None:
            raise Conflict(f"{case.reference} has been anonymised: there is nothing left to hold.")
        if case.legal_hold == hold:
            raise Conflict(f"{case.reference} is {'already' if hold else 'not'} on legal hold, so nothing changed.")
        case.legal_hold = hold
        case.legal_hold_reason = data["reason"] if hold else None
        record_on_case(session, instances_dao.get_instance(session, case.instance_id), [NewAuditEvent(
            "legal_hold_placed" if hold else "legal_hold_released", actor.user_id, list(actor.roles),
            data={"reason": data["reason"]},
        )], now)


def require_officer(actor: Actor) -> None:
    if not actor.has_any_role(OFFICERS):
        raise NotAllowed("Only data protection officers and administrators can change or erase personal data.")


def checked_answers(form: FormSchema, form_data: Mapping[str, Any], now) -> dict[str, Any]:
    data, errors = form.validate(form_data, today=london_date(now))
    if errors:
        raise InvalidInput([FieldProblem(e.field, e.message) for e in errors])
    return data


def _case(session: Session, reference: str) -> Case:
    case = cases_dao.get_case_by_reference(session, reference.strip().upper())
    if case is None:
        raise NotFound("There is no case with that reference.")
    return case
