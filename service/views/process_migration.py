"""Moving running cases to a newer version: which can move (only steps not yet reached changed), then
move one case or every selected case, each on its own."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from service.auth.permissions import allow
from service.processes import migration
from service.views.helpers import flash_problem, runtime

blueprint = Blueprint("process_migration", __name__, url_prefix="/processes")
OWNER = "process_owner"
_LISTED = 10  # flashed messages live in the session cookie: keep them short


@blueprint.route("/<process_id>/versions/<int:number>/migration")
@allow(OWNER)
def preview(process_id: str, number: int):
    target, moves = migration.preview(runtime().casework, runtime().engine, process_id, number)
    return render_template("processes/migration.html", target=target, moves=moves)


@blueprint.route("/<process_id>/versions/<int:number>/migration", methods=["POST"])
@allow(OWNER)
def migrate(process_id: str, number: int):
    only = request.form.get("only", type=int)
    chosen = [only] if only is not None else [int(i) for i in request.form.getlist("instance") if i.isdigit()]
    if not chosen:
        flash_problem("Select at least one case to move.")
    outcomes = migration.migrate_cases(runtime().casework, g.actor, process_id, number, chosen)
    moved = [o.business_key for o in outcomes if o.moved]
    if moved:
        flash(f"Moved to version {number}: {', '.join(moved[:_LISTED])}{_more(moved)}.")
    refused = [o for o in outcomes if not o.moved]
    for outcome in refused[:_LISTED]:
        flash_problem(f"{outcome.business_key} was not moved: {outcome.message}.")
    if len(refused) > _LISTED:
        flash_problem(f"{len(refused) - _LISTED} more cases were not moved.")
    return redirect(url_for("process_migration.preview", process_id=process_id, number=number))


def _more(items: list[str]) -> str:
    return f" and {len(items) - _LISTED} more" if len(items) > _LISTED else ""
