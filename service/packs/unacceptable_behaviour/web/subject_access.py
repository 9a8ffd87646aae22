"""The subject-access export of a customer's records: a ZIP of everything the policy's cases hold about them,
linked from the customer's data protection page (customer_records)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, g, render_template, request

from service.auth.permissions import allow
from service.cases.errors import InvalidInput
from service.data_protection.data_protection import OFFICERS
from service.packs.unacceptable_behaviour import data_protection, subject_access
from service.packs.unacceptable_behaviour.web.customer_records import form_page
from service.views.helpers import runtime
from service.views.schema_forms import form_data

blueprint = Blueprint("subject_access", __name__, url_prefix="/data-protection")


@blueprint.route("/customers/<reference>/export", methods=["GET", "POST"])
@allow(*OFFICERS)
def export(reference: str):
    record = data_protection.load_customer_record(runtime().casework, reference)
    problems = []
    if request.method == "POST":
        try:
            exported = subject_access.export_customer(runtime().casework, g.actor, record.customer.reference,
                                                      form_data(subject_access.EXPORT_FORM, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        else:
            index_html = render_template("packs/unacceptable_behaviour/export_index.html", export=exported)
            return Response(subject_access.zip_export(exported, index_html), mimetype="application/zip", headers={
                "Content-Disposition": f'attachment; filename="{exported.filename}"', "Cache-Control": "no-store",
            })
    return form_page("Export their records", record.customer, subject_access.EXPORT_FORM, problems,
                     "Download the export", request.form)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
