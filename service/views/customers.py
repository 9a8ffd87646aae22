"""Customers: finding one, and everything frontline staff must know before contacting them."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from service.auth.permissions import allow
from service.casework import access_log
from service.casework.customer_file import find_customers, load_customer_file
from service.people.roles import STAFF_AND_AUDITORS
from service.views.helpers import runtime

blueprint = Blueprint("customers", __name__, url_prefix="/customers")
READERS = STAFF_AND_AUDITORS


@blueprint.route("")
@allow(*READERS)
def search():
    text = request.args.get("q", "").strip()[:200]
    return render_template("customers/search.html", text=text, found=find_customers(runtime().db, text))


@blueprint.route("/<reference>")
@allow(*READERS)
def customer(reference: str):
    file = load_customer_file(runtime().db, reference)
    access_log.record_view(runtime(), g.actor, "customer", file.customer.reference)
    return render_template("customers/customer.html", file=file)
