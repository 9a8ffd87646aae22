"""People administration over the API (role: admin), for an identity or HR system's leaver feed."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, url_for

from service.accounts import directory, password_reset, people
from service.api import blueprint
from service.api.bodies import json_object, query_choice
from service.api.openapi_people import STATUSES
from service.auth.permissions import allow
from service.cases.errors import FieldProblem, InvalidInput
from service.models import User
from service.people import groups


def _runtime():
    return current_app.extensions["ubp"]


def _person(user: User) -> dict[str, Any]:
    now = _runtime().clock.now()
    return {"username": user.username, "full_name": user.full_name, "email": user.email,
            "job_title": user.job_title, "roles": sorted(user.roles), "status": directory.status_of(user, now).lower(),
            "last_sign_in_at": user.last_sign_in_at.isoformat() if user.last_sign_in_at else None}


def _user_id(username: str) -> int:
    return directory.person_id(_runtime().casework, username)


def _link(token: str) -> str:
    return f"{_runtime().settings.public_url}{url_for('auth.set_password', token=token)}"


def _text(body: dict[str, Any], name: str, required: bool = False) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidInput([FieldProblem(name, f"{name} must be {'a non-empty' if required else 'a'} string")])
    return value


def _roles(body: dict[str, Any]) -> tuple[str, ...]:
    roles = body.get("roles")
    if not isinstance(roles, list) or not all(isinstance(role, str) for role in roles):
        raise InvalidInput([FieldProblem("roles", "roles must be a list of role names")])
    return tuple(roles[:20])


@blueprint.route("/people", methods=["GET"])
@allow("admin")
def list_people():
    wanted = query_choice("status", STATUSES)
    listed = [_person(user) for user in directory.list_people(_runtime().casework)]
    return {"items": [person for person in listed if wanted in (None, person["status"])]}


@blueprint.route("/people", methods=["POST"])
@allow("admin")
def create_person():
    body = json_object({"username", "full_name", "email", "job_title", "roles"})
    new = people.NewPerson(username=_text(body, "username", True), full_name=_text(body, "full_name", True),
                           email=_text(body, "email"), job_title=_text(body, "job_title"), roles=_roles(body))
    user = people.create_person(_runtime().casework, g.actor, new, _runtime().clock.now())
    token = password_reset.force_reset(_runtime().casework, g.actor, user.id, _runtime().clock.now())
    return {"person": _person(user), "set_password_link": _link(token)}, 201


@blueprint.route("/people/<username>", methods=["GET"])
@allow("admin")
def get_person(username: str):
    user, trail = directory.person_with_trail(_runtime().casework, _user_id(username))
    return {**_person(user), "history": [
        {"at": entry.at.isoformat(), "what": entry.what, "by": entry.by, "detail": entry.detail} for entry in trail]}


@blueprint.route("/people/<username>/deactivate", methods=["POST"])
@allow("admin")
def deactivate_person(username: str):
    body = json_object({"reason"})
    user = people.deactivate(_runtime().casework, g.actor, _user_id(username), _text(body, "reason", True),
                             _runtime().clock.now())
    return _person(user)


@blueprint.route("/people/<username>/reactivate", methods=["POST"])
@allow("admin")
def reactivate_person(username: str):
    return _person(people.reactivate(_runtime().casework, g.actor, _user_id(username), _runtime().clock.now()))


@blueprint.route("/people/<username>/roles", methods=["PUT"])
@allow("admin")
def set_roles(username: str):
    body = json_object({"roles"})
    return _person(people.change_roles(_runtime().casework, g.actor, _user_id(username), list(_roles(body)),
                                       _runtime().clock.now()))


@blueprint.route("/people/<username>/groups", methods=["PUT"])
@allow("admin")
def set_groups(username: str):
    body = json_object({"groups"})
    names = body.get("groups")
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise InvalidInput([FieldProblem("groups", "groups must be a list of group names")])
    user_id = _user_id(username)
    held = groups.set_groups_of_person(_runtime().casework, g.actor, user_id, names[:200], _runtime().clock.now())
    return {"username": username, "groups": held}


@blueprint.route("/people/<username>/email", methods=["PUT"])
@allow("admin")
def set_email(username: str):
    body = json_object({"email"})
    return _person(people.change_email(_runtime().casework, g.actor, _user_id(username), _text(body, "email"),
                                       _runtime().clock.now()))


@blueprint.route("/people/<username>/password-reset", methods=["POST"])
@allow("admin")
def force_password_reset(username: str):
    token = password_reset.force_reset(_runtime().casework, g.actor, _user_id(username), _runtime().clock.now())
    return {"set_password_link": _link(token)}
