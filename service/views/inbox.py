"""The task inbox: my tasks, my groups' unclaimed tasks, and picking up or handing on a task."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.casework import inbox_actions
from service.casework.actors import TASK_WORKER
from service.casework.errors import CaseworkError, InvalidInput
from service.casework.inbox import TABS, load_inbox, load_overdue
from service.dao.inbox_dao import InboxFilters
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("inbox", __name__, url_prefix="/tasks")
STAFF = (TASK_WORKER,)
MANAGERS = inbox_actions.REASSIGNERS


@blueprint.route("")
@allow(*STAFF)
def inbox():
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "mine"
    filters = InboxFilters(
        task_name=request.args.get("task_name") or None,
        customer=request.args.get("customer") or None,
        case_reference=request.args.get("case_reference") or None,
        overdue_only=request.args.get("overdue") == "yes",
    )
    now = runtime().clock.now()
    page = load_inbox(runtime().db, g.actor, now, tab, filters, request.args.get("page", 1, type=int))
    return render_template("inbox/inbox.html", inbox=page, filters=filters, now=now, query=_query(tab, filters))


@blueprint.route("/overdue")
@allow(*MANAGERS)
def overdue():
    now = runtime().clock.now()
    return render_template("inbox/overdue.html", rows=load_overdue(runtime().db, now), now=now)


@blueprint.route("/<task_id>/claim", methods=["POST"])
@allow(*STAFF)
def claim(task_id: str):
    try:
        task = inbox_actions.claim(runtime().casework, g.actor, task_id)
    except CaseworkError as error:
        flash_problem(error.message)
        return redirect(_back())
    flash(f"You have picked up ‘{task.name}’.")
    return redirect(url_for("tasks.task", task_id=task_id))


@blueprint.route("/<task_id>/unclaim", methods=["POST"])
@allow(*STAFF)
def unclaim(task_id: str):
    try:
        task = inbox_actions.unclaim(runtime().casework, g.actor, task_id)
    except CaseworkError as error:
        flash_problem(error.message)
        return redirect(_back())
    flash(f"You have given back ‘{task.name}’: it is unclaimed for the group again.")
    return redirect(url_for("inbox.inbox"))


@blueprint.route("/<task_id>/reassign", methods=["GET", "POST"])
@allow(*MANAGERS)
def reassign(task_id: str):
    casework = runtime().casework
    page = inbox_actions.reassignment(casework, g.actor, task_id)
    problems = []
    if request.method == "POST":
        try:
            task = inbox_actions.reassign(casework, g.actor, task_id, form_data(page.form, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        else:
            flash(f"‘{task.name}’ has been reassigned.")
            return redirect(url_for("tasks.task", task_id=task_id))
    questions = form_fields(page.form, request.form, {p.field: p.message for p in problems})
    answer = render_template("inbox/reassign.html", page=page, questions=questions,
                             errors=error_summary(problems, questions))
    return answer, (422 if problems else 200)


def _query(tab: str, filters: InboxFilters) -> dict[str, str]:
    """The tab and filters as URL parameters, so the tabs and pages keep them."""
    query = {"tab": tab, "task_name": filters.task_name, "customer": filters.customer,
             "case_reference": filters.case_reference, "overdue": "yes" if filters.overdue_only else None}
    return {name: value for name, value in query.items() if value}


def _back() -> str:
    """Where the action was taken from, if that was a page of this service."""
    target = request.form.get("back", "")
    return target if target.startswith("/") and not target.startswith("//") else url_for("inbox.inbox")
