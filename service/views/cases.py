"""Cases: recording an incident, the case page, and what can be added to an open case."""

from __future__ import annotations

import io

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for
from werkzeug.datastructures import MultiDict

from service.auth.permissions import allow
from service.cases import case_records, evidence_files, reading
from service.cases.case_file import APPEAL_MESSAGE, load_case_summary, load_start_form
from service.cases.case_page import load_case_page
from service.cases.cases import POLICY_PROCESS
from service.cases.errors import Conflict, InvalidInput
from service.cases.open_cases import open_cases_for_reference
from service.history import access_log
from service.history.timeline import version_form
from service.people.actors import TASK_WORKER
from service.people.roles import STAFF
from service.request_size import allow_body
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields
from workflows.forms import FormSchema

blueprint = Blueprint("cases", __name__, url_prefix="/cases")
# Anyone who works on tasks, and auditors; a pack narrows who reads its own cases (cases.reading).
READERS = (TASK_WORKER, "auditor")
PROCESS_ID = POLICY_PROCESS


@blueprint.route("/new", methods=["GET", "POST"])
@allow("caseworker")
def record_incident():
    form = load_start_form(runtime().db, PROCESS_ID)
    if form is None:
        return render_template("cases/not_deployed.html"), 503
    problems, answers = [], request.form
    if request.method == "POST":
        try:
            started = runtime().casework.start_case(g.actor, form_data(form, request.form), process_id=PROCESS_ID)
        except InvalidInput as invalid:
            problems = invalid.problems
        else:
            flash(f"Incident recorded. The case reference is {started.reference}.")
            return redirect(url_for("cases.case", reference=started.reference))
    elif request.args.get("customer"):
        # From a customer's page: that customer is already chosen.
        answers = MultiDict({"new_customer": "no", "customer_reference": request.args["customer"].strip()[:40]})
    customer_reference = answers.get("customer_reference") if answers.get("new_customer") == "no" else None
    open_cases = open_cases_for_reference(runtime().db, customer_reference)
    return _form_page("Record an incident", None, form, problems, "Record the incident", answers, open_cases)


@blueprint.route("/<reference>")
@allow(*READERS)
def case(reference: str):
    page = load_case_page(runtime().casework, g.actor, reference)
    access_log.record_view(runtime(), g.actor, "case", page.file.summary.case.reference)
    # One page for every process; the case's pack adds its panels (service.cases.case_page).
    return render_template("cases/generic_case.html", page=page, file=page.file, now=runtime().clock.now())


@blueprint.route("/<reference>/appeal", methods=["GET", "POST"])
@allow(*STAFF)
def record_appeal(reference: str):
    """The policy's appeal: one message among others, in the policy's own words."""
    return _send(reference, APPEAL_MESSAGE, "Record an appeal received", "Record the appeal",
                 "Appeal recorded. It is waiting for a Head of Service or Executive to hear it.",
                 "An appeal can only be recorded while a restriction on this case is in force.")


@blueprint.route("/<reference>/messages/<name>", methods=["GET", "POST"])
@allow(TASK_WORKER)
def send_message(reference: str, name: str):
    summary = load_case_summary(runtime().db, reference)
    message = summary.definition.messages.get(name)
    label = message.label if message else name
    return _send(reference, name, f"Record ‘{label}’", "Record it", f"‘{label}’ recorded on the case.",
                 f"This case is not waiting for ‘{label}’ now.", summary)


def _send(reference: str, name: str, heading: str, submit: str, done: str, not_now: str, summary=None):
    summary = summary or load_case_summary(runtime().db, reference)
    message = next((m for m in summary.waiting_messages if m.name == name), None)
    if message is None:
        flash_problem(not_now)
        return redirect(url_for("cases.case", reference=summary.case.reference))
    if not g.actor.has_any_role(message.groups):
        flash_problem(f"Only {', '.join(message.groups)} may record ‘{message.label}’.")
        return redirect(url_for("cases.case", reference=summary.case.reference))
    form = version_form(summary.version, message.form_key) if message.form_key else _confirm_form(message.label)

    def save(data):
        runtime().casework.deliver_message(g.actor, summary.case.reference, name, data)

    return _add_to_case(summary, form, save, heading, submit, done)


def _confirm_form(label: str) -> FormSchema:
    """A message whose catch event names no form carries nothing: the page only confirms it arrived."""
    return FormSchema("confirm", {"title": label, "type": "object", "properties": {},
                                  "description": f"Confirm that ‘{label}’ has arrived. Nothing else is asked."})


@blueprint.route("/<reference>/notes", methods=["GET", "POST"])
@allow(TASK_WORKER)
@allow_body(evidence_files.MAX_FILE_BYTES + 1024 * 1024)  # one file at its largest, with the note's text
def add_note(reference: str):
    summary = load_case_summary(runtime().db, reference)
    reading.refuse_unless_may_read(g.actor, summary.version.process_id)

    def save(data):
        uploads = [evidence_files.Upload(f.filename, f.stream) for f in request.files.getlist(evidence_files.FIELD)]
        case_records.add_note(runtime().casework, g.actor, summary.case.reference, data, uploads)

    return _add_to_case(summary, case_records.NOTE_FORM, save, "Add a note or evidence", "Add the note",
                        "Note added to the case.")


@blueprint.route("/evidence-files/<int:file_id>")
@allow(*READERS)
def evidence_file(file_id: int):
    reference, kept, content = evidence_files.load_evidence_file(runtime().db, g.actor, file_id)
    access_log.record_view(runtime(), g.actor, "evidence", f"{reference}/{kept.id}")
    # Downloaded, never shown inline: a file from outside is not opened in the service's own pages.
    return send_file(io.BytesIO(content), mimetype=kept.media_type, as_attachment=True, download_name=kept.filename)


@blueprint.route("/<reference>/incidents", methods=["GET", "POST"])
@allow("caseworker")
def add_incident(reference: str):
    summary = load_case_summary(runtime().db, reference)

    def save(data):
        case_records.add_incident(runtime().casework, g.actor, summary.case.reference, data)

    return _add_to_case(summary, case_records.incident_form(summary.version), save, "Add a further incident",
                        "Record the incident", "Further incident recorded on the case.")


def _add_to_case(summary, form, save, heading: str, submit: str, done: str):
    """The shared GET/POST of a form that adds to an open case, then goes back to the case."""
    if summary.case.status != "open":
        flash_problem("This case is closed, so nothing can be added to it.")
        return redirect(url_for("cases.case", reference=summary.case.reference))
    problems = []
    if request.method == "POST":
        try:
            save(form_data(form, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as conflict:
            flash_problem(conflict.message)
            return redirect(url_for("cases.case", reference=summary.case.reference))
        else:
            flash(done)
            return redirect(url_for("cases.case", reference=summary.case.reference))
    return _form_page(heading, summary, form, problems, submit)


def _form_page(heading: str, summary, form, problems, submit: str, answers=None, open_cases=()):
    questions = form_fields(form, request.form if answers is None else answers, {p.field: p.message for p in problems})
    page = render_template("cases/form.html", page_title=heading, summary=summary, form=form, questions=questions,
                           submit=submit, errors=error_summary(problems, questions), open_cases=open_cases)
    return page, (422 if problems else 200)
