"""People administration, for administrators: the list, one person's account and its audit trail,
and the changes (create, deactivate, reactivate, roles, groups, email, unlock, forced password reset)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.accounts import directory, password_reset, people
from service.auth.permissions import allow
from service.cases.errors import CaseworkError, InvalidInput
from service.people import groups
from service.people.actors import account_roles
from service.views.helpers import flash_problem, runtime

blueprint = Blueprint("people", __name__, url_prefix="/admin/people")


@blueprint.route("")
@allow("admin")
def index():
    now = runtime().clock.now()
    return render_template("people/index.html", people=directory.list_people(runtime().casework),
                           locked=directory.locked_people(runtime().casework, now), status_of=directory.status_of,
                           now=now)


@blueprint.route("/new", methods=["GET", "POST"])
@allow("admin")
def create():
    problems, entered = {}, {"roles": []}
    if request.method == "POST":
        entered = _entered_person()
        try:
            person = people.create_person(runtime().casework, g.actor, people.NewPerson(**entered),
                                          runtime().clock.now())
        except InvalidInput as invalid:
            problems = {problem.field: problem.message for problem in invalid.problems}
        else:
            link = password_reset.force_reset(runtime().casework, g.actor, person.id, runtime().clock.now())
            return _person_page(person.id, reset_link=_link(link), created=True)
    return render_template("people/new.html", problems=problems, entered=entered, roles=account_roles()), \
        (422 if problems else 200)


@blueprint.route("/<int:user_id>")
@allow("admin")
def person(user_id: int):
    return _person_page(user_id)


@blueprint.route("/<int:user_id>/deactivate", methods=["POST"])
@allow("admin")
def deactivate(user_id: int):
    reason = request.form.get("reason", "")[:500]
    return _change(user_id, "Deactivated: their sessions have ended.",
                   lambda: people.deactivate(runtime().casework, g.actor, user_id, reason, runtime().clock.now()))


@blueprint.route("/<int:user_id>/reactivate", methods=["POST"])
@allow("admin")
def reactivate(user_id: int):
    return _change(user_id, "Reactivated.",
                   lambda: people.reactivate(runtime().casework, g.actor, user_id, runtime().clock.now()))


@blueprint.route("/<int:user_id>/roles", methods=["POST"])
@allow("admin")
def change_roles(user_id: int):
    roles = request.form.getlist("roles")[:len(account_roles())]
    return _change(user_id, "Roles saved.",
                   lambda: people.change_roles(runtime().casework, g.actor, user_id, roles, runtime().clock.now()))


@blueprint.route("/<int:user_id>/groups", methods=["POST"])
@allow("admin")
def change_groups(user_id: int):
    names = [name[:80] for name in request.form.getlist("groups")[:200]]
    return _change(user_id, "Groups saved.",
                   lambda: groups.set_groups_of_person(runtime().casework, g.actor, user_id, names,
                                                       runtime().clock.now()))


@blueprint.route("/<int:user_id>/email", methods=["POST"])
@allow("admin")
def change_email(user_id: int):
    email = request.form.get("email", "")[:400]
    return _change(user_id, "Email saved.",
                   lambda: people.change_email(runtime().casework, g.actor, user_id, email, runtime().clock.now()))


@blueprint.route("/<int:user_id>/unlock", methods=["POST"])
@allow("admin")
def unlock(user_id: int):
    return _change(user_id, "Unlocked.",
                   lambda: people.unlock(runtime().casework, g.actor, user_id, runtime().clock.now()))


@blueprint.route("/<int:user_id>/password-reset", methods=["POST"])
@allow("admin")
def force_password_reset(user_id: int):
    token = password_reset.force_reset(runtime().casework, g.actor, user_id, runtime().clock.now())
    return _person_page(user_id, reset_link=_link(token))


def _change(user_id: int, done: str, change):
    try:
        change()
    except CaseworkError as refused:
        problems = getattr(refused, "problems", None)
        flash_problem(problems[0].message if problems else refused.message)
    else:
        flash(done)
    return redirect(url_for("people.person", user_id=user_id))


def _person_page(user_id: int, reset_link: str | None = None, created: bool = False):
    user, trail = directory.person_with_trail(runtime().casework, user_id)
    now = runtime().clock.now()
    return render_template("people/person.html", person=user, trail=trail, roles=account_roles(), reset_link=reset_link,
                           groups=groups.groups_of_person(runtime().casework, user_id),
                           created=created, status=directory.status_of(user, now),
                           lifetime_hours=int(password_reset.LINK_LIFETIME.total_seconds() // 3600))


def _link(token: str) -> str:
    return f"{runtime().settings.public_url}{url_for('auth.set_password', token=token)}"


def _entered_person() -> dict:
    form = request.form
    return {"username": form.get("username", "")[:100], "full_name": form.get("full_name", "")[:250],
            "email": form.get("email", "")[:400], "job_title": form.get("job_title", "")[:250],
            "roles": tuple(form.getlist("roles")[:len(account_roles())])}
