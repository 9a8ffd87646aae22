"""The JSON Schema forms a process's tasks use: read, edit with a preview, keep in a draft.

An edited form is saved into a new draft of the process (with the diagram it was opened with), and
goes live when that draft is deployed from the modeler, together with the diagram that uses it.
"""

from __future__ import annotations

import json

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.processes import process_editing
from service.views.helpers import runtime
from service.views.schema_forms import form_fields
from workflows.forms import FormSchema

blueprint = Blueprint("process_forms", __name__, url_prefix="/processes")
OWNER = "process_owner"


@blueprint.route("/<process_id>/forms", methods=["GET", "POST"])
@allow(OWNER)
def forms(process_id: str):
    source = _source(process_id)
    error = None
    if request.method == "POST":
        key = request.form.get("form_key", "").strip()
        error = process_editing.check_form_key(key)
        if error is None:
            return redirect(url_for("process_forms.form", process_id=process_id, form_key=key, **source.query))
    return render_template("processes/forms.html", source=source, forms=process_editing.forms_in_use(source),
                           key_error=error, key_value=request.form.get("form_key", "")), (422 if error else 200)


@blueprint.route("/<process_id>/forms/<form_key>", methods=["GET", "POST"])
@allow(OWNER)
def form(process_id: str, form_key: str):
    source = _source(process_id)
    if process_editing.check_form_key(form_key):
        return redirect(url_for("process_forms.forms", process_id=process_id, **source.query))
    existing = source.forms.get(form_key)
    text = json.dumps(existing or process_editing.new_form(form_key), indent=2, ensure_ascii=False)
    problems: list[str] = []
    schema = existing
    if request.method == "POST":
        text = request.form.get("schema", "")
        schema, problems = process_editing.read_form(text)
        if schema is not None and request.form.get("action") == "save":
            saved = process_editing.save_form(runtime().casework, source, form_key, schema, g.actor,
                                              runtime().clock.now())
            flash(f"The form {form_key} is saved in draft {saved.draft.id}. "
                  "Deploy that draft from the modeler to use it.")
            return redirect(url_for("process_forms.form", process_id=process_id, form_key=form_key,
                                    draft=saved.draft.id))
    preview = form_fields(FormSchema(form_key, schema)) if schema is not None else []
    used_by = process_editing.forms_in_use(source).get(form_key, [])
    page = render_template("processes/form.html", source=source, form_key=form_key, text=text, problems=problems,
                           preview=preview, schema=schema, used_by=used_by, is_new=existing is None)
    return page, (422 if problems else 200)


def _source(process_id: str) -> process_editing.ProcessSource:
    return process_editing.open_source(runtime().casework, process_id, version=request.args.get("version", type=int),
                                       draft=request.args.get("draft", type=int))
