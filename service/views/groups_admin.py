"""Administration of groups: create a group, put people in it, take them out."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.cases.errors import CaseworkError, InvalidInput
from service.people import groups
from service.views.helpers import flash_problem, runtime

blueprint = Blueprint("groups_admin", __name__, url_prefix="/admin/groups")


@blueprint.route("", methods=["GET", "POST"])
@allow("admin")
def index():
    problems, entered = [], {}
    if request.method == "POST":
        entered = {key: request.form.get(key, "")[:2100] for key in ("name", "label", "description")}
        try:
            created = groups.create_group(runtime().casework, g.actor, now=runtime().clock.now(), **entered)
        except InvalidInput as invalid:
            problems = invalid.problems
        else:
            flash(f"The group {created.label} has been created. Add people to it below.")
            return redirect(url_for("groups_admin.group", name=created.name))
    return render_template("admin/groups.html", groups=groups.list_groups(runtime().casework), problems=problems,
                           entered=entered), (422 if problems else 200)


@blueprint.route("/<name>", methods=["GET", "POST"])
@allow("admin")
def group(name: str):
    page = groups.load_group(runtime().casework, name)
    problems, entered = [], ""
    if request.method == "POST":
        entered = request.form.get("username", "")[:80]
        try:
            groups.add_member(runtime().casework, g.actor, name, entered, runtime().clock.now())
        except InvalidInput as invalid:
            problems = invalid.problems
        except CaseworkError as error:
            flash_problem(error.message)
            return redirect(url_for("groups_admin.group", name=name))
        else:
            flash(f"{entered.strip()} has been added to {page.label}.")
            return redirect(url_for("groups_admin.group", name=name))
    return render_template("admin/group.html", group=page, problems=problems, entered=entered), (
        422 if problems else 200)


@blueprint.route("/<name>/members/<username>/remove", methods=["POST"])
@allow("admin")
def remove_member(name: str, username: str):
    try:
        groups.remove_member(runtime().casework, g.actor, name, username, runtime().clock.now())
    except CaseworkError as error:
        flash_problem(error.message)
    else:
        flash(f"{username} has been taken out of the group.")
    return redirect(url_for("groups_admin.group", name=name))
