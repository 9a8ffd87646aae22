"""Helpers every template can call: built asset URLs and the navigation for the signed-in person."""

from __future__ import annotations

import json
from functools import lru_cache

from flask import Flask, current_app, g, request, url_for
from werkzeug.local import LocalProxy

from service.auth.permissions import admits
from service.packs.registry import menu, packs
from service.people.actors import TASK_WORKER
from service.people.roles import MANAGERS, Permissions
from service.resources import STATIC

DIST = STATIC / "dist"

# (endpoint, label, roles that see it): the day's work, then each pack's own start page (``_start_pages``),
# then starting a case, each pack's own entries (``Pack.menu``), and the other areas.
WORK = (
    ("inbox.inbox", "Tasks", (TASK_WORKER,)),
    ("caseload.mine", "My cases", (TASK_WORKER,)),
    ("caseload.team", "Team cases", MANAGERS),
    ("caseload.workload", "Workload", MANAGERS),
)
START = (("starting.index", "Start a case", (TASK_WORKER,)),)
AREAS = (
    ("processes.index", "Processes", ("process_owner",)),
    ("audit.index", "Audit", ("auditor",)),
    ("admin.index", "Administration", ("admin",)),
    ("timers.index", "Timers", ("admin",)),
    ("data_protection.index", "Data protection", ("admin", "data_protection_officer", "auditor")),
)

def _start_pages():
    """Each pack's own start page, in the pack's words, for whoever that page admits (its ``allow``)."""
    for pack in packs().values():
        view = current_app.view_functions.get(pack.start_endpoint or "")
        if view is not None and pack.wording.get("start_label"):
            yield pack.start_endpoint, pack.wording["start_label"], getattr(view, "permission", ())


def _route_admits(actor, endpoint: str) -> bool:
    return admits(current_app.view_functions.get(endpoint), actor)


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
        for endpoint, label, roles in (*WORK, *_start_pages(), *START, *menu(), *AREAS)
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
                                 may=LocalProxy(lambda: Permissions(g.get("actor"), _route_admits)))
