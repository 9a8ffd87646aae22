"""One blueprint per area of the staff service."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from service.auth.views import blueprint as auth
    from service.views.home import blueprint as home

    for blueprint in (home, auth):
        app.register_blueprint(blueprint)
