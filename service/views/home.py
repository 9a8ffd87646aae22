from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, url_for
from sqlalchemy import text

from service.auth.permissions import public
from service.db import DatabaseUnavailable

blueprint = Blueprint("home", __name__)


@blueprint.route("/")
@public
def home():
    if g.get("actor") is not None and "inbox.inbox" in current_app.view_functions:
        return redirect(url_for("inbox.inbox"))
    return render_template("home.html")


@blueprint.route("/health")
@public
def health():
    try:
        with current_app.extensions["ubp"].db.reading() as session:
            session.execute(text("SELECT 1"))
    except DatabaseUnavailable:
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
