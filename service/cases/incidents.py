"""Platform incidents: open one from inside a step's transaction, retry it by kind, resolve it.

Whatever a running case could not do (a timer that cannot fire, an external task whose worker gave up,
a script error, an exceeded step budget, a state migration that failed) becomes an incident on the
case instead of a log line nobody reads. There is at most one open incident per case, kind and BPMN
element: a repeat counts another occurrence on it. Opening, retrying and resolving are each an audit
event on the case's hash chain, saved under the instance's optimistic lock like any other step.

Retrying is looked up by kind (``register_retry``): each kind knows how to set its own work going
again (make a timer due, give an external task back its retries). "Retry with new data" first writes
the administrator's values into the data of the waiting element, then retries.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.cases.errors import Conflict, FieldProblem, InvalidInput, NotAllowed, NotFound
from service.casework import Casework
from service.dao import audit_dao, cases_dao, incidents_dao, instances_dao
from service.dao.audit_dao import NewAuditEvent
from service.dao.incidents_dao import PAGE_SIZE, IncidentPage
from service.dao.incidents_dao import IncidentRow as IncidentRow  # an IncidentPage's rows
from service.dao.instances_dao import StaleInstance
from service.models import ProcessIncident, ProcessInstance
from service.models.incidents import INCIDENT_KINDS
from service.notifications import outbox
from service.people.actors import Actor
from service.processes.definitions import deployed_version

if TYPE_CHECKING:
    from service.casework import Casework

log = logging.getLogger(__name__)

MAX_MESSAGE = 500
MAX_NEW_DATA_BYTES = 64 * 1024
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,79}$")
_CHANGED_MEANWHILE = "The case changed at the same moment, so nothing was done. Look again and retry."


@dataclass(frozen=True)
class RetryContext:
    """What a kind's retry handler gets: it re-arms the work in the caller's transaction."""

    casework: Any  # service.cases.cases.Casework (not imported: cases imports this module's callers)
    session: Session
    instance: ProcessInstance
    incident: ProcessIncident
    actor: Actor
    now: datetime


RetryHandler = Callable[[RetryContext], None]
_RETRY: dict[str, RetryHandler] = {}


def register_retry(kind: str, handler: RetryHandler) -> None:
    """Say how incidents of ``kind`` are retried. Registered at import by the module that owns the kind."""
    if kind not in INCIDENT_KINDS:
        raise ValueError(f"unknown incident kind {kind!r}: add it to INCIDENT_KINDS")
    _RETRY[kind] = handler


def retry_handler(kind: str) -> RetryHandler | None:
    return _RETRY.get(kind)


# -- opening, in the caller's transaction ------------------------------------------------------

def open_incident(
    session: Session, instance: ProcessInstance, *, kind: str, message: str, now: datetime,
    element_id: str = "", details: dict[str, Any] | None = None, actor: Actor | None = None,
) -> ProcessIncident:
    """Open an incident on ``instance`` (or count one more occurrence of the open one of the same kind
    and element), in the caller's transaction.

    ``message`` is shown to administrators: say what failed, never paste case data or a stack trace.
    ``details`` (plain JSON) is kept for administrators too. A new incident is chained on the case's
    audit log and the instance saved under its optimistic lock (``instance.lock_version`` is kept
    current, so the caller may save the instance again afterwards). Raises StaleInstance if another
    writer changed the instance meanwhile.
    """
    if kind not in INCIDENT_KINDS:
        raise ValueError(f"unknown incident kind {kind!r}")
    message = message.strip()[:MAX_MESSAGE] or "Something in this case could not be done."
    details = details or {}
    existing = incidents_dao.find_open(session, instance.id, kind, element_id)
    if existing is not None:
        incidents_dao.seen_again(session, existing, message, details, now)
        return existing
    case = cases_dao.cases_by_instance(session, [instance.id]).get(instance.id)
    incident = incidents_dao.add(session, ProcessIncident(
        instance_id=instance.id, case_id=case.id if case else None, kind=kind, element_id=element_id,
        message=message, details=details, status="open", occurrences=1, opened_at=now, last_seen_at=now,
        resolution="",
    ))
    if case is not None:
        outbox.on_case(session, "process_incident", case.id, now, by_user_id=actor.user_id if actor else None)
    log.warning("incident %d opened on %s: %s at %s: %s", incident.id, instance.business_key, kind,
                element_id or "-", message)
    _chain(session, instance, NewAuditEvent(
        "incident_opened", actor.user_id if actor else None, list(actor.roles) if actor else ["system"],
        element_id=element_id or None, data={"incident_id": incident.id, "kind": kind, "message": message},
    ), now)
    return incident


def open_incident_apart(
    casework: Casework, instance_id: int, *, kind: str, message: str, now: datetime, element_id: str = "",
    details: dict[str, Any] | None = None,
) -> int | None:
    """Open an incident in a transaction of its own: for a step whose own transaction rolled back
    (a script error while completing a task). Returns the incident's id, or None if the instance is
    gone. Tries again once if the instance changed meanwhile."""
    for _ in range(2):
        try:
            with casework.db.transaction() as session:
                instance = instances_dao.get_instance(session, instance_id)
                if instance is None:
                    return None
                return open_incident(session, instance, kind=kind, message=message, now=now,
                                     element_id=element_id, details=details).id
        except (StaleInstance, IntegrityError):
            continue
    log.error("could not record a %s incident on instance %d: it kept changing", kind, instance_id)
    return None


def resolve_open(session: Session, instance: ProcessInstance, kind: str, *, now: datetime,
                 element_id: str | None = None, resolution: str = "fixed_itself") -> int:
    """Close the open incidents of ``kind`` (at ``element_id``, if given) because the work has since
    succeeded, in the caller's transaction. Returns how many were closed."""
    closed = 0
    for incident in incidents_dao.open_of_instance(session, instance.id, kind):
        if element_id is not None and incident.element_id != element_id:
            continue
        if incidents_dao.close(session, incident, resolution=resolution, by_id=None, now=now):
            _chain(session, instance, NewAuditEvent(
                "incident_resolved", None, ["system"], element_id=incident.element_id or None,
                data={"incident_id": incident.id, "kind": kind, "resolution": resolution},
            ), now)
            closed += 1
    return closed


