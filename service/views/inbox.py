"""The task inbox: my tasks, my groups' unclaimed tasks, and picking up or handing on a task."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.cases.errors import CaseworkError, InvalidInput
from service.packs.registry import subject_noun
from service.people.roles import MANAGERS, WORKERS
from service.tasks import inbox_actions, saved_filters
from service.tasks.inbox import SORTS, TABS, InboxFilters, load_inbox, load_overdue
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("inbox", __name__, url_prefix="/tasks")
_FILTER_KEYS = ("tab", "task_name", "customer", "case_reference", "overdue", "snoozed", "sort")


@blueprint.route("")
@allow(*WORKERS)
def inbox():
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "mine"
    sort = request.args.get("sort", "due")
    filters = InboxFilters(
        task_name=request.args.get("task_name") or None,
        customer=request.args.get("customer") or None,
        case_reference=request.args.get("case_reference") or None,
        overdue_only=request.args.get("overdue") == "yes",
        include_snoozed=request.args.get("snoozed") == "yes",
        sort=sort if sort in SORTS else "due",
    )
    now = runtime().clock.now()
    page = load_inbox(runtime().casework, g.actor, now, tab, filters, request.args.get("page", 1, type=int))
    saved = saved_filters.saved_filters(runtime().casework, g.actor)
    return render_template("inbox/inbox.html", inbox=page, filters=filters, now=now, query=_query(tab, filters),
                           sorts=SORTS, saved=saved, subject_noun=subject_noun())


@blueprint.route("/filters", methods=["POST"])
@allow(*WORKERS)
def save_filter():
    name = " ".join(request.form.get("name", "").split())[:80]
    wanted = {key: request.form.get(key, "")[:200] for key in _FILTER_KEYS if request.form.get(key)}
    if not name:
        flash_problem("Enter a name for the filter, so you can find it again.")
        return redirect(url_for("inbox.inbox", **wanted))
    saved_filters.save_filter(runtime().casework, g.actor, name, wanted)
    flash(f"Saved the filter ‘{name}’.")
    return redirect(url_for("inbox.inbox", **wanted))


@blueprint.route("/filters/<int:filter_id>/delete", methods=["POST"])
@allow(*WORKERS)
def delete_filter(filter_id: int):
    if saved_filters.delete_filter(runtime().casework, g.actor, filter_id):
        flash("The saved filter has been deleted.")
    else:
        flash_problem("That saved filter was not found, so nothing was deleted.")
    return redirect(url_for("inbox.inbox"))


@blueprint.route("/<task_id>/snooze", methods=["POST"])
@allow(*WORKERS)
def snooze(task_id: str):
    until = request.form.get("follow_up", "")[:20]
    try:
        task = inbox_actions.snooze(runtime().casework, g.actor, task_id, until)
    except InvalidInput as invalid:
        flash_problem(invalid.problems[0].message)
        return redirect(url_for("tasks.task", task_id=task_id))
    except CaseworkError as error:
        flash_problem(error.message)
        return redirect(url_for("tasks.task", task_id=task_id))
    flash(f"‘{task.name}’ is snoozed: it comes back to your list on {until}.")
    return redirect(url_for("inbox.inbox"))


@blueprint.route("/overdue")
@allow(*MANAGERS)
def overdue():
    now = runtime().clock.now()
    return render_template("inbox/overdue.html", rows=load_overdue(runtime().casework, now), now=now,
                           subject_noun=subject_noun())


@blueprint.route("/<task_id>/claim", methods=["POST"])
@allow(*WORKERS)
def claim(task_id: str):
    try:
        task = inbox_actions.claim(runtime().casework, g.actor, task_id)
    except CaseworkError as error:
        flash_problem(error.message)
        return redirect(_back())
    flash(f"You have picked up ‘{task.name}’.")
    return redirect(url_for("tasks.task", task_id=task_id))


@blueprint.route("/<task_id>/unclaim", methods=["POST"])
@allow(*WORKERS)
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
             "case_reference": filters.case_reference, "overdue": "yes" if filters.overdue_only else None,
             "snoozed": "yes" if filters.include_snoozed else None,
             "sort": filters.sort if filters.sort != "due" else None}
    return {name: value for name, value in query.items() if value}


def _back() -> str:
    """Where the action was taken from, if that was a page of this service."""
    target = request.form.get("back", "")
    return target if target.startswith("/") and not target.startswith("//") else url_for("inbox.inbox")
