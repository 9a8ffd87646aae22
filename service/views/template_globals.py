"""Helpers every template can call: built asset URLs and the navigation for the signed-in person."""

from __future__ import annotations

import json
from functools import lru_cache

from flask import Flask, current_app, g, request, url_for
from werkzeug.local import LocalProxy

from service.people.actors import TASK_WORKER
from service.people.roles import CASEWORKERS, DECIDERS, STAFF_AND_AUDITORS, Permissions
from service.resources import STATIC

DIST = STATIC / "dist"

# (endpoint, label, roles that see it)
NAVIGATION = (
    ("inbox.inbox", "Tasks", (TASK_WORKER,)),
    ("caseload.mine", "My cases", (TASK_WORKER,)),
    ("caseload.team", "Team cases", DECIDERS),
    ("caseload.workload", "Workload", DECIDERS),
    ("cases.record_incident", "Record an incident", CASEWORKERS),
    ("starting.index", "Start a case", (TASK_WORKER,)),
    ("customers.search", "Customers", STAFF_AND_AUDITORS),
    ("processes.index", "Processes", ("process_owner",)),
    ("audit.index", "Audit", ("auditor",)),
    ("admin.index", "Administration", ("admin",)),
    ("timers.index", "Timers", ("admin",)),
    ("data_protection.index", "Data protection", ("admin", "data_protection_officer", "auditor")),
)


@lru_cache(maxsize=1)
def _manifest() -> dict[str, str]:
    path = DIST / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def asset_url(name: str) -> str:
    """The built file's URL with its content hash as a cache-busting query."""
    _, _, version = _manifest().get(name, name).partition("?v=")
    return url_for("static", filename=f"dist/{name}", v=version or None)


def navigation_items() -> list[dict[str, object]]:
    actor = g.get("actor")
    if actor is None:
        return []
    items = [
        {"href": url_for(endpoint), "text": label, "current": False}
        for endpoint, label, roles in NAVIGATION
        if endpoint in current_app.view_functions and actor.has_any_role(roles)
    ]
    # The most specific section is the current one (/admin/timers is Timers, not Administration).
    matching = [item for item in items if request.path == item["href"] or request.path.startswith(f"{item['href']}/")]
    if matching:
        max(matching, key=lambda item: len(item["href"]))["current"] = True
    return items


def init_app(app: Flask) -> None:
    # ``may``: what the signed-in person may do, so that no template names a role. A global (not a context
    # variable) so that imported macros see it too; read afresh on every request.
    app.jinja_env.globals.update(asset_url=asset_url, navigation_items=navigation_items,
                                 may=LocalProxy(lambda: Permissions(g.get("actor"))))
