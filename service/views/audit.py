"""Audit, for auditors (read-only): case histories, process views, tamper evidence, compliance, access log.

Sent letters can also be downloaded here by the staff who work the cases.
"""

from __future__ import annotations

import io
import time

from flask import Blueprint, Response, abort, g, jsonify, render_template, request, send_file, url_for

from service.auth.permissions import allow
from service.casework import access_log
from service.casework.access_search import access_request
from service.casework.audit_verify import verify_all
from service.casework.case_history import load_case_history, load_path_overlay
from service.casework.case_search import STATUSES, csv_lines, search_request
from service.casework.compliance import check_all_cases, lifting_grace
from service.casework.definitions import definition_of
from service.casework.policy_figures import policy_figures
from service.dao import (
    access_log_dao,
    anchors_dao,
    case_search_dao,
    cases_dao,
    compliance_dao,
    history_dao,
    letters_dao,
    path_counts_dao,
    processes_dao,
    users_dao,
)
from service.views.helpers import filter_args, page_links, runtime

blueprint = Blueprint("audit", __name__, url_prefix="/audit")
AUDITOR = ("auditor",)
LETTER_READERS = ("caseworker", "head_of_service", "executive", "auditor")
PAGE_SIZE = 50
MAX_PAGE = 100_000


@blueprint.route("")
@allow(*AUDITOR)
def index():
    with runtime().db.reading() as session:
        figures = {
            "cases": case_search_dao.count_cases_by_status(session),
            "restrictions": compliance_dao.count_active_restrictions(session)[0],
            "events": history_dao.count_events(session),
            "anchors": anchors_dao.count_anchors(session),
            "latest_anchor": anchors_dao.latest_anchor(session),
        }
    return render_template("audit/index.html", figures=figures)


@blueprint.route("/cases")
@allow(*AUDITOR)
def cases():
    asked = search_request(request.args)
    page = _page()
    with runtime().db.reading() as session:
        rows, total = case_search_dao.page_of_cases(session, asked.filters, page=page, size=PAGE_SIZE)
        choices = case_search_dao.filter_choices(session)
    options = {
        "status": list(STATUSES.items()), "stage": [(s, s) for s in choices.stages],
        "outcome": [(o, o) for o in choices.outcomes],
        "version": [(i, f"{process_id} version {number}") for i, process_id, number in choices.versions],
    }
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("audit/cases.html", asked=asked, rows=rows, total=total, options=options,
                           statuses=STATUSES, pagination=page_links("audit.cases", page, pages),
                           csv_url=url_for("audit.cases_csv", **filter_args()))


@blueprint.route("/cases.csv")
@allow(*AUDITOR)
def cases_csv():
    filters, db = search_request(request.args).filters, runtime().db

    def lines():
        with db.reading() as session:
            yield from csv_lines(case_search_dao.stream_cases(session, filters))

    return Response(lines(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="cases.csv"',
    })


@blueprint.route("/cases/<reference>")
@allow(*AUDITOR)
def case(reference: str):
    history = load_case_history(runtime().db, reference, request.args.get("at", type=int))
    access_log.record_view(runtime(), g.actor, "case", history.case.reference)
    return render_template("audit/case.html", history=history)


@blueprint.route("/cases/<reference>/path.json")
@allow(*AUDITOR)
def case_path(reference: str):
    return jsonify(load_path_overlay(runtime().db, reference))


@blueprint.route("/cases/<reference>/letters/<int(max=2147483647):letter_id>")
@allow(*LETTER_READERS)
def letter(reference: str, letter_id: int):
    with runtime().db.reading() as session:
        case = cases_dao.get_case_by_reference(session, reference.strip().upper())
        found = letters_dao.get_letter(session, letter_id)
    if case is None or found is None or found.case_id != case.id or found.status != "sent":
        abort(404)
    access_log.record_view(runtime(), g.actor, "letter", f"{case.reference}/{found.id}")
    return send_file(io.BytesIO(found.content), mimetype=found.media_type, as_attachment=True,
                     download_name=found.filename)


@blueprint.route("/processes")
@allow(*AUDITOR)
def processes():
    with runtime().db.reading() as session:
        versions = path_counts_dao.list_versions_in_use(session)
    return render_template("audit/processes.html", versions=versions)


@blueprint.route("/processes/<int(max=2147483647):version_id>")
@allow(*AUDITOR)
def heatmap(version_id: int):
    with runtime().db.reading() as session:
        version = _version(session, version_id)
        counts = path_counts_dao.cases_passing_each_element(session, version_id)
    names = definition_of(version).element_names
    rows = sorted(((names.get(e, e), n) for e, n in counts.items()), key=lambda row: (-row[1], row[0]))
    return render_template("audit/heatmap.html", version=version, rows=rows)


@blueprint.route("/processes/<int(max=2147483647):version_id>/heatmap.json")
@allow(*AUDITOR)
def heatmap_overlay(version_id: int):
    with runtime().db.reading() as session:
        _version(session, version_id)
        counts = path_counts_dao.cases_passing_each_element(session, version_id)
    return jsonify({"completed": [], "active": [], "taken_flows": [], "counts": counts, "changed": None})


@blueprint.route("/processes/<int(max=2147483647):version_id>/diagram.bpmn")
@allow(*AUDITOR)
def diagram(version_id: int):
    with runtime().db.reading() as session:
        version = _version(session, version_id)
    return Response(version.bpmn_xml, mimetype="application/xml")


@blueprint.route("/verify")
@allow(*AUDITOR)
def verify():
    report = seconds = None
    if request.args.get("check") == "yes":
        started = time.perf_counter()
        with runtime().db.reading() as session:
            report = verify_all(session)
        seconds = time.perf_counter() - started
    return render_template("audit/verify.html", report=report, seconds=seconds)


@blueprint.route("/compliance")
@allow(*AUDITOR)
def compliance():
    now, settings = runtime().clock.now(), runtime().settings
    report = check_all_cases(runtime().db, now, lifting_grace(settings.worker_poll_seconds))
    return render_template("audit/compliance.html", report=report, figures=policy_figures(runtime().db, now))


@blueprint.route("/access-log")
@allow(*AUDITOR)
def access_log_page():
    asked = access_request(request.args)
    page = _page()
    with runtime().db.reading() as session:
        entries, total = access_log_dao.page_of_entries(session, asked.filters, page=page, size=PAGE_SIZE)
        users = users_dao.list_users(session)
    pages = max(1, -(-total // PAGE_SIZE))
    return render_template("audit/access_log.html", asked=asked, entries=entries, total=total, users=users,
                           kinds=access_log.KINDS, pagination=page_links("audit.access_log_page", page, pages))


def _version(session, version_id: int):
    version = processes_dao.get_version(session, version_id)
    if version is None:
        abort(404)
    return version


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
