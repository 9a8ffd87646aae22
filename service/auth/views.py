from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from service.auth.passwords import verify_password
from service.auth.permissions import public
from service.auth.sessions import sign_in, sign_out
from service.dao import users_dao
from service.limits import account_key, limiter

blueprint = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["SETTINGS"].login_rate_limit


def _login_account_limit() -> str:
    return current_app.config["SETTINGS"].login_account_rate_limit


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_account_limit, methods=["POST"], key_func=account_key)
def login():
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:80]
        password = request.form.get("password", "")[:200]
        runtime = current_app.extensions["ubp"]
        with runtime.db.reading() as session:
            user = users_dao.get_user_by_username(session, username) if username else None
        # Verify even for unknown usernames (against a dummy hash) so timing reveals nothing.
        valid = verify_password(user.password_hash if user else None, password)
        if user is not None and user.active and valid:
            sign_in(user, runtime.clock.now())
            return redirect(_safe_next(request.args.get("next")) or url_for("home.home"))
        error = "Enter a correct username and password."
    return render_template("auth/login.html", error=error, username=username,
                           expired=g.get("session_expired", False)), (401 if error else 200)


@blueprint.route("/sign-out", methods=["POST"])
@public
def logout():
    sign_out()
    flash("You have signed out.")
    return redirect(url_for("home.home"))


def _safe_next(target: str | None) -> str | None:
    """Only ever redirect within this service after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