# -- administrators' actions, each its own transaction -----------------------------------------

def retry_incident(casework, incident_id: int, actor: Actor, new_data: dict[str, Any] | None = None
                   ) -> ProcessIncident:
    """Set the incident's work going again (by its kind's handler) and close it as ``retried``.

    With ``new_data`` (administrators only), the values are first written into the data of the
    element the incident is about, so the work runs again with them. If it fails again, a new
    incident opens. Raises NotFound, Conflict (already closed, not retryable, changed meanwhile),
    NotAllowed or InvalidInput.
    """
    if not actor.has_any_role(("admin",)):
        raise NotAllowed("Only administrators can retry incidents.")
    data = _checked_new_data(new_data) if new_data is not None else None
    now = casework.clock.now()
    try:
        with casework.db.transaction() as session:
            incident, instance = _open_incident_and_instance(session, incident_id)
            handler = _RETRY.get(incident.kind)
            if handler is None:
                raise Conflict("This kind of incident cannot be retried from here. Fix its cause, then resolve it.")
            if data:
                _write_element_data(casework, session, instance, incident.element_id, data)
            handler(RetryContext(casework, session, instance, incident, actor, now))
            if not incidents_dao.close(session, incident, resolution="retried", by_id=actor.user_id, now=now):
                raise Conflict("Someone else dealt with this incident at the same moment. Nothing was done.")
            _chain(session, instance, NewAuditEvent(
                "incident_retried", actor.user_id, list(actor.roles), element_id=incident.element_id or None,
                data={"incident_id": incident.id, "kind": incident.kind, "new_data": data or {}},
            ), now)
            return incident
    except StaleInstance:
        raise Conflict(_CHANGED_MEANWHILE) from None


