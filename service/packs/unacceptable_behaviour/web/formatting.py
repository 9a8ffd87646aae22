"""What the policy's templates use to show restrictions: which are in force today, their status, and the
contact each period of them permits (with what is always allowed, whatever they say)."""

from __future__ import annotations

from datetime import date

from flask import Flask, current_app

from service.packs.unacceptable_behaviour import restrictions
from service.packs.unacceptable_behaviour.contact_rules import ALWAYS_ALLOWED, contact_periods
from workflows.calendar import LONDON


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(contact_periods=contact_periods, always_allowed_contact=ALWAYS_ALLOWED,
                                 in_force=in_force, restriction_status=restriction_status)


def _today() -> date:
    return current_app.extensions["ubp"].clock.now().astimezone(LONDON).date()


def in_force(rows) -> list:
    """The restrictions among ``rows`` in force today (never one past its end date)."""
    today = _today()
    return [r for r in rows if restrictions.in_force(r, today)]


def restriction_status(row) -> str:
    return restrictions.shown_status(row, _today())
