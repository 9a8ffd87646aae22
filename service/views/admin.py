"""Administration: the starting page, and API tokens for the systems that call the API."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from service.accounts import api_tokens
from service.auth.permissions import allow
from service.cases.errors import InvalidInput
from service.notifications import problems
from service.people.actors import account_roles
from service.views.helpers import runtime

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


@blueprint.route("")
@allow("admin")
def index():
    return render_template("admin/index.html")


@blueprint.route("/notifications")
@allow("admin")
def unsent_notifications():
    return render_template("admin/notifications.html", unsent=problems.unsent(runtime().casework),
                           smtp_configured=bool(runtime().settings.mail.host))


@blueprint.route("/api-tokens", methods=["GET", "POST"])
@allow("admin")
def api_token_list():
    issued, problems, entered = None, [], {}
    if request.method == "POST":
        entered = {"name": request.form.get("name", "")[:200], "roles": request.form.getlist("roles")}
        try:
            issued = api_tokens.issue_token(runtime().casework, g.actor, entered["name"], entered["roles"],
                                            runtime().clock.now())
            entered = {}
        except InvalidInput as invalid:
            problems = invalid.problems
    return render_template(
        "admin/api_tokens.html", tokens=api_tokens.list_tokens(runtime().casework), roles=account_roles(),
        issued=issued, problems=problems, entered=entered,
    ), (422 if problems else 200)


@blueprint.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@allow("admin")
def revoke_api_token(token_id: int):
    api_tokens.revoke_token(runtime().casework, g.actor, token_id, runtime().clock.now())
    return redirect(url_for("admin.api_token_list"))
