"""What RestrictedPython asks of us for attributes, items, iteration and unpacking.

Attribute access is an allowlist by exact type: task data is plain JSON (plus dates), and anything
else, including every name starting with "_", ``str.format`` and ``format_map``, is refused.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence

from workflows.sandbox.comparisons import guarded_comparable, measured_call
from workflows.sandbox.errors import SandboxError
from workflows.sandbox.limits import Limits, current

# Methods returning a new value about as large as the object: charged to the allocation budget.
_TEXT_COPIES = frozenset({
    "lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "title",
    "capitalize", "casefold", "partition", "rpartition", "removeprefix", "removesuffix",
})
_TEXT_QUERIES = frozenset({
    "startswith", "endswith", "count", "index", "find", "rfind", "isdigit", "isalpha", "isalnum",
    "isspace", "isupper", "islower", "isdecimal", "isnumeric",
})
_DATE_PARTS = frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday", "replace"})

ALLOWED_ATTRIBUTES: dict[type, frozenset[str]] = {
    # str.replace is left out on purpose: "".replace("", big) multiplies sizes.
    str: _TEXT_COPIES | _TEXT_QUERIES | {"join"},
    dict: frozenset({"get", "keys", "values", "items", "copy", "pop", "setdefault", "update"}),
    list: frozenset({"append", "extend", "insert", "pop", "remove", "index", "count", "copy", "sort",
                     "reverse"}),
    tuple: frozenset({"index", "count"}),
    float: frozenset({"is_integer"}),
    date: _DATE_PARTS,
    datetime: _DATE_PARTS | {"hour", "minute", "second", "microsecond", "tzinfo", "date"},
    timedelta: frozenset({"days", "seconds", "microseconds", "total_seconds"}),
}
_COPIES = {str: _TEXT_COPIES, dict: frozenset({"copy"}), list: frozenset({"copy"})}
_GROWERS = {dict: frozenset({"setdefault", "update"}), list: frozenset({"append", "insert"})}
# Methods that compare or hash their arguments (and, for lists and tuples, every item) in C.
_COMPARING = {
    dict: frozenset({"get", "pop", "setdefault", "update"}),
    list: frozenset({"index", "count", "remove", "sort"}),
    tuple: frozenset({"index", "count"}),
    str: frozenset({"startswith", "endswith"}),  # these take a tuple of candidates
}
_STRIPPERS = frozenset({"strip", "lstrip", "rstrip"})
_MAX_STRIP_CHARS = 256  # each character of the text is looked up in these, in C
_INDEXABLE = frozenset({dict, list, tuple, str})
_WRITABLE = frozenset({dict, list})


def guarded_getattr(obj: Any, name: str) -> Any:
    kind = type(obj)
    if name.startswith("_"):
        raise SandboxError('names starting with "_" are not allowed')
    if name not in ALLOWED_ATTRIBUTES.get(kind, ()):
        raise SandboxError(f'"{name}" is not available on {kind.__name__} values')
    limits = current()
    if kind is str and name == "join":
        return _joiner(obj, limits)
    if kind is list and name == "extend":
        return _extender(obj, limits)
    if name in _COMPARING.get(kind, ()):
        if kind is not dict:
            guarded_comparable(obj)
        return measured_call(getattr(obj, name))
    if kind is str and name in _STRIPPERS:
        return _stripper(obj, name, limits)
    if name in _COPIES.get(kind, ()):
        limits.allocate(len(obj))
    elif name in _GROWERS.get(kind, ()):
        limits.touch(obj)
    return getattr(obj, name)


def _joiner(separator: str, limits: Limits):
    def join(parts: Any) -> str:
        parts = list(parts)
        size = len(separator) * max(len(parts) - 1, 0) + sum(len(p) for p in parts if type(p) is str)
        limits.check_size(size)
        limits.allocate(size + len(parts))
        return separator.join(parts)

    return join


def _stripper(text: str, name: str, limits: Limits):
    method = getattr(text, name)

    def strip(chars: Any = None) -> str:
        if type(chars) is str and len(chars) > _MAX_STRIP_CHARS:
            raise SandboxError(f"{name}() takes at most {_MAX_STRIP_CHARS} characters to remove")
        limits.allocate(len(text))
        return method(chars)

    return strip


def _extender(target: list, limits: Limits):
    def extend(items: Any) -> None:
        items = items if type(items) in (list, tuple, str, dict) else list(items)
        limits.check_size(len(target) + len(items))
        limits.allocate(len(items))
        limits.touch(target)
        target.extend(items)

    return extend


def guarded_getitem(obj: Any, key: Any) -> Any:
    if type(obj) not in _INDEXABLE:
        raise SandboxError("only lists, tuples, dictionaries and text can be indexed")
    if type(key) is tuple:
        guarded_comparable(key)  # hashed in C, item by item
    value = obj[key]
    if type(key) is slice:
        current().allocate(len(value))
    return value


def guarded_write(obj: Any) -> Any:
    """Item assignment and ``del`` go through here; only plain containers may change."""
    if type(obj) not in _WRITABLE:
        raise SandboxError("only lists and dictionaries can be changed")
    current().touch(obj)
    return obj


class _CountedIterator:
    """Counts items from iterables of unknown length (zip, enumerate, generator expressions)."""

    __slots__ = ("_items", "_limits")

    def __init__(self, items: Any, limits: Limits) -> None:
        self._items = iter(items)
        self._limits = limits

    def __iter__(self) -> _CountedIterator:
        return self

    def __next__(self) -> Any:
        self._limits.count_iterations(1)
        return next(self._items)


def guarded_iter(obj: Any) -> Any:
    """``for`` loops and comprehensions. Sized iterables are charged up front, which keeps the
    common loop over a list at C speed; the rest are counted item by item."""
    limits = current()
    try:
        size = len(obj)
    except TypeError:
        return _CountedIterator(obj, limits)
    limits.count_iterations(size)
    return iter(obj)


def guarded_spread(obj: Any) -> Any:
    """``*x`` and ``**x`` in calls and displays copy in C, so they are charged as allocations."""
    limits = current()
    try:
        size = len(obj)
    except TypeError:
        return _CountedIterator(obj, limits)
    limits.allocate(size)
    return obj


def guarded_apply(function: Any, *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


GUARDS = {
    "_getattr_": guarded_getattr,
    "_getitem_": guarded_getitem,
    "_write_": guarded_write,
    "_getiter_": guarded_iter,
    "_spread_": guarded_spread,
    "_apply_": guarded_apply,
    # The generated code passes _getiter_ in explicitly, so RestrictedPython's own helpers are safe.
    "_unpack_sequence_": guarded_unpack_sequence,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
}
