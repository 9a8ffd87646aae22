"""The signed-in person, from Flask's signed session cookie, with idle and absolute time-outs."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, g, session

from service.dao import users_dao
from service.models import User
from service.people.groups import actor_of


def sign_in(user: User, now: datetime) -> None:
    session.clear()  # a fresh session on sign-in: no fixation
    session.permanent = True
    session["uid"] = user.id
    session["started"] = now.timestamp()
    session["seen"] = now.timestamp()


def sign_out() -> None:
    session.clear()


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
    with current_app.extensions["ubp"].db.reading() as db_session:
        user = users_dao.get_user(db_session, uid)
        actor = actor_of(db_session, user) if user is not None and user.active else None
    if actor is None:
        session.clear()
        return
    session["seen"] = now
    g.user = user
    g.actor = actor
