from __future__ import annotations

from flask import current_app, g, url_for

from service.api import blueprint, representations
from service.api.bodies import json_object, query_choice, query_int, query_text
from service.auth.permissions import allow, signed_in
from service.cases import reading
from service.cases.case_search import page_of_cases
from service.cases.cases import start_case
from service.cases.errors import FieldProblem, InvalidInput, NotFound
from service.cases.starting import REFERENCE
from service.history import access_log
from service.history.case_history import case_events
from service.packs import registry
from service.people.roles import CASE_READERS

_REFERENCE = REFERENCE


def _runtime():
    return current_app.extensions["ubp"]


@blueprint.route("/cases", methods=["POST"])
@signed_in
def create_case():
    """Start a case of the process ``?process=<id>`` names, or of the installation's default process (a pack
    declares it: ``Pack.default_start``). Who may start is the process's own rule, checked by the service."""
    process_id = query_text("process", 200, registry.default_process())
    if not process_id:
        raise InvalidInput([FieldProblem("process", "Name the process to start a case of: ?process=<id>.")])
    started = start_case(_runtime().casework, g.actor, json_object(), process_id=process_id)
    location = url_for("api.get_case", reference=started.reference)
    body = {"reference": started.reference, "links": {"self": location},
            "next_tasks": representations.opened_tasks(started, g.actor)}
    return body, 201, {"Location": location}


@blueprint.route("/cases", methods=["GET"])
@allow(*CASE_READERS)
def list_cases():
    """The cases of the processes the caller may read (a pack narrows who reads its own: ``cases.reading``)."""
    page = query_int("page", 1)
    size = query_int("page_size", 25, high=100)
    status = query_choice("status", ("open", "closed"))
    rows, total = page_of_cases(_runtime().casework, g.actor, status=status, page=page, size=size,
                                subject_reference=query_text("customer", 40) or None)
    return {"items": [representations.case(row.case, _subject(row.subject)) for row in rows], "total": total,
            "page": page, "page_size": size}


def _subject(subject) -> tuple[str, str, str] | None:
    return (subject.api_field, subject.reference, subject.name) if subject else None


@blueprint.route("/cases/<reference>", methods=["GET"])
@allow(*CASE_READERS)
def get_case(reference: str):
    if not _REFERENCE.match(reference):
        raise NotFound("There is no case with that reference.")
    record = reading.load_case_record(_runtime().casework, g.actor, reference)
    access_log.record_view(_runtime().casework, g.actor, "case", record.case.reference)
    return {
        **representations.case(record.case, _subject(record.subject)),
        "process_id": record.process_id,
        **record.extras,
        "open_tasks": [representations.task(t, record.case.reference) for t in record.open_tasks],
    }


@blueprint.route("/cases/<reference>/history", methods=["GET"])
@allow(*CASE_READERS)
def case_history(reference: str):
    if not _REFERENCE.match(reference):
        raise NotFound("There is no case with that reference.")
    runtime = _runtime()
    case_reference, events = case_events(runtime.casework, g.actor, reference)
    access_log.record_view(runtime.casework, g.actor, "case", case_reference)
    return {"reference": case_reference, "events": [representations.event(e) for e in events]}
