"""Ids in URLs: a number beyond the database's integer column is no row at all (404), not an error.

Flask's ``int`` converter accepts any number of digits; handed to PostgreSQL, 99999999999 fails the
query (``integer out of range``) and the visitor saw a 500. This converter, installed as ``int`` for
every route, refuses such numbers while routing, so every ``<int:...>`` id answers 404 instead.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter, ValidationError

# Primary keys are 32-bit INTEGER columns on both databases (SERIAL on PostgreSQL).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise ValidationError()
        return number


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
