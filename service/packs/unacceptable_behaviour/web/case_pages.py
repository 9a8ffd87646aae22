"""The policy's own pages about its cases: recording an incident (the pack's start page), recording an
appeal received, and adding a further incident to an open case."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from service.auth.permissions import allow
from service.cases.case_file import load_case_summary, load_start_form
from service.cases.cases import start_case
from service.cases.errors import InvalidInput
from service.packs.unacceptable_behaviour import further_incidents
from service.packs.unacceptable_behaviour.appeals import APPEAL_MESSAGE
from service.packs.unacceptable_behaviour.open_cases import open_cases_for_reference
from service.packs.unacceptable_behaviour.pack import PROCESS_ID
from service.packs.unacceptable_behaviour.roles import CASEWORKERS, STAFF
from service.views.case_forms import add_to_case, form_page, message_page
from service.views.helpers import runtime
from service.views.schema_forms import form_data

blueprint = Blueprint("policy_cases", __name__, url_prefix="/cases")


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)


@blueprint.route("/new", methods=["GET", "POST"])
@allow(*CASEWORKERS)
def record_incident():
    form = load_start_form(runtime().casework, PROCESS_ID)
    if form is None:
        return render_template("cases/not_deployed.html"), 503
    problems, answers = [], request.form
    if request.method == "POST":
        try:
            started = start_case(runtime().casework, g.actor, form_data(form, request.form), process_id=PROCESS_ID)
        except InvalidInput as invalid:
            problems = invalid.problems
        else:
            flash(f"Incident recorded. The case reference is {started.reference}.")
            return redirect(url_for("cases.case", reference=started.reference))
    elif request.args.get("customer"):
        # From a customer's page: that customer is already chosen.
        answers = MultiDict({"new_customer": "no", "customer_reference": request.args["customer"].strip()[:40]})
    customer_reference = answers.get("customer_reference") if answers.get("new_customer") == "no" else None
    open_cases = open_cases_for_reference(runtime().casework, customer_reference)
    return form_page("Record an incident", None, form, problems, "Record the incident", answers,
                     template="packs/unacceptable_behaviour/record_incident.html", open_cases=open_cases)


@blueprint.route("/<reference>/appeal", methods=["GET", "POST"])
@allow(*STAFF)
def record_appeal(reference: str):
    """The policy's appeal: one message among others, in the policy's own words."""
    return message_page(reference, APPEAL_MESSAGE, "Record an appeal received", "Record the appeal",
                        "Appeal recorded. It is waiting for a Head of Service or Executive to hear it.",
                        "An appeal can only be recorded while a restriction on this case is in force.")


@blueprint.route("/<reference>/incidents", methods=["GET", "POST"])
@allow(*CASEWORKERS)
def add_incident(reference: str):
    summary = load_case_summary(runtime().casework, reference)

    def save(data):
        further_incidents.add_incident(runtime().casework, g.actor, summary.case.reference, data)

    return add_to_case(summary, further_incidents.incident_form(summary.version), save, "Add a further incident",
                       "Record the incident", "Further incident recorded on the case.")
