"""Per request: an id (taken from a well-formed X-Request-Id or made here), one log line, and metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from service.observability.metrics import LATENCY, REQUESTS

log = logging.getLogger("ubp.request")
_GOOD_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def _start() -> None:
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if _GOOD_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a request that failed before our first hook ran
        return response
    duration = time.perf_counter() - started
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    REQUESTS.labels(route, request.method, str(response.status_code)).inc()
    LATENCY.labels(route).observe(duration)
    actor = g.get("actor")
    # The path without its query string: searches carry names and dates of birth.
    log.info("%s %s %s", request.method, request.path, response.status_code, extra={
        "route": route, "method": request.method, "path": request.path, "status": response.status_code,
        "duration_ms": round(duration * 1000, 2), "user_id": getattr(actor, "user_id", None),
    })
    response.headers["X-Request-Id"] = g.request_id
    return response


def init_app(app: Flask) -> None:
    # First of all before_request hooks, so that even a request refused by a later hook is timed and logged.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)
