"""Caseload pages: my cases; for those who manage work, the team's cases, the workload, and handing
someone's work over."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from service.accounts.directory import people_to_choose
from service.auth.permissions import allow
from service.cases.errors import FieldProblem, InvalidInput
from service.people.roles import MANAGERS, WORKERS
from service.tasks import caseload
from service.tasks.caseload import CASE_SORTS, CaseloadFilters
from service.views.helpers import runtime

blueprint = Blueprint("caseload", __name__, url_prefix="/caseload")


def _filters() -> CaseloadFilters:
    args = request.args
    owner = args.get("owner", "")
    sort = args.get("sort", "oldest")
    return CaseloadFilters(owner_id=int(owner) if owner.isdigit() and len(owner) < 10 else None,
                           step=args.get("step", "").strip()[:100] or None, overdue_only=args.get("overdue") == "yes",
                           sort=sort if sort in CASE_SORTS else "oldest")


def _people():
    return people_to_choose(runtime().casework)


@blueprint.route("/mine")
@allow(*WORKERS)
def mine():
    filters = _filters()
    return render_template("caseload/cases.html", title="My cases", filters=filters, sorts=CASE_SORTS,
                           rows=caseload.my_cases(runtime().casework, g.actor, filters), people=None,
                           now=runtime().clock.now())


@blueprint.route("/team")
@allow(*MANAGERS)
def team():
    filters = _filters()
    return render_template("caseload/cases.html", title="Team cases", filters=filters, sorts=CASE_SORTS,
                           rows=caseload.team_cases(runtime().casework, g.actor, filters), people=_people(),
                           now=runtime().clock.now())


@blueprint.route("/workload")
@allow(*MANAGERS)
def workload():
    people, groups = caseload.workload(runtime().casework, g.actor)
    return render_template("caseload/workload.html", people_rows=people, group_rows=groups)


@blueprint.route("/hand-over", methods=["GET", "POST"])
@allow(*MANAGERS)
def hand_over():
    problems, result, entered = {}, None, {}
    if request.method == "POST":
        form = request.form
        entered = {"from_user": form.get("from_user", "")[:12], "to_user": form.get("to_user", "")[:12],
                   "reason": form.get("reason", "")[:2000], "with_cases": form.get("with_cases") == "yes"}
        try:
            result = caseload.hand_over(runtime().casework, g.actor, _id(entered["from_user"], "from_user"),
                                        _id(entered["to_user"], "to_user"), entered["reason"],
                                        with_cases=entered["with_cases"])
        except InvalidInput as invalid:
            problems = {problem.field: problem.message for problem in invalid.problems}
    return render_template("caseload/hand_over.html", people=_people(), problems=problems, result=result,
                           entered=entered), (422 if problems else 200)


def _id(value: str, field: str) -> int:
    if not value.isdigit():
        raise InvalidInput([FieldProblem(field, "Choose a person")])
    return int(value)