def resolve_incident(casework, incident_id: int, actor: Actor, note: str = "") -> ProcessIncident:
    """An administrator marks an incident dealt with (its cause was fixed outside the engine)."""
    if not actor.has_any_role(("admin",)):
        raise NotAllowed("Only administrators can resolve incidents.")
    now = casework.clock.now()
    try:
        with casework.db.transaction() as session:
            incident, instance = _open_incident_and_instance(session, incident_id)
            if not incidents_dao.close(session, incident, resolution="resolved", by_id=actor.user_id, now=now):
                raise Conflict("Someone else dealt with this incident at the same moment. Nothing was done.")
            _chain(session, instance, NewAuditEvent(
                "incident_resolved", actor.user_id, list(actor.roles), element_id=incident.element_id or None,
                data={"incident_id": incident.id, "kind": incident.kind, "resolution": "resolved",
                      "note": note.strip()[:MAX_MESSAGE]},
            ), now)
            return incident
    except StaleInstance:
        raise Conflict(_CHANGED_MEANWHILE) from None


# -- internals ---------------------------------------------------------------------------------

def incidents_page(casework: Casework, page: int, *, status: str | None = "open", kind: str | None = None,
                   page_size: int = PAGE_SIZE) -> IncidentPage:
    """A page of incidents, oldest first, with each one's case reference."""
    with casework.db.reading() as session:
        return incidents_dao.page_of(session, page, status=status, kind=kind, page_size=page_size)


def incidents_overview(casework: Casework, page: int, *, status: str, kind: str | None
                       ) -> tuple[IncidentPage, dict[str, int]]:
    """The administrators' page: a page of incidents, and how many are open of each kind."""
    with casework.db.reading() as session:
        return (incidents_dao.page_of(session, page, status=status, kind=kind),
                incidents_dao.count_open_by_kind(session))


def _chain(session: Session, instance: ProcessInstance, event: NewAuditEvent, now: datetime) -> None:
    seq, head = audit_dao.append_events(session, instance, [event], now=now)
    instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
        "audit_seq": seq, "audit_head": head, "updated_at": now,
    })


def _open_incident_and_instance(session: Session, incident_id: int) -> tuple[ProcessIncident, ProcessInstance]:
    incident = incidents_dao.get(session, incident_id, for_update=True)
    if incident is None:
        raise NotFound("There is no such incident.")
    if incident.status != "open":
        raise Conflict("This incident has already been dealt with. Nothing was done.")
    instance = instances_dao.get_instance(session, incident.instance_id)
    return incident, instance


def _checked_new_data(new_data: Any) -> dict[str, Any]:
    if not isinstance(new_data, dict) or not new_data:
        raise InvalidInput([FieldProblem("new_data", "Give the new data as a JSON object with at least one value")])
    bad = [key for key in new_data if not isinstance(key, str) or not _NAME.match(key)]
    if bad:
        raise InvalidInput([FieldProblem(
            "new_data", "Names must start with a letter or underscore and hold only letters, digits and "
                        "underscores (80 characters at most)")])
    try:
        size = len(orjson.dumps(new_data))
    except TypeError:
        raise InvalidInput([FieldProblem("new_data", "The new data must be plain JSON")]) from None
    if size > MAX_NEW_DATA_BYTES:
        raise InvalidInput([FieldProblem("new_data", f"The new data must be under {MAX_NEW_DATA_BYTES // 1024} KB")])
    return new_data


def _write_element_data(casework, session: Session, instance: ProcessInstance, element_id: str,
                        data: dict[str, Any]) -> None:
    """Put ``data`` into the task data of the element that is waiting (or every waiting element)."""
    _, definition = deployed_version(session, instance.process_version_id)
    workflow = casework.engine.load(definition, instance.state)
    if not casework.engine.set_waiting_data(workflow, data, element_id):
        raise Conflict("The case is no longer waiting at that step, so the new data has nowhere to go.")
    instances_dao.save_instance_state(session, instance, read_version=instance.lock_version, changes={
        "state": casework.engine.dump(workflow), "updated_at": casework.clock.now(),
    })
