"""Letters for staff: the preview and drafts inside a notification task, and a case's letters as PDFs."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, g, make_response, redirect, send_file, url_for

from service.auth.permissions import allow
from service.casework import access_log, letter_preview
from service.casework.errors import CaseworkError
from service.dao import cases_dao, letters_dao
from service.letters.render import render_html
from service.views.helpers import flash_problem, runtime

blueprint = Blueprint("letters", __name__)
STAFF = ("caseworker", "head_of_service", "executive")
READERS = (*STAFF, "auditor")

# The letter is a standalone document with its own embedded CSS and nothing else: it may be framed by
# our own task page, runs no script, loads nothing, and is sandboxed even when opened on its own.
PREVIEW_POLICY = "; ".join([
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "sandbox",
])


@blueprint.route("/tasks/<task_id>/letter-preview")
@allow(*READERS)
def preview(task_id: str):
    context = letter_preview.preview(runtime().db, runtime().casework.provider, task_id, runtime().clock.now())
    response = make_response(render_html(context, draft=True))
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@blueprint.route("/tasks/<task_id>/letter-draft", methods=["POST"])
@allow(*STAFF)
def make_draft(task_id: str):
    try:
        letter_preview.make_draft(runtime().db, runtime().casework.provider, g.actor, task_id, runtime().clock.now())
    except CaseworkError as refusal:
        flash_problem(refusal.message)
    else:
        flash("A new PDF draft of the letter has been made. Drafts are never sent.")
    return redirect(url_for("tasks.task", task_id=task_id, _anchor="letter"))


@blueprint.route("/cases/<reference>/letters/<int:letter_id>/pdf")
@allow(*READERS)
def download(reference: str, letter_id: int):
    with runtime().db.reading() as session:
        case = cases_dao.get_case_by_reference(session, reference.strip().upper())
        letter = letters_dao.get_letter(session, letter_id)
    if case is None or letter is None or letter.case_id != case.id:
        abort(404)
    access_log.record_view(runtime(), g.actor, "letter", f"{case.reference}/{letter.id}")
    return send_file(io.BytesIO(letter.content), mimetype=letter.media_type, as_attachment=True,
                     download_name=letter.filename)

