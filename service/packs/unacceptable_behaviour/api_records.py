"""How the policy's records look in the API: a restriction with the contact it permits, and what a policy
case adds to the platform's case (``Pack.case_api_extras``, described by ``Pack.case_api_schema``; the
Restriction schema comes with the pack's customer routes). Dates are ISO-8601."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.models import Case
from service.packs.unacceptable_behaviour.contact_rules import permitted_contact
from service.packs.unacceptable_behaviour.dao import records_dao
from service.packs.unacceptable_behaviour.models import Restriction


def restriction(record: Restriction) -> dict[str, Any]:
    return {
        "kind": record.kind,
        "status": record.status,
        "starts_on": record.starts_on.isoformat(),
        "ends_on": record.ends_on.isoformat(),
        "permitted_contact": permitted_contact(record),
    }


def case_extras(session: Session, case: Case) -> dict[str, Any]:
    """A policy case in the API also lists its restrictions, whatever became of them."""
    return {"restrictions": [restriction(r) for r in records_dao.list_restrictions_of_case(session, case.id)]}


# How the API's case shows what ``case_extras`` adds (``Pack.case_api_schema``).
CASE_EXTRAS_SCHEMA = {"type": "object", "properties": {
    "restrictions": {"type": "array", "items": {"$ref": "#/components/schemas/Restriction"},
                     "description": "Only on cases of a process whose pack adds them"}}}
