"""Timers, for administrators: what is scheduled to fire and when, and any that failed, with a retry."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.casework.timers import retry_now
from service.dao import timers_dao
from service.dao.instances_dao import StaleInstance
from service.views.helpers import flash_problem, runtime

blueprint = Blueprint("timers", __name__, url_prefix="/admin/timers")


@blueprint.route("")
@allow("admin")
def index():
    with runtime().db.reading() as session:
        failed = timers_dao.failed_timers(session)
        scheduled = timers_dao.scheduled_timers(session, request.args.get("page", 1, type=int))
    return render_template("timers/index.html", failed=failed, scheduled=scheduled, now=runtime().clock.now())


@blueprint.route("/<int:instance_id>/retry", methods=["POST"])
@allow("admin")
def retry(instance_id: int):
    try:
        reference = retry_now(runtime().casework, instance_id, g.actor)
    except StaleInstance:
        flash_problem("The worker was busy with that case at the same moment, so nothing was changed. Look again.")
    else:
        if reference:
            flash(f"The timer on {reference} will be tried again within a few seconds.")
        else:
            flash_problem("That timer has not failed, or has fired since, so there was nothing to retry.")
    return redirect(url_for("timers.index"))
