"""Refusing request text the service could neither store faithfully nor show: bytes that are not
UTF-8, and NUL characters.

Werkzeug does not fail on broken UTF-8: in a path it becomes U+FFFD, in a query string or form
post an escape such as ``%FF`` is kept as the literal text "%FF", and a raw byte that is not UTF-8
empties the whole form. Either way the text would be saved changed. PostgreSQL cannot store a NUL
character in text or JSON at all, so that would fail as a server error. So the raw bytes are
checked before anything reads them. JSON bodies are checked where the API reads them
(``service.api.bodies``), which also refuses lone surrogates written as ``\\ud800`` escapes.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, request

from service.cases.errors import CaseworkError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_URLENCODED = "application/x-www-form-urlencoded"


class UnreadableText(CaseworkError):
    status = 400

    def __init__(self) -> None:
        super().__init__("What was sent contains characters that cannot be accepted (text that is not UTF-8, or a "
                         "NUL character). Nothing was saved. Check the text, retype any unusual characters and try "
                         "again.")


def _readable(raw: bytes) -> bool:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return UNSTORABLE.search(text) is None


def _percent_decoded(raw: bytes) -> bytes:
    return unquote_to_bytes(raw.replace(b"+", b" "))


def refuse_unreadable_text() -> None:
    # WSGI hands over the path already percent-decoded, its bytes as latin-1 characters.
    path = request.environ.get("PATH_INFO", "").encode("latin-1", "replace")
    readable = _readable(path) and _readable(_percent_decoded(request.query_string))
    if readable and request.mimetype == _URLENCODED:
        # Cached, so the form is parsed from the same bytes afterwards.
        readable = _readable(_percent_decoded(request.get_data(cache=True)))
    elif readable and request.mimetype == "multipart/form-data":
        # A part whose name Werkzeug cannot read comes back as None: unreadable too, never a 500.
        readable = not any(text is None or UNSTORABLE.search(text) or "\ufffd" in text
                           for key, values in request.form.lists() for text in (key, *values))
    if not readable:
        raise UnreadableText()


def init_app(app: Flask) -> None:
    """Register before CSRF protection, which reads (and so consumes) the form body."""
    app.before_request(refuse_unreadable_text)
