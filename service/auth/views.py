from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for

from service.accounts import password_reset
from service.accounts.sign_in import check_password
from service.accounts.sso import NotAllowedIn, person_signing_in
from service.auth import oidc
from service.auth.permissions import public, signed_in
from service.auth.sessions import sign_in, sign_out
from service.cases.errors import InvalidInput, NotFound
from service.limits import account_key, limiter

blueprint = Blueprint("auth", __name__)
REFUSED = "Enter a correct username and password."
LOCKED = ("This account is locked for a while after too many wrong passwords. "
          "Try again later, or ask an administrator to unlock it.")


def _login_limit() -> str:
    return current_app.config["SETTINGS"].login_rate_limit


def _login_account_limit() -> str:
    return current_app.config["SETTINGS"].login_account_rate_limit


def _failed(response) -> bool:
    """Only failed sign-ins count towards the per-address limit."""
    return response.status_code == 401


@blueprint.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_account_limit, methods=["POST"], key_func=account_key, deduct_when=_failed)
def login():
    error = None
    username = ""
    settings = current_app.config["SETTINGS"]
    if request.method == "POST" and not settings.local_passwords:
        error = f"Sign in with {settings.sso.name}: passwords for this service are switched off."
    elif request.method == "POST":
        username = request.form.get("username", "").strip()[:80]
        password = request.form.get("password", "")[:200]
        runtime = current_app.extensions["ubp"]
        result = check_password(runtime.casework, username, password, runtime.clock.now(), runtime.settings.lockout())
        if result.user is not None:
            sign_in(result.user, runtime.clock.now())
            return redirect(_safe_next(request.args.get("next")) or url_for("home.home"))
        error = LOCKED if result.locked else REFUSED
    return render_template("auth/login.html", error=error, username=username, sso=settings.sso,
                           local_passwords=settings.local_passwords,
                           expired=g.get("session_expired", False)), (401 if error else 200)


@blueprint.route("/sign-in/sso")
@public
def sso_start():
    sso = current_app.config["SETTINGS"].sso
    if not sso.enabled:
        abort(404)
    try:
        begun = oidc.start(sso, _callback_url())
    except oidc.SignOnRefused as refused:
        return _sso_refused(str(refused))
    session["sso"] = {"state": begun.state, "nonce": begun.nonce, "verifier": begun.verifier,
                      "next": _safe_next(request.args.get("next"))}
    return redirect(begun.url)


@blueprint.route("/sign-in/sso/callback")
@public
def sso_callback():
    sso = current_app.config["SETTINGS"].sso
    waiting = session.pop("sso", None)
    if not sso.enabled:
        abort(404)
    if not waiting or not hmac.compare_digest(str(request.args.get("state", "")), waiting["state"]):
        return _sso_refused("This sign-in was not started here, or has already been used. Start again.")
    if request.args.get("error") or not request.args.get("code"):
        return _sso_refused("The sign-in provider did not sign you in.")
    runtime = current_app.extensions["ubp"]
    try:
        claims, id_token = oidc.finish(sso, code=request.args["code"][:2000], redirect_uri=_callback_url(),
                                       verifier=waiting["verifier"], nonce=waiting["nonce"],
                                       now=runtime.clock.now().timestamp())
        user = person_signing_in(runtime.casework, sso, claims, runtime.clock.now())
    except (oidc.SignOnRefused, NotAllowedIn) as refused:
        return _sso_refused(str(refused))
    sign_in(user, runtime.clock.now())
    session["id_token"] = id_token
    return redirect(waiting.get("next") or url_for("home.home"))


@blueprint.route("/sign-out", methods=["POST"])
@public
def logout():
    id_token = session.get("id_token")
    sign_out()
    sso = current_app.config["SETTINGS"].sso
    if id_token and sso.enabled:
        ended = oidc.end_session_url(sso, id_token, url_for("auth.login", _external=True))
        if ended:
            return redirect(ended)
    flash("You have signed out.")
    return redirect(url_for("home.home"))


def _callback_url() -> str:
    return f"{current_app.config['SETTINGS'].public_url}{url_for('auth.sso_callback')}"


def _sso_refused(message: str):
    return render_template("auth/sso_refused.html", message=message), 401


@blueprint.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    runtime = current_app.extensions["ubp"]
    token = token[:100]
    try:
        person = password_reset.person_for_link(runtime.casework, token, runtime.clock.now())
    except NotFound as gone:
        return render_template("auth/link_expired.html", message=gone.message), 404
    problems = {}
    if request.method == "POST":
        try:
            password_reset.complete_reset(runtime.casework, token, request.form.get("password", "")[:500],
                                          request.form.get("confirmation", "")[:500], runtime.clock.now())
        except InvalidInput as invalid:
            problems = {problem.field: problem.message for problem in invalid.problems}
        except NotFound as gone:
            return render_template("auth/link_expired.html", message=gone.message), 404
        else:
            flash("Your password is set. Sign in with it now.")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", person=person, problems=problems,
                           current_needed=False), (422 if problems else 200)


@blueprint.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    runtime = current_app.extensions["ubp"]
    problems = {}
    if request.method == "POST":
        try:
            password_reset.change_own_password(
                runtime.casework, g.actor, request.form.get("current", "")[:500],
                request.form.get("password", "")[:500],
                request.form.get("confirmation", "")[:500], runtime.clock.now())
        except InvalidInput as invalid:
            problems = {problem.field: problem.message for problem in invalid.problems}
        else:
            sign_out()
            flash("Your password is changed, and every session of yours has ended. Sign in with the new password.")
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", person=g.user, problems=problems,
                           current_needed=True), (422 if problems else 200)


def _safe_next(target: str | None) -> str | None:
    """Only ever redirect within this service after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
