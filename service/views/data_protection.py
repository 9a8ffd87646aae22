"""Data protection: retention, legal hold, correction and erasure. Auditors read these pages; data protection
officers and administrators change what they show. A pack that keeps records about customers adds their
subject-access export (``Pack.subject_access_endpoint``), linked from the customer's page here."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from service.auth.permissions import allow
from service.cases.errors import Conflict, InvalidInput
from service.data_protection import data_protection
from service.data_protection.retention import retention_schedule
from service.history import access_log
from service.packs import registry
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("data_protection", __name__, url_prefix="/data-protection")
OFFICERS = data_protection.OFFICERS
READERS = data_protection.READERS


@blueprint.route("")
@allow(*READERS)
def index():
    text = request.args.get("q", "").strip()[:200]
    policy = runtime().settings.retention_policy
    return render_template(
        "data_protection/index.html", may_change=g.actor.has_any_role(OFFICERS),
        schedule=retention_schedule(runtime().casework, policy), rules=policy.rules(),
        now=runtime().clock.now(), text=text, found=data_protection.search_customers(runtime().casework, text),
    )


@blueprint.route("/customers/<reference>")
@allow(*READERS)
def customer(reference: str):
    record = data_protection.load_customer_record(runtime().casework, runtime().settings.retention_policy, reference)
    access_log.record_view(runtime().casework, g.actor, "customer", record.customer.reference)
    return render_template("data_protection/customer.html", record=record,
                           may_change=g.actor.has_any_role(OFFICERS), exports=registry.subject_access_endpoints())


@blueprint.route("/customers/<reference>/correct", methods=["GET", "POST"])
@allow(*OFFICERS)
def correct(reference: str):
    record = data_protection.load_customer_record(runtime().casework, runtime().settings.retention_policy, reference)
    problems = []
    if request.method == "POST":
        try:
            data_protection.correct_customer(runtime().casework, g.actor, record.customer.reference,
                                             form_data(data_protection.CORRECTION_FORM, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as refused:
            flash_problem(refused.message)
            return redirect(url_for("data_protection.customer", reference=record.customer.reference))
        else:
            flash("The customer's details were corrected. The change is on the audit trail of each of their cases.")
            return redirect(url_for("data_protection.customer", reference=record.customer.reference))
    entered = request.form if request.method == "POST" else MultiDict(
        {"name": record.customer.name, "address": record.address_lines})
    return form_page("Correct their details", record.customer, data_protection.CORRECTION_FORM, problems,
                     "Save the correction", entered)


@blueprint.route("/customers/<reference>/erase", methods=["GET", "POST"])
@allow(*OFFICERS)
def erase(reference: str):
    record = data_protection.load_customer_record(runtime().casework, runtime().settings.retention_policy, reference)
    problems = []
    if request.method == "POST":
        try:
            count = data_protection.erase_customer(runtime().casework, g.actor, record.customer.reference,
                                                   form_data(data_protection.ERASURE_FORM, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as refused:
            flash_problem(refused.message)
            return redirect(url_for("data_protection.customer", reference=record.customer.reference))
        else:
            flash(f"Erased: {count} case{'' if count == 1 else 's'} anonymised, and the customer with them.")
            return redirect(url_for("data_protection.index"))
    if record.erasure_refusals:
        return render_template("data_protection/erasure_refused.html", record=record)
    return form_page("Erase their records", record.customer, data_protection.ERASURE_FORM, problems,
                     "Erase the records", request.form, warning=True)


@blueprint.route("/cases/<reference>/legal-hold", methods=["GET", "POST"])
@allow(*OFFICERS)
def legal_hold(reference: str):
    case = data_protection.load_case(runtime().casework, reference)
    # The page says which change it makes, so a second click cannot undo the first.
    placing = request.form.get("change") == "place" if request.method == "POST" else not case.legal_hold
    problems = []
    if request.method == "POST":
        try:
            data_protection.change_legal_hold(runtime().casework, g.actor, case.reference, hold=placing,
                                              form_data=form_data(data_protection.HOLD_FORM, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as conflict:
            flash_problem(conflict.message)
            return redirect(url_for("data_protection.index"))
        else:
            flash(f"{case.reference} is {'now' if placing else 'no longer'} on legal hold.")
            return redirect(url_for("data_protection.index"))
    questions = form_fields(data_protection.HOLD_FORM, request.form, {p.field: p.message for p in problems})
    page = render_template("data_protection/legal_hold.html", case=case, placing=placing, questions=questions,
                           errors=error_summary(problems, questions))
    return page, (422 if problems else 200)


def form_page(heading: str, customer, form, problems, submit: str, entered, warning: bool = False):
    """A data protection form about one customer (a pack's export page uses it too)."""
    questions = form_fields(form, entered, {p.field: p.message for p in problems})
    page = render_template("data_protection/form.html", page_title=heading, customer=customer, form=form,
                           questions=questions, submit=submit, warning=warning,
                           errors=error_summary(problems, questions))
    return page, (422 if problems else 200)
