"""The signed-in person, from Flask's signed session cookie, with idle and absolute time-outs.

The cookie also carries the account's session epoch. Every request reads the account from the
database and compares: sign-out, a password change, a forced reset and deactivation raise the epoch,
so every copy of every cookie issued before stops working at once, on every server.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, session

from service.accounts.sign_in import end_sessions, signed_in_account
from service.models import User


def sign_in(user: User, now: datetime) -> None:
    session.clear()  # a fresh session on sign-in: no fixation
    session.permanent = True
    session["uid"] = user.id
    session["epoch"] = user.session_epoch
    session["started"] = now.timestamp()
    session["seen"] = now.timestamp()


def sign_out() -> None:
    uid = session.get("uid")
    session.clear()
    if uid is not None and g.get("user") is not None:
        end_sessions(current_app.extensions["ubp"].casework, uid)


def load_actor() -> None:
    """Before each request: who is signed in, if anyone, and whether their session has run out."""
    g.actor = None
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    settings = current_app.config["SETTINGS"]
    now = current_app.extensions["ubp"].clock.now().timestamp()
    if (now - session.get("seen", 0) > settings.session_idle.total_seconds()
            or now - session.get("started", 0) > settings.session_absolute.total_seconds()):
        session.clear()
        g.session_expired = True
        return
    user, actor = signed_in_account(current_app.extensions["ubp"].casework, uid)
    if (actor is None or user.is_service_account or session.get("epoch") != user.session_epoch):
        session.clear()
        return
    session["seen"] = now
    g.user = user
    g.actor = actor
