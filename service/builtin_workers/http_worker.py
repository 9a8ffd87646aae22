"""The ``http`` topic: POST JSON to one of the configured targets (a webhook into the housing system).

Task data: ``http_target`` names a target from HTTP_WORKER_TARGETS (the diagram and the data choose
a name, never a URL, so nothing can be sent anywhere not allowed); ``http_body`` (a JSON object) is
sent. Redirects are not followed. A 2xx completes the task with ``http_status`` and, for a small JSON
answer, ``http_response``; a 5xx, a time-out or a refused connection is retried; any other answer is not.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import orjson

from service.builtin_workers import WorkFailed
from service.casework import Casework
from service.tasks.external_tasks import LockedTask

MAX_RESPONSE = 64 * 1024


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer like any other: it is not followed to somewhere not allowed


_opener = urllib.request.build_opener(_NoRedirects)


def post(casework: Casework, task: LockedTask) -> dict[str, Any]:
    settings = casework.settings
    target, payload = task.variables.get("http_target"), task.variables.get("http_body", {})
    if not isinstance(target, str) or target not in settings.http_targets:
        raise WorkFailed(f"http_target must name one of the configured targets ({', '.join(settings.http_targets)})",
                         retryable=False)
    if not isinstance(payload, dict):
        raise WorkFailed("http_body must be a JSON object", retryable=False)
    # The URL is one the configuration allows (https, or http to this machine), never one from task data.
    request = urllib.request.Request(  # noqa: S310
        settings.http_targets[target], data=orjson.dumps(payload), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "ubp-http-worker",
                 "X-Case-Reference": task.business_key, "Idempotency-Key": task.task.id},
    )
    try:
        with _opener.open(request, timeout=settings.http_timeout_seconds) as response:
            status, body = response.status, response.read(MAX_RESPONSE + 1)
    except urllib.error.HTTPError as error:
        retryable = error.code >= 500 or error.code == 429
        raise WorkFailed(f"{target} answered {error.code}", retryable=retryable,
                         details=error.read(2000).decode("utf-8", "replace")) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise WorkFailed(f"{target} could not be reached ({type(reason).__name__})", retryable=True,
                         details=str(reason)[:500]) from None
    if not 200 <= status < 300:
        raise WorkFailed(f"{target} answered {status}", retryable=False)
    return {"http_status": status, **({"http_response": _json(body)} if _json(body) is not None else {})}


def _json(body: bytes) -> Any:
    if len(body) > MAX_RESPONSE or not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None
