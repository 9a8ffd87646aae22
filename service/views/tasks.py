"""A task page: the step's form, its instructions, and the case beside it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.casework.case_file import load_task_file
from service.casework.errors import Conflict, InvalidInput, NotAllowed
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("tasks", __name__, url_prefix="/tasks")
VIEWERS = ("caseworker", "head_of_service", "executive", "auditor")


@blueprint.route("/<task_id>", methods=["GET", "POST"])
@allow(*VIEWERS)
def task(task_id: str):
    file = load_task_file(runtime().db, task_id)
    problems = []
    if request.method == "POST":
        if request.form.get("task_id") != task_id:
            abort(400)
        try:
            reference = runtime().casework.complete_task(g.actor, task_id, _answers(file)).reference
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as conflict:
            flash_problem(conflict.message)
            return redirect(url_for("cases.case", reference=file.summary.case.reference))
        except NotAllowed as refusal:
            flash_problem(refusal.message)
            return redirect(url_for("tasks.task", task_id=task_id))
        else:
            flash(f"‘{file.task.name}’ is done.")
            return redirect(url_for("cases.case", reference=reference))
    questions = form_fields(file.form, request.form, {p.field: p.message for p in problems}) if file.form else []
    return render_template("tasks/task.html", file=file, questions=questions, now=runtime().clock.now(),
                           errors=error_summary(problems, questions))


def _answers(file) -> dict:
    return form_data(file.form, request.form) if file.form else {}
