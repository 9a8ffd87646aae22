"""A person's own settings: which notices they receive, and how new tasks for their groups reach them."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import signed_in
from service.cases.errors import InvalidInput
from service.notifications.preferences import GROUP_TASK_MODES, choosable, choose_preferences, my_preferences
from service.views.helpers import runtime

blueprint = Blueprint("account", __name__, url_prefix="/account")


@blueprint.route("/notifications", methods=["GET", "POST"])
@signed_in
def notifications():
    problems = {}
    kinds = choosable()
    if request.method == "POST":
        try:
            choose_preferences(runtime().casework, g.actor, request.form.getlist("kinds")[:len(kinds)],
                               request.form.get("group_tasks", "")[:20], request.form.get("digest_time", "")[:5])
        except InvalidInput as invalid:
            problems = {problem.field: problem.message for problem in invalid.problems}
        else:
            flash("Your notification settings are saved.")
            return redirect(url_for("account.notifications"))
    chosen = my_preferences(runtime().casework, g.actor)
    return render_template("account/notifications.html", chosen=chosen, kinds=kinds, modes=GROUP_TASK_MODES,
                           problems=problems, email=g.user.email), (422 if problems else 200)
