"""Timers, for administrators: what is scheduled to fire and when, any that failed (with a retry), and
moving a waiting timer's due date or firing it now, with a reason."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.cases.errors import CaseworkError, Conflict
from service.tasks.timer_changes import fire_timer_now, move_timer
from service.tasks.timer_listing import WaitingTimerRow, timer_listing, waiting_timer
from service.tasks.timers import retry_now
from service.views.formatting import london_datetime
from service.views.helpers import flash_problem, runtime
from workflows.calendar import LONDON

blueprint = Blueprint("timers", __name__, url_prefix="/admin/timers")


@blueprint.route("")
@allow("admin")
def index():
    listing = timer_listing(runtime().casework, request.args.get("page", 1, type=int))
    return render_template("timers/index.html", failed=listing.failed, scheduled=listing.scheduled,
                           now=runtime().clock.now())


@blueprint.route("/<int:instance_id>/retry", methods=["POST"])
@allow("admin")
def retry(instance_id: int):
    try:
        reference = retry_now(runtime().casework, instance_id, g.actor)
    except Conflict as busy:
        flash_problem(busy.message)
    else:
        if reference:
            flash(f"The timer on {reference} will be tried again within a few seconds.")
        else:
            flash_problem("That timer has not failed, or has fired since, so there was nothing to retry.")
    return redirect(url_for("timers.index"))


@blueprint.route("/<int:instance_id>/<element_id>", methods=["GET", "POST"])
@allow("admin")
def change(instance_id: int, element_id: str):
    timer = waiting_timer(runtime().casework, instance_id, element_id)
    if timer is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _change_timer(timer, request.form)
        if not errors:
            return redirect(url_for("timers.index"))
    return render_template("timers/change.html", timer=timer, errors=errors, form=request.form), 422 if errors else 200


def _change_timer(timer: WaitingTimerRow, form) -> dict[str, str]:
    reason = form.get("reason", "").strip()
    errors = {} if reason else {"reason": "Give the reason for the change: it is kept on the case's record."}
    fire = form.get("action") == "fire"
    due = None if fire else _london_instant(form.get("due", ""))
    if not fire and due is None:
        errors["due"] = "Enter the new due date and time, for example 31/01/2027 09:00."
    if errors:
        return errors
    try:
        if fire:
            fire_timer_now(runtime().casework, g.actor, timer.instance_id, timer.element_id, reason)
            flash(f"The timer ‘{timer.name}’ on {timer.case_reference} has fired.")
        else:
            move_timer(runtime().casework, g.actor, timer.instance_id, timer.element_id, due, reason)
            flash(f"The timer ‘{timer.name}’ on {timer.case_reference} now falls due {london_datetime(due)}.")
    except CaseworkError as problem:
        flash_problem(problem.message)
    return {}


def _london_instant(text: str) -> datetime | None:
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return local.replace(tzinfo=LONDON) if local.tzinfo is None else local
