"""The application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from service import api, errors, ids, limits, request_text, security
from service.auth import sessions
from service.cli import register_commands
from service.config import ROOT, Settings
from service.runtime import Runtime, build_runtime
from service.views import formatting, register_blueprints, template_globals

csrf = CSRFProtect()


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    settings = settings or (runtime.settings if runtime else Settings.from_environment())
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(Path(__file__).parent / "static"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SETTINGS=settings,
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="__Host-ubp" if settings.secure_cookies else "ubp",
        PERMANENT_SESSION_LIFETIME=settings.session_absolute,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=settings.behind_tls,
    )
    # GOV.UK macros import each other as "govuk_frontend_jinja/...", hence the prefix loader.
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
    ])
    ids.init_app(app)  # before any route is added: each <int:...> then uses it
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.extensions["ubp"] = runtime or build_runtime(settings)
    request_text.init_app(app)  # before CSRF protection reads the form
    csrf.init_app(app)
    app.before_request(sessions.load_actor)
    security.init_app(app)
    limits.init_app(app)
    errors.init_app(app)
    template_globals.init_app(app)
    formatting.init_app(app)
    register_blueprints(app)
    api.init_app(app)
    register_commands(app)
    return app
