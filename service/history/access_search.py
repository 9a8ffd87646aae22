"""Reading the access log: who looked at which case, customer or letter, and when."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from service.dao.access_log_dao import AccessFilters
from service.history.access_log import KINDS
from workflows.calendar import start_of_day


@dataclass(frozen=True)
class AccessRequest:
    filters: AccessFilters
    values: dict[str, str]  # as entered, to show in the form again
    problems: dict[str, str]  # field name -> what is wrong (that filter is not applied)


def access_request(args: Mapping[str, str]) -> AccessRequest:
    values = {name: (args.get(name) or "").strip()[:100] for name in ("user", "kind", "reference", "on")}
    problems: dict[str, str] = {}
    day = None
    if values["on"]:
        try:
            day = date.fromisoformat(values["on"])
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year <= 2999:
            day = None
            problems["on"] = "The date must be a real date, like 2026-03-02"
    filters = AccessFilters(
        user_id=int(values["user"]) if values["user"].isdigit() and len(values["user"]) <= 9 else None,
        kind=values["kind"] if values["kind"] in KINDS else None,
        reference=values["reference"] or None,
        since=start_of_day(day) if day else None,
        before=start_of_day(day + timedelta(days=1)) if day else None,
    )
    return AccessRequest(filters, values, problems)
