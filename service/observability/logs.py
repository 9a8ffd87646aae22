"""Logging set-up for every process: one JSON object per line on stderr (LOG_FORMAT=text for people).

Set up by the entry points (gunicorn's app module, the command line), never at import, so tests and
embedding code keep their own logging. Inside a request every line carries its request id and user id.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter

_HANDLER_NAME = "ubp"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestContext(logging.Filter):
    """Adds ``request_id`` and ``user_id`` to every record logged while a request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "-")
            actor = g.get("actor")
            record.user_id = getattr(actor, "user_id", None)
        else:
            record.request_id = getattr(record, "request_id", "-")
        return True


def configure_logging(log_format: str = "json", level: str = "INFO", stream: TextIO | None = None) -> None:
    """Replace the root logger's handlers with ours (idempotent: a second call changes nothing)."""
    root = logging.getLogger()
    if any(handler.get_name() == _HANDLER_NAME for handler in root.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RequestContext())
    if log_format == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        ))
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # SpiffWorkflow logs every task state change at INFO: a dozen lines per step.
    logging.getLogger("spiff").setLevel(logging.WARNING)
    logging.getLogger("SpiffWorkflow").setLevel(logging.WARNING)
