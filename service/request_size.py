"""How large a request body may be: the service-wide limit (``MAX_REQUEST_BYTES``), and a larger one
that a view declares for itself (uploading evidence files to a note).

The limit is set before anything reads the body (the text check and CSRF protection both read the
form), so a body over it is refused with a 413 and nothing of it is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request


def allow_body(max_bytes: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let this view read a body up to ``max_bytes`` (put it next to ``def``, under ``allow``)."""
    def declare(view: Callable[..., Any]) -> Callable[..., Any]:
        view.max_body_bytes = max_bytes  # type: ignore[attr-defined] - copied onto the guard by functools.wraps
        return view
    return declare


def _apply_view_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    larger = getattr(view, "max_body_bytes", None)
    if larger is not None:
        request.max_content_length = larger


def init_app(app: Flask) -> None:
    app.before_request(_apply_view_limit)
