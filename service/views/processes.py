"""Processes, for process owners: every version with who deployed it, a diagram of each, the BPMN
itself, what changed between two versions, and deploying a file made in Camunda Modeler."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.processes import process_editing, process_versions
from service.processes.deploy_bundle import BundleRefused, deploy_bundle, read_bundle
from service.views.helpers import runtime
from workflows.definitions import DeploymentError

blueprint = Blueprint("processes", __name__, url_prefix="/processes")
OWNER = "process_owner"
XML = "application/xml; charset=utf-8"


@blueprint.route("")
@allow(OWNER)
def index():
    return _index_page()


@blueprint.route("/upload", methods=["POST"])
@allow(OWNER)
def upload():
    files = [f for f in request.files.getlist("bpmn_file") if f.filename]
    if not files:
        return _index_page(upload_errors=[{"text": "Choose a BPMN file to upload", "href": "#bpmn-file"}]), 422
    if len(files) > 1 or not files[0].filename.lower().endswith((".bpmn", ".xml")):
        return _upload_bundle(files)
    uploaded = files[0]
    try:
        outcome = process_editing.deploy_upload(
            runtime().casework, uploaded.read(), uploaded.filename[:100], g.actor,
            request.form.get("comment", "")[:1000], runtime().clock.now(),
        )
    except DeploymentError as error:
        problems = [{"text": _problem_text(p), "href": "#bpmn-file"} for p in error.problems]
        return _index_page(upload_errors=problems), 422
    flash(outcome.message)
    first = outcome.versions[0]
    return redirect(url_for("processes.version", process_id=first.process_id, number=first.version))


def _upload_bundle(files):
    """Several files, or a ZIP: diagrams with their forms and decision tables, one line per file."""
    try:
        bundle = read_bundle((f.filename, f.read()) for f in files)
    except BundleRefused as refused:
        return _index_page(upload_errors=[{"text": str(refused), "href": "#bpmn-file"}]), 422
    outcomes = deploy_bundle(runtime().casework, bundle, deployed_by_id=g.actor.user_id,
                             comment=request.form.get("comment", "")[:1000], now=runtime().clock.now())
    refused = [o for o in outcomes if o.status == "refused"]
    if refused:
        others = [o.line for o in outcomes if o.status != "refused"]
        if others:
            flash("Deployed as listed: " + " ".join(others))
        return _index_page(upload_errors=[{"text": o.line, "href": "#bpmn-file"} for o in refused]), 422
    flash(" ".join(o.line for o in outcomes))
    return redirect(url_for("processes.index"))


@blueprint.route("/<process_id>/versions/<int:number>")
@allow(OWNER)
def version(process_id: str, number: int):
    file = process_versions.load_version(runtime().casework, process_id, number)
    return render_template("processes/version.html", file=file, process_id=process_id)


@blueprint.route("/<process_id>/versions/<int:number>/bpmn")
@allow(OWNER)
def version_bpmn(process_id: str, number: int):
    return _bpmn_file(process_versions.load_bpmn(runtime().casework, process_id, number),
                      f"{process_id}-v{number}.bpmn")


@blueprint.route("/<process_id>/versions/<int:number>/overlay")
@allow(OWNER)
def version_overlay(process_id: str, number: int):
    file = process_versions.load_version(runtime().casework, process_id, number)
    return {"completed": [], "active": [], "taken_flows": [], "counts": file.waiting_counts, "changed": None}


@blueprint.route("/<process_id>/drafts/<int:draft_id>/bpmn")
@allow(OWNER)
def draft_bpmn(process_id: str, draft_id: int):
    source = process_editing.open_source(runtime().casework, process_id, draft=draft_id)
    return _bpmn_file(source.bpmn_xml, f"{process_id}-draft-{draft_id}.bpmn")


@blueprint.route("/<process_id>/diff")
@allow(OWNER)
def diff(process_id: str):
    old, new = _diff_numbers()
    comparison = process_versions.compare_versions(runtime().casework, process_id, old, new)
    return render_template("processes/diff.html", comparison=comparison)


@blueprint.route("/<process_id>/diff/overlay")
@allow(OWNER)
def diff_overlay(process_id: str):
    old, new = _diff_numbers()
    comparison = process_versions.compare_versions(runtime().casework, process_id, old, new)
    side = "from" if request.args.get("side") == "from" else "to"
    return {"completed": [], "active": [], "taken_flows": [], "counts": None,
            "changed": comparison.diff.overlay(side)}


def _bpmn_file(xml: str, filename: str) -> Response:
    # Always a download when opened directly: a browser would otherwise render the XML as a document
    # (any XHTML in it included). The modeler and viewer fetch it, which ignores this header.
    return Response(xml, content_type=XML, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _diff_numbers() -> tuple[int, int]:
    old = request.args.get("from", type=int)
    new = request.args.get("to", type=int)
    if old is None or new is None:
        abort(404)
    return old, new


def _index_page(upload_errors: list[dict[str, str]] | None = None) -> str:
    return render_template("processes/index.html", processes=process_versions.load_catalogue(runtime().casework),
                           upload_errors=upload_errors or [])


def _problem_text(problem) -> str:
    return f"{problem.element_id}: {problem.message}" if problem.element_id else problem.message
