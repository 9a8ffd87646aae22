"""Customers: finding one, and everything frontline staff must know before contacting them."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from service.auth.permissions import allow
from service.cases.errors import InvalidInput
from service.history import access_log
from service.packs.unacceptable_behaviour.customer_contact import (
    CONTACT_FORM,
    EDITORS,
    contact_answers,
    correct_contact,
    load_customer,
)
from service.packs.unacceptable_behaviour.customer_file import find_customers, load_customer_file
from service.packs.unacceptable_behaviour.roles import STAFF_AND_AUDITORS
from service.views.helpers import runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("customers", __name__, url_prefix="/customers")
READERS = STAFF_AND_AUDITORS


@blueprint.route("")
@allow(*READERS)
def search():
    text = request.args.get("q", "").strip()[:200]
    return render_template("packs/unacceptable_behaviour/customers/search.html", text=text,
                           found=find_customers(runtime().casework, text))


@blueprint.route("/<reference>")
@allow(*READERS)
def customer(reference: str):
    file = load_customer_file(runtime().casework, reference)
    access_log.record_view(runtime().casework, g.actor, "customer", file.customer.reference)
    return render_template("packs/unacceptable_behaviour/customers/customer.html", file=file)


@blueprint.route("/<reference>/contact", methods=["GET", "POST"])
@allow(*EDITORS)
def correct_contact_details(reference: str):
    customer = load_customer(runtime().casework, reference)
    problems, answers = [], request.form
    if request.method == "POST":
        try:
            correct_contact(runtime().casework, g.actor, customer.reference, form_data(CONTACT_FORM, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        else:
            flash("Contact details saved. Letters not yet sent will go to these details.")
            return redirect(url_for("customers.customer", reference=customer.reference))
    else:
        answers = MultiDict(contact_answers(customer))
    questions = form_fields(CONTACT_FORM, answers, {p.field: p.message for p in problems})
    page = render_template("packs/unacceptable_behaviour/customers/contact.html", customer=customer,
                           questions=questions, errors=error_summary(problems, questions))
    return page, (422 if problems else 200)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
