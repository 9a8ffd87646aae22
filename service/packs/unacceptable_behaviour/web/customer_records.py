"""A customer's records for the data protection officer: their cases and how long each is kept, correcting their
details and erasing their records on request. Auditors read the record; data protection officers and
administrators change it. The platform's data protection page finds the customer (``Pack.data_subjects``)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from service.auth.permissions import allow
from service.cases.errors import Conflict, InvalidInput
from service.data_protection.data_protection import OFFICERS, READERS
from service.history import access_log
from service.packs.unacceptable_behaviour import data_protection
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("customer_records", __name__, url_prefix="/data-protection")


@blueprint.route("/customers/<reference>")
@allow(*READERS)
def customer(reference: str):
    record = data_protection.load_customer_record(runtime().casework, reference)
    access_log.record_view(runtime().casework, g.actor, "customer", record.customer.reference)
    return render_template("packs/unacceptable_behaviour/data_protection/customer.html", record=record,
                           may_change=g.actor.has_any_role(OFFICERS))


@blueprint.route("/customers/<reference>/correct", methods=["GET", "POST"])
@allow(*OFFICERS)
def correct(reference: str):
    record = data_protection.load_customer_record(runtime().casework, reference)
    problems = []
    if request.method == "POST":
        try:
            data_protection.correct_customer(runtime().casework, g.actor, record.customer.reference,
                                             form_data(data_protection.CORRECTION_FORM, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as refused:
            flash_problem(refused.message)
            return redirect(url_for("customer_records.customer", reference=record.customer.reference))
        else:
            flash("The customer's details were corrected. The change is on the audit trail of each of their cases.")
            return redirect(url_for("customer_records.customer", reference=record.customer.reference))
    entered = request.form if request.method == "POST" else MultiDict(
        {"name": record.customer.name, "address": record.address_lines})
    return form_page("Correct their details", record.customer, data_protection.CORRECTION_FORM, problems,
                     "Save the correction", entered)


@blueprint.route("/customers/<reference>/erase", methods=["GET", "POST"])
@allow(*OFFICERS)
def erase(reference: str):
    record = data_protection.load_customer_record(runtime().casework, reference)
    problems = []
    if request.method == "POST":
        try:
            count = data_protection.erase_customer(runtime().casework, g.actor, record.customer.reference,
                                                   form_data(data_protection.ERASURE_FORM, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as refused:
            flash_problem(refused.message)
            return redirect(url_for("customer_records.customer", reference=record.customer.reference))
        else:
            flash(f"Erased: {count} case{'' if count == 1 else 's'} anonymised, and the customer with them.")
            return redirect(url_for("data_protection.index"))
    if record.erasure_refusals:
        return render_template("packs/unacceptable_behaviour/data_protection/erasure_refused.html", record=record)
    return form_page("Erase their records", record.customer, data_protection.ERASURE_FORM, problems,
                     "Erase the records", request.form, warning=True)


def form_page(heading: str, customer, form, problems, submit: str, entered, warning: bool = False):
    """A data protection form about one customer (the subject-access export page uses it too)."""
    questions = form_fields(form, entered, {p.field: p.message for p in problems})
    page = render_template("packs/unacceptable_behaviour/data_protection/form.html", page_title=heading,
                           customer=customer, form=form, questions=questions, submit=submit, warning=warning,
                           errors=error_summary(problems, questions))
    return page, (422 if problems else 200)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
