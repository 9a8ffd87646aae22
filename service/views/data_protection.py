"""Data protection: the retention schedule, the packs' retention policies (``Pack.retention``), and legal holds.
Auditors read these pages; data protection officers and administrators change what they show. A pack that keeps
records about people (customers) adds its own pages about each of them, found from the search here
(``Pack.data_subjects``)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.cases.errors import Conflict, InvalidInput
from service.data_protection import data_protection
from service.data_protection.retention import retention_rules, retention_schedule
from service.packs import registry
from service.views.helpers import flash_problem, runtime
from service.views.schema_forms import error_summary, form_data, form_fields

blueprint = Blueprint("data_protection", __name__, url_prefix="/data-protection")
OFFICERS = data_protection.OFFICERS
READERS = data_protection.READERS


@blueprint.route("")
@allow(*READERS)
def index():
    text = request.args.get("q", "").strip()[:200]
    searches = [(subjects, subjects.search(runtime().casework, text) if text else [])
                for subjects in registry.data_subjects()]
    return render_template(
        "data_protection/index.html", may_change=g.actor.has_any_role(OFFICERS),
        schedule=retention_schedule(runtime().casework), rules=retention_rules(runtime().casework),
        rule_settings=[retention.setting for retention in registry.retentions()],
        now=runtime().clock.now(), text=text, searches=searches,
    )


@blueprint.route("/cases/<reference>/legal-hold", methods=["GET", "POST"])
@allow(*OFFICERS)
def legal_hold(reference: str):
    case = data_protection.load_case(runtime().casework, reference)
    # The page says which change it makes, so a second click cannot undo the first.
    placing = request.form.get("change") == "place" if request.method == "POST" else not case.legal_hold
    problems = []
    if request.method == "POST":
        try:
            data_protection.change_legal_hold(runtime().casework, g.actor, case.reference, hold=placing,
                                              form_data=form_data(data_protection.HOLD_FORM, request.form))
        except InvalidInput as invalid:
            problems = invalid.problems
        except Conflict as conflict:
            flash_problem(conflict.message)
            return redirect(url_for("data_protection.index"))
        else:
            flash(f"{case.reference} is {'now' if placing else 'no longer'} on legal hold.")
            return redirect(url_for("data_protection.index"))
    questions = form_fields(data_protection.HOLD_FORM, request.form, {p.field: p.message for p in problems})
    page = render_template("data_protection/legal_hold.html", case=case, placing=placing, questions=questions,
                           errors=error_summary(problems, questions))
    return page, (422 if problems else 200)
