"""One blueprint per area of the staff service."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from service.auth.views import blueprint as auth
    from service.views.admin import blueprint as admin
    from service.views.cases import blueprint as cases
    from service.views.customers import blueprint as customers
    from service.views.home import blueprint as home
    from service.views.inbox import blueprint as inbox
    from service.views.tasks import blueprint as tasks
    from service.views.timers_admin import blueprint as timers

    for blueprint in (home, auth, inbox, tasks, cases, customers, timers, admin):
        app.register_blueprint(blueprint)
