"""Platform incidents over the API: for monitoring systems and auditors (retrying stays on the admin page,
since API tokens never carry the administrator role)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from service.api import blueprint
from service.api.bodies import query_choice, query_int
from service.auth.permissions import allow
from service.cases.incidents import IncidentRow, incidents_page
from service.models.incidents import INCIDENT_KINDS, INCIDENT_STATUSES

INCIDENT_READERS = ("admin", "auditor")


def incident(row: IncidentRow) -> dict[str, Any]:
    record = row.incident
    return {
        "id": record.id, "case_reference": row.case_reference, "kind": record.kind,
        "element_id": record.element_id or None, "message": record.message, "status": record.status,
        "occurrences": record.occurrences, "opened_at": record.opened_at.isoformat(),
        "last_seen_at": record.last_seen_at.isoformat(),
        "resolved_at": record.resolved_at.isoformat() if record.resolved_at else None,
        "resolution": record.resolution or None,
    }


@blueprint.route("/incidents", methods=["GET"])
@allow(*INCIDENT_READERS)
def list_incidents():
    """Incidents, oldest first: open ones by default (``status=resolved`` for the others), ``kind`` to filter."""
    page = query_int("page", 1)
    size = query_int("page_size", 25, high=100)
    status = query_choice("status", INCIDENT_STATUSES, "open")
    kind = query_choice("kind", INCIDENT_KINDS)
    result = incidents_page(current_app.extensions["ubp"].casework, page, status=status, kind=kind, page_size=size)
    return {"items": [incident(row) for row in result.rows], "total": result.total, "page": result.page,
            "pages": result.pages}
