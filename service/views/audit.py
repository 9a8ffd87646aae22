"""Audit, for auditors (read-only): case histories, process views, tamper evidence, the access log, and the
pages packs add for auditors (the policy's compliance report), with the figures packs add to the start page."""

from __future__ import annotations

import time

from flask import Blueprint, Response, g, jsonify, render_template, request, url_for

from service.auth.permissions import allow
from service.cases.case_search import STATUSES, csv_lines, search_request
from service.history import access_log, audit_reading
from service.history.access_search import access_request
from service.history.case_history import load_case_history, load_path_overlay
from service.packs.registry import audit_pages, role_titles, subject_noun
from service.views.helpers import filter_args, page_links, runtime

blueprint = Blueprint("audit", __name__, url_prefix="/audit")
AUDITOR = ("auditor",)
# What the case history calls the platform's roles; a pack names its own (``Pack.role_titles``).
ROLE_WORDS = {"process_owner": "Process owner", "auditor": "Auditor", "admin": "Administrator", "system": "System"}
PAGE_SIZE = 50
MAX_PAGE = 100_000


@blueprint.route("")
@allow(*AUDITOR)
def index():
    return render_template("audit/index.html", figures=audit_reading.audit_figures(runtime().casework),
                           pack_pages=audit_pages())


@blueprint.route("/cases")
@allow(*AUDITOR)
def cases():
    asked = search_request(request.args)
    page = _page()
    found = audit_reading.search_cases(runtime().casework, asked.filters, page, PAGE_SIZE)
    rows, total, choices = found.rows, found.total, found.choices
    options = {
        "status": list(STATUSES.items()), "stage": [(s, s) for s in choices.stages],
        "outcome": [(o, o) for o in choices.outcomes],
        "version": [(i, f"{process_id} version {number}") for i, process_id, number in choices.versions],
    }
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("audit/cases.html", asked=asked, rows=rows, total=total, options=options,
                           statuses=STATUSES, pagination=page_links("audit.cases", page, pages),
                           csv_url=url_for("audit.cases_csv", **filter_args()), subject_noun=subject_noun())


@blueprint.route("/cases.csv")
@allow(*AUDITOR)
def cases_csv():
    rows = audit_reading.stream_case_rows(runtime().casework, search_request(request.args).filters)
    return Response(csv_lines(rows), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="cases.csv"',
    })


@blueprint.route("/cases/<reference>")
@allow(*AUDITOR)
def case(reference: str):
    history = load_case_history(runtime().casework, reference, request.args.get("at", type=int))
    access_log.record_view(runtime().casework, g.actor, "case", history.case.reference)
    return render_template("audit/case.html", history=history, role_words={**role_titles(), **ROLE_WORDS})


@blueprint.route("/cases/<reference>/path.json")
@allow(*AUDITOR)
def case_path(reference: str):
    return jsonify(load_path_overlay(runtime().casework, reference))


@blueprint.route("/processes")
@allow(*AUDITOR)
def processes():
    return render_template("audit/processes.html", versions=audit_reading.versions_in_use(runtime().casework))


@blueprint.route("/processes/<int(max=2147483647):version_id>")
@allow(*AUDITOR)
def heatmap(version_id: int):
    version, rows = audit_reading.busiest_elements(runtime().casework, version_id)
    return render_template("audit/heatmap.html", version=version, rows=rows)


@blueprint.route("/processes/<int(max=2147483647):version_id>/heatmap.json")
@allow(*AUDITOR)
def heatmap_overlay(version_id: int):
    _, counts = audit_reading.element_counts(runtime().casework, version_id)
    return jsonify({"completed": [], "active": [], "taken_flows": [], "counts": counts, "changed": None})


@blueprint.route("/processes/<int(max=2147483647):version_id>/diagram.bpmn")
@allow(*AUDITOR)
def diagram(version_id: int):
    version = audit_reading.process_version(runtime().casework, version_id)
    return Response(version.bpmn_xml, mimetype="application/xml")


@blueprint.route("/verify")
@allow(*AUDITOR)
def verify():
    report = seconds = None
    if request.args.get("check") == "yes":
        started = time.perf_counter()
        report = audit_reading.verify_audit_log(runtime().casework)
        seconds = time.perf_counter() - started
    return render_template("audit/verify.html", report=report, seconds=seconds)


@blueprint.route("/access-log")
@allow(*AUDITOR)
def access_log_page():
    asked = access_request(request.args)
    page = _page()
    entries, total, users = audit_reading.access_log_entries(runtime().casework, asked.filters, page, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("audit/access_log.html", asked=asked, entries=entries, total=total, users=users,
                           kinds=access_log.KINDS, pagination=page_links("audit.access_log_page", page, pages))


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
