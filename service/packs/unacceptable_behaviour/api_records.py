"""How the policy's records look in the API: a restriction with the contact it permits, and what a policy
case adds to the platform's case (``Pack.case_api_extras``). Dates are ISO-8601."""

from __future__ import annotations

from typing import Any

from service.models import Restriction
from service.packs.unacceptable_behaviour.contact_rules import permitted_contact


def restriction(record: Restriction) -> dict[str, Any]:
    return {
        "kind": record.kind,
        "status": record.status,
        "starts_on": record.starts_on.isoformat(),
        "ends_on": record.ends_on.isoformat(),
        "permitted_contact": permitted_contact(record),
    }


def case_extras(record) -> dict[str, Any]:
    """A policy case in the API also lists its restrictions (``record`` is a ``cases.reading.CaseRecord``)."""
    return {"restrictions": [restriction(r) for r in record.restrictions]}
