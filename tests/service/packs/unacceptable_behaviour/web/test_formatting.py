"""The policy's template globals: what templates read about restrictions, as of the app's clock's today."""

from __future__ import annotations

from datetime import date

from service.packs.unacceptable_behaviour.contact_rules import ALWAYS_ALLOWED
from service.packs.unacceptable_behaviour.models import Restriction


def _restriction(starts_on: str, ends_on: str, status: str = "active") -> Restriction:
    return Restriction(kind="single_point_of_contact", status=status, starts_on=date.fromisoformat(starts_on),
                       ends_on=date.fromisoformat(ends_on), details={})


def test_the_pack_adds_its_globals_to_the_apps_templates(app):
    render = app.jinja_env.from_string
    with app.app_context():
        running = _restriction("2026-03-01", "2026-09-01")
        ended = _restriction("2025-03-01", "2026-03-02")
        assert render("{{ in_force(rows) | length }}").render(rows=[running, ended]) == "1"
        assert render("{{ restriction_status(row) }}").render(row=ended) == "expired"
        assert render("{{ restriction_status(row) }}").render(row=running) == "active"
        assert render("{{ always_allowed_contact }}").render() == ALWAYS_ALLOWED
        assert render("{{ contact_periods(rows) | length }}").render(rows=[running, ended]) == "2"
