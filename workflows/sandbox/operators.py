"""Arithmetic for sandboxed code: sizes are checked before a value is built, then charged.

The compiler turns every ``a <op> b`` into ``_operate_("<op>", a, b)`` and RestrictedPython turns
``a <op>= b`` into ``_inplacevar_("<op>=", a, b)``. ``10 ** 10 ** 9``, ``"a" * 10 ** 10`` and
``1 << 10 ** 9`` are refused from their operands' sizes alone, before Python starts on them.
"""

from __future__ import annotations

import math
import operator
import re
from typing import Any

from workflows.sandbox.errors import SandboxError
from workflows.sandbox.limits import Limits, current
from workflows.sandbox.sizes import footprint, measure

_BITS_PER_DIGIT = math.log2(10)
_INTEGERS = frozenset({int, bool})
_SEQUENCES = frozenset({str, list, tuple})
# A %-directive: optional (key), flags, width, precision, length modifier, conversion.
_DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?(.)", re.DOTALL)


def _max_bits(limits: Limits) -> int:
    return int(limits.max_size * _BITS_PER_DIGIT)


def _check_power(base: Any, exponent: Any, limits: Limits) -> None:
    integers = type(base) in _INTEGERS and type(exponent) in _INTEGERS
    # Digits of base ** exponent, from logarithms: nothing of that size is built to find out.
    if integers and exponent > 0 and abs(base) > 1 and exponent * math.log10(abs(base)) >= limits.max_size:
        raise SandboxError("the result is too large")


def _check_multiply(left: Any, right: Any, limits: Limits) -> None:
    if type(left) in _INTEGERS and type(right) in _INTEGERS:
        if left.bit_length() + right.bit_length() > _max_bits(limits):
            raise SandboxError("the result is too large")
    elif type(left) in _SEQUENCES and type(right) in _INTEGERS:
        limits.check_size(len(left) * max(right, 0))
    elif type(right) in _SEQUENCES and type(left) in _INTEGERS:
        limits.check_size(len(right) * max(left, 0))


def _check_shift(value: Any, places: Any, limits: Limits) -> None:
    integers = type(value) in _INTEGERS and type(places) in _INTEGERS
    if integers and value and places > 0 and value.bit_length() + places > _max_bits(limits):
        raise SandboxError("the result is too large")


def _check_add(left: Any, right: Any, limits: Limits) -> None:
    if type(left) in _SEQUENCES and type(right) in _SEQUENCES:
        limits.check_size(len(left) + len(right))


def _check_percent(template: Any, values: Any, limits: Limits) -> None:
    """``"%s" % x`` is fine; a width such as ``"%999999999d"`` or one per ``%(key)s`` repeat is not."""
    if type(template) is not str:
        return
    directives = _DIRECTIVE.findall(template)
    padding = 0
    for width, precision, _conversion in directives:
        if "*" in (width, precision):
            raise SandboxError('"*" widths in % formatting are not allowed')
        if len(width) > 6 or len(precision) > 6:
            raise SandboxError("the result is too large")
        padding += int(width or 0) + int(precision or 0)
    # Each directive may repeat the whole of the values (one mapping used many times).
    values_size = measure([values], limits.max_size, storing=False)
    limits.check_size(len(template) + padding + len(directives) * values_size)


_CHECKS = {"+": _check_add, "*": _check_multiply, "**": _check_power, "<<": _check_shift, "%": _check_percent}
_OPERATIONS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "<<": operator.lshift,
    ">>": operator.rshift, "|": operator.or_, "^": operator.xor, "&": operator.and_,
    "@": operator.matmul,
}
# In place only where Python mutates a list in place; numbers and text rebind anyway.
_IN_PLACE = {"+": operator.iadd, "*": operator.imul}
_UNARY = {"-": operator.neg, "+": operator.pos, "~": operator.invert}


def guarded_operate(symbol: str, left: Any, right: Any) -> Any:
    limits = current()
    check = _CHECKS.get(symbol)
    if check is not None:
        check(left, right, limits)
    result = _OPERATIONS[symbol](left, right)
    limits.allocate(footprint(result))
    return result


def guarded_inplace(augmented: str, left: Any, right: Any) -> Any:
    symbol = augmented[:-1]
    if type(left) is not list or symbol not in _IN_PLACE:
        return guarded_operate(symbol, left, right)
    # `rows += more` extends the same list, as in Python, so every name for it sees the change.
    limits = current()
    if symbol == "+" and type(right) not in _SEQUENCES:
        right = list(right)  # += takes any iterable (a dict view, zip): measure it as a list
    _CHECKS[symbol](left, right, limits)
    size_before = len(left)
    result = _IN_PLACE[symbol](left, right)
    limits.allocate(len(result) - size_before)
    limits.touch(result)
    return result


def guarded_unary(symbol: str, operand: Any) -> Any:
    result = _UNARY[symbol](operand)
    current().allocate(footprint(result))
    return result


def guarded_format_value(value: Any, conversion: int) -> str:
    """An f-string's ``{value}`` (``!r`` and ``!a`` included) is measured, then turned into text."""
    limits = current()
    if type(value) is not str:
        measure([value], limits.max_size, storing=False)
    convert = {ord("r"): repr, ord("a"): ascii}.get(conversion, str)
    text = convert(value)
    limits.allocate(len(text))
    return text


OPERATORS = {
    "_operate_": guarded_operate,
    "_inplacevar_": guarded_inplace,
    "_unary_": guarded_unary,
    "_format_value_": guarded_format_value,
}
