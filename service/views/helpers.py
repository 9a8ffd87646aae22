"""Small things every staff page needs: the runtime, and telling someone why nothing happened."""

from __future__ import annotations

from flask import current_app, flash

from service.runtime import Runtime

PROBLEM = "problem"


def runtime() -> Runtime:
    return current_app.extensions["ubp"]


def flash_problem(message: str) -> None:
    """A message shown as "Important" on the next page: something was not done, and why."""
    flash(message, PROBLEM)
