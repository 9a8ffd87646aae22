"""The policy's own pages and API routes, added by the platform's app factory (``Pack.web_module``).

Each module listed here has an ``init_app(app)`` that registers its blueprint (and any template filters).
"""

from __future__ import annotations

from importlib import import_module

from flask import Flask

MODULES: tuple[str, ...] = (
    "appeals_api",
    "case_letters",
    "case_pages",
    "compliance_pages",
    "customer_records",
    "customers",
    "customers_api",
    "formatting",
    "letter_pages",
    "subject_access",
)


def init_app(app: Flask) -> None:
    for name in MODULES:
        import_module(f"{__name__}.{name}").init_app(app)
