"""Starting a case of any process: the list of what the signed-in person may start, and each start form."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import signed_in
from service.cases import catalogue
from service.cases.cases import start_case
from service.cases.errors import InvalidInput
from service.views.helpers import runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("starting", __name__, url_prefix="/start-a-case")


@blueprint.route("")
@signed_in
def index():
    return render_template("cases/start.html", processes=catalogue.startable_processes(runtime().casework, g.actor))


@blueprint.route("/<process_id>", methods=["GET", "POST"])
@signed_in
def start(process_id: str):
    start = catalogue.start_form(runtime().casework, g.actor, process_id)
    problems = []
    if request.method == "POST":
        answers = form_data(start.form, request.form) if start.form else {}
        try:
            started = start_case(runtime().casework, g.actor, answers, process_id=process_id)
        except InvalidInput as invalid:
            problems = invalid.problems
        else:
            flash(f"Case started. The case reference is {started.reference}.")
            return redirect(url_for("cases.case", reference=started.reference))
    questions = form_fields(start.form, request.form, {p.field: p.message for p in problems}) if start.form else []
    page = render_template("cases/start_form.html", page_title=f"Start a case: {start.name}", start=start,
                           questions=questions, errors=error_summary(problems, questions))
    return page, (422 if problems else 200)
