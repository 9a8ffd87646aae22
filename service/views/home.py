from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, redirect, render_template

from service.auth.permissions import public
from service.observability.readiness import database_answers
from service.views.template_globals import navigation_items

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
@public
def home():
    # Signed in: straight to the first page their roles open (the inbox for staff who hold tasks).
    pages = navigation_items() if g.get("actor") is not None else []
    if pages:
        return redirect(pages[0]["href"])
    return render_template("home.html")


@blueprint.route("/health")
@public
def health():
    if not database_answers(current_app.extensions["ubp"].casework):
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
