"""The process editor: bpmn-js in the browser, every check on the server.

The page follows the modeler bundle's contract (frontend/README.md): it loads the BPMN from a URL
and posts ``{"xml", "comment"}`` as JSON to validate, save a draft or deploy, with the CSRF token in
the X-CSRFToken header. Answers are ``{ok, message, errors: [{element_id, message}], redirect}`` so
the modeler can highlight each element that is wrong.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, render_template, request, url_for

from service.auth.permissions import allow
from service.processes import process_editing
from service.security import CONTENT_SECURITY_POLICY
from service.views.helpers import runtime
from workflows.definitions import DeploymentError, Problem

blueprint = Blueprint("process_modeler", __name__, url_prefix="/processes")
OWNER = "process_owner"
# bpmn-js and its properties panel set a few inline style attributes; allowed on this page only.
MODELER_CSP = f"{CONTENT_SECURITY_POLICY}; style-src-attr 'unsafe-inline'"


@blueprint.route("/<process_id>/modeler")
@allow(OWNER)
def modeler(process_id: str):
    source = _source(process_id)
    page = render_template("processes/modeler.html", source=source, process_id=process_id)
    return page, 200, {"Content-Security-Policy": MODELER_CSP}


@blueprint.route("/new")
@allow(OWNER)
def new_process():
    """A process that does not exist yet: a blank diagram, or a .bpmn file opened from this computer."""
    page = render_template("processes/modeler.html", source=None, process_id=None)
    return page, 200, {"Content-Security-Policy": MODELER_CSP}


@blueprint.route("/<process_id>/modeler/validate", methods=["POST"])
@allow(OWNER)
def validate(process_id: str):
    xml, _ = _posted()
    return _validated(_source(process_id), xml)


@blueprint.route("/new/validate", methods=["POST"])
@allow(OWNER)
def validate_new():
    xml, _ = _posted()
    try:
        source = process_editing.new_process_source(runtime().casework, xml)
    except DeploymentError as error:
        return _answer(False, "The diagram would not deploy yet: fix the problems listed.", error.problems)
    return _validated(source, xml)


def _validated(source: process_editing.ProcessSource, xml: bytes):
    problems = process_editing.validate_diagram(runtime().casework, source, xml)
    if problems:
        return _answer(False, "The diagram would not deploy yet: fix the problems listed.", problems)
    return _answer(True, "The diagram passes every check and can be deployed.")


@blueprint.route("/<process_id>/modeler/drafts", methods=["POST"])
@allow(OWNER)
def save_draft(process_id: str):
    return _saved_draft(_source(process_id), *_posted())


@blueprint.route("/new/drafts", methods=["POST"])
@allow(OWNER)
def save_new_draft():
    xml, comment = _posted()
    try:
        source = process_editing.new_process_source(runtime().casework, xml)
    except DeploymentError as error:
        return _answer(False, "The draft was not saved.", error.problems, status=422)
    return _saved_draft(source, xml, comment, new=True)


def _saved_draft(source: process_editing.ProcessSource, xml: bytes, comment: str, new: bool = False):
    try:
        saved = process_editing.save_draft(runtime().casework, source, xml, g.actor, comment, runtime().clock.now())
    except DeploymentError as error:
        return _answer(False, "The draft was not saved.", error.problems, status=422)
    message = f"Draft {saved.draft.id} saved. It is listed on the processes page."
    if saved.problems:
        message += " It would not deploy yet:"
    # A new process's draft is opened again under its own id, where its forms can be added.
    again = url_for("process_modeler.modeler", process_id=source.process_id, draft=saved.draft.id) if new else None
    return _answer(True, message, saved.problems, redirect=again)


@blueprint.route("/<process_id>/modeler/deploy", methods=["POST"])
@allow(OWNER)
def deploy(process_id: str):
    return _deployed(_source(process_id), *_posted())


@blueprint.route("/new/deploy", methods=["POST"])
@allow(OWNER)
def deploy_new():
    xml, comment = _posted()
    try:
        source = process_editing.new_process_source(runtime().casework, xml)
    except DeploymentError as error:
        return _answer(False, "The diagram was not deployed.", error.problems, status=422)
    return _deployed(source, xml, comment)


def _deployed(source: process_editing.ProcessSource, xml: bytes, comment: str):
    try:
        outcome = process_editing.deploy_diagram(runtime().casework, source, xml, g.actor, comment,
                                                 runtime().clock.now())
    except DeploymentError as error:
        return _answer(False, "The diagram was not deployed.", error.problems, status=422)
    deployed = next(v for v in outcome.versions if v.process_id == source.process_id)
    flash(outcome.message)
    return _answer(True, outcome.message, warnings=outcome.warnings,
                   redirect=url_for("processes.version", process_id=source.process_id, number=deployed.version))


def _source(process_id: str) -> process_editing.ProcessSource:
    return process_editing.open_source(runtime().casework, process_id, version=request.args.get("version", type=int),
                                       draft=request.args.get("draft", type=int))


def _posted() -> tuple[bytes, str]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("xml"), str) or not body["xml"].strip():
        abort(400)
    comment = body.get("comment")
    return body["xml"].encode("utf-8"), (comment if isinstance(comment, str) else "")[:1000]


def _answer(ok: bool, message: str, problems: list[Problem] = (), *, redirect: str | None = None, status: int = 200,
            warnings: list[str] = ()):
    return jsonify({
        "ok": ok,
        "message": message,
        "errors": [{"element_id": p.element_id, "message": p.message} for p in problems],
        "warnings": list(warnings),
        "redirect": redirect,
    }), status
