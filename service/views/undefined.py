"""Staff pages render strictly: a variable or attribute a template uses but nobody gave it is an error.

Jinja's `StrictUndefined` turns a misspelt or forgotten variable into an exception instead of an empty
string on a page. One exception is kept, because GOV.UK's macros (govuk-frontend-jinja) are written for
lenient Jinja: they read their optional options as missing keys of the `params` dict they are given
(`params.classes`, `params.hint`), compare with the names `undefined` and `null`, and ask `{% if caller %}`
when a call block is optional. A missing key of a mapping and a macro's missing caller are therefore the
ordinary, lenient undefined (empty, false, equal to any other undefined); a missing variable, or a missing
attribute of any other object, raises.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from jinja2 import StrictUndefined, Undefined


def _lenient(undefined: Undefined) -> bool:
    missing_key = isinstance(undefined._undefined_obj, Mapping)
    no_caller = undefined._undefined_name == "caller" and undefined._undefined_hint == "No caller defined"
    return missing_key or no_caller


def _strict_unless_mapping(name: str):
    """The method `name` of the lenient Undefined for a missing mapping key, an error otherwise."""
    lenient = getattr(Undefined, name)

    def method(self, *args):
        if _lenient(self):
            return lenient(self, *args)
        return self._fail_with_undefined_error()

    method.__name__ = name
    return method


class StaffUndefined(StrictUndefined):
    __slots__ = ()

    __str__ = _strict_unless_mapping("__str__")
    __iter__ = _strict_unless_mapping("__iter__")
    __len__ = _strict_unless_mapping("__len__")
    __bool__ = _strict_unless_mapping("__bool__")
    __hash__ = _strict_unless_mapping("__hash__")

    def __contains__(self, item: object) -> bool:
        if _lenient(self):
            return False
        return self._fail_with_undefined_error()

    def __eq__(self, other: object) -> bool:
        if _lenient(self):
            return isinstance(other, Undefined)
        return self._fail_with_undefined_error()

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)


# What GOV.UK's macros mean by `undefined` and `null`: an option that was not given.
NOT_GIVEN = StaffUndefined(obj={}, name="undefined")


def init_app(app: Flask) -> None:
    app.jinja_env.undefined = StaffUndefined
    app.jinja_env.globals.update(undefined=NOT_GIVEN, null=NOT_GIVEN)
