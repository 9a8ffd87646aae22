"""Groups over the API (role: admin): list them, create one, see and change who is in it."""

from __future__ import annotations

from flask import current_app, g

from service.api import blueprint
from service.api.bodies import json_object
from service.auth.permissions import allow
from service.cases.errors import FieldProblem, InvalidInput
from service.people import groups


def _runtime():
    return current_app.extensions["ubp"]


def _text(body: dict, name: str, *, required: bool = True) -> str:
    value = body.get(name, "" if not required else None)
    if not isinstance(value, str):
        raise InvalidInput([FieldProblem(name, f"{name} must be text")])
    return value


@blueprint.route("/groups", methods=["GET"])
@allow("admin")
def list_groups():
    return {"items": [{"name": found.name, "label": found.label, "description": found.description,
                       "member_count": found.member_count} for found in groups.list_groups(_runtime().casework)]}


@blueprint.route("/groups", methods=["POST"])
@allow("admin")
def create_group():
    body = json_object({"name", "label", "description"})
    created = groups.create_group(_runtime().casework, g.actor, name=_text(body, "name"), label=_text(body, "label"),
                                  description=_text(body, "description", required=False),
                                  now=_runtime().clock.now())
    return {"name": created.name, "label": created.label, "description": created.description}, 201


@blueprint.route("/groups/<name>", methods=["GET"])
@allow("admin")
def get_group(name: str):
    page = groups.load_group(_runtime().casework, name)
    return {"name": page.name, "label": page.label, "description": page.description,
            "members": [{"username": m.username, "full_name": m.full_name, "by_role": m.by_role}
                        for m in page.members]}


@blueprint.route("/groups/<name>/members", methods=["POST"])
@allow("admin")
def add_group_member(name: str):
    body = json_object({"username"})
    groups.add_member(_runtime().casework, g.actor, name, _text(body, "username"), _runtime().clock.now())
    return {"group": name, "username": body["username"].strip(), "added": True}, 201


@blueprint.route("/groups/<name>/members/<username>", methods=["DELETE"])
@allow("admin")
def remove_group_member(name: str, username: str):
    groups.remove_member(_runtime().casework, g.actor, name, username, _runtime().clock.now())
    return {"group": name, "username": username, "removed": True}
