"""Telling a case that something it waits for has happened (a BPMN message), with the message's form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.cases import reading
from service.casework.actors import TASK_WORKER
from service.casework.case_file import load_case_file
from service.casework.errors import Conflict, InvalidInput
from service.casework.timeline import version_form
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("case_messages", __name__, url_prefix="/cases")


@blueprint.route("/<reference>/messages/<name>", methods=["GET", "POST"])
@allow(TASK_WORKER)
def deliver(reference: str, name: str):
    file = load_case_file(runtime().db, reference)
    summary = file.summary
    reading.refuse_unless_may_read(g.actor, summary.version.process_id)
    if name not in file.waiting_messages:
        flash_problem("This case is not waiting for that now, so nothing can be recorded.")
        return redirect(url_for("cases.case", reference=summary.case.reference))
    form = version_form(summary.version, summary.definition.message_forms.get(name))
    if form is None:
        abort(404)
    problems = []
    if request.method == "POST":
        try:
            runtime().casework.deliver_message(g.actor, summary.case.reference, name, form_data(form, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as conflict:
            flash_problem(conflict.message)
            return redirect(url_for("cases.case", reference=summary.case.reference))
        else:
            flash(f"{form.title or name} recorded on the case.")
            return redirect(url_for("cases.case", reference=summary.case.reference))
    questions = form_fields(form, request.form, {p.field: p.message for p in problems})
    page = render_template("cases/form.html", page_title=form.title or name, summary=summary, form=form,
                           questions=questions, submit="Record it", errors=error_summary(problems, questions))
    return page, (422 if problems else 200)
