"""The policy's letters before they are sent: the preview and PDF drafts inside a letter task, and the
letter a decision would send, read by the person deciding. (A case's letters, once kept, are downloaded
from ``case_letters.download``, beside this module.)"""

from __future__ import annotations

import io

from flask import Blueprint, Flask, flash, g, make_response, redirect, send_file, url_for

from service.auth.permissions import allow
from service.cases.errors import CaseworkError
from service.packs.unacceptable_behaviour import letter_preview
from service.packs.unacceptable_behaviour.letter_rendering.render import render_html
from service.packs.unacceptable_behaviour.roles import STAFF, STAFF_AND_AUDITORS
from service.views.helpers import flash_problem, runtime

blueprint = Blueprint("policy_letters", __name__, url_prefix="/tasks")
READERS = STAFF_AND_AUDITORS

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


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)


@blueprint.route("/<task_id>/letter-preview")
@allow(*READERS)
def preview(task_id: str):
    context = letter_preview.preview(runtime().casework, task_id, runtime().clock.now())
    response = make_response(render_html(context, draft=True))
    response.headers["Content-Security-Policy"] = PREVIEW_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@blueprint.route("/<task_id>/letter-draft", methods=["POST"])
@allow(*STAFF)
def make_draft(task_id: str):
    try:
        letter_preview.make_draft(runtime().casework, g.actor, task_id,
                                  runtime().clock.now())
    except CaseworkError as refusal:
        flash_problem(refusal.message)
    else:
        flash("A new PDF draft of the letter has been made. Drafts are never sent.")
    return redirect(url_for("tasks.task", task_id=task_id, _anchor="letter"))


@blueprint.route("/<task_id>/proposed-letter")
@allow(*READERS)
def proposed_letter(task_id: str):
    """The letter a decision (approving a proposal) would send, as a PDF to read before deciding."""
    filename, content = letter_preview.proposed_letter(runtime().casework, task_id,
                                                       runtime().clock.now())
    return send_file(io.BytesIO(content), mimetype="application/pdf", download_name=filename)
