"""The application factory."""

from __future__ import annotations

import importlib

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from service import api, engine_rest, errors, ids, limits, observability, request_size, request_text, security
from service.auth import sessions
from service.cli import register_commands
from service.config import Settings
from service.packs import registry
from service.resources import STATIC, templates_dir
from service.runtime import Runtime, build_runtime
from service.security import csrf
from service.views import formatting, register_blueprints, template_globals, undefined


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> Flask:
    settings = settings or (runtime.settings if runtime else Settings.from_environment())
    app = Flask(__name__, template_folder=str(templates_dir()), static_folder=str(STATIC))
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
        FileSystemLoader(str(templates_dir())),
        PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
    ])
    ids.init_app(app)  # before any route is added: each <int:...> then uses it
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    undefined.init_app(app)  # a variable a template uses but nobody gave it is an error
    if settings.proxy_hops:
        # Trust exactly this many proxies' X-Forwarded-For/-Proto/-Host: more would let a client choose
        # its own address (and rate-limit bucket), fewer would put every client behind the proxy's address.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.extensions["ubp"] = runtime or build_runtime(settings)
    observability.init_app(app)  # first, so every request is timed and logged
    request_size.init_app(app)  # before anything reads the body
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
    engine_rest.init_app(app)
    for name in registry.web_modules():
        importlib.import_module(name).init_app(app)
    register_commands(app)
    return app
