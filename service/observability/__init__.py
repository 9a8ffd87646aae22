"""What the service tells its operators: structured logs, request ids, Prometheus metrics, health checks."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from service.observability import requests

    requests.init_app(app)
