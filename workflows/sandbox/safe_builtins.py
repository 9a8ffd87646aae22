"""The only builtins sandboxed code can see.

No getattr, setattr, type, isinstance, open, __import__, eval, exec, compile, globals, vars, dir,
print or format. The few that could build something huge are wrapped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workflows.sandbox.comparisons import measured_call
from workflows.sandbox.errors import SandboxError
from workflows.sandbox.limits import current
from workflows.sandbox.sizes import footprint, measure

_MAX_ROUND_DIGITS = 100  # round(1, -10**9) computes 10**10**9 internally


def _charged(builtin: Callable[..., Any]) -> Callable[..., Any]:
    """Copies (list, sorted, ...) are built in C; charge what they built."""

    def charged(*args: Any, **kwargs: Any) -> Any:
        result = builtin(*args, **kwargs)
        current().allocate(footprint(result))
        return result

    charged.__name__ = builtin.__name__
    return charged


def capped_range(*args: int) -> range:
    numbers = range(*args)
    limits = current()
    try:
        too_long = len(numbers) > limits.max_iterations
    except OverflowError:
        too_long = True
    if too_long:
        raise SandboxError(f"a range may have at most {limits.max_iterations} numbers")
    return numbers


def measured_str(value: Any = "") -> str:
    """str(x) of a container renders every element: measure it before paying for that."""
    if type(value) is str:
        return value
    limits = current()
    measure([value], limits.max_size, storing=False)
    text = str(value)
    limits.allocate(len(text))
    return text


def numeric_sum(values: Any, start: Any = 0) -> Any:
    # sum(lists, []) would concatenate lists quadratically in C, out of the guards' reach.
    if type(start) not in (int, float, bool):
        raise SandboxError("sum() only adds numbers")
    result = sum(values, start)
    current().allocate(footprint(result))
    return result


def bounded_round(number: Any, ndigits: Any = None) -> Any:
    if type(ndigits) is int and abs(ndigits) > _MAX_ROUND_DIGITS:
        raise SandboxError(f"round() takes at most {_MAX_ROUND_DIGITS} digits")
    return round(number, ndigits)


SAFE_BUILTINS: dict[str, Any] = {
    "True": True, "False": False, "None": None,
    "len": len, "min": measured_call(min), "max": measured_call(max), "any": any, "all": all, "bool": bool,
    "enumerate": enumerate, "zip": zip,
    "abs": _charged(abs), "int": _charged(int), "float": float,
    "list": _charged(list), "dict": _charged(measured_call(dict)), "tuple": _charged(tuple),
    "sorted": _charged(measured_call(sorted)),
    "sum": numeric_sum, "round": bounded_round, "str": measured_str, "range": capped_range,
}
