"""One blueprint per area of the staff service: every module here that defines ``blueprint`` is registered."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Blueprint, Flask


def register_blueprints(app: Flask) -> None:
    from service.auth.views import blueprint as auth

    app.register_blueprint(auth)
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        blueprint = getattr(module, "blueprint", None)
        if isinstance(blueprint, Blueprint):
            app.register_blueprint(blueprint)
