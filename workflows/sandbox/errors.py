"""The one exception the sandbox raises, and the safe wording for errors inside sandboxed code.

Python's own messages can quote task data (``KeyError: 'NI number'``, ``invalid literal for int():
'AB123456C'``), so they are replaced by a fixed sentence per kind of error; only names that appear
in the diagram's own source, and line numbers, are ever repeated.
"""

from __future__ import annotations

from types import TracebackType

from workflows.sandbox.compiler import SANDBOX_FILENAME


class SandboxError(Exception):
    """Anything refused or stopped. ``str(e)`` is safe to show a user: it says what was refused, and
    never contains task-data values or keys."""

    def __init__(self, reason: str, *, line_number: int | None = None, error_type: str | None = None) -> None:
        super().__init__(reason if line_number is None else f"{reason} (line {line_number})")
        self.reason = reason
        self.line_number = line_number
        # The class of the Python error this replaced, for logs; its message is deliberately dropped.
        self.error_type = error_type


# Checked in order, so subclasses (RecursionError is a RuntimeError) come before their bases.
_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (RecursionError, "the expression called itself too deeply"),
    (MemoryError, "the expression needed too much memory"),
    (KeyError, "a key was not found in a dictionary"),
    (IndexError, "a list index is out of range"),
    (ZeroDivisionError, "division by zero"),
    (OverflowError, "a number is too large"),
    (AttributeError, "an attribute is not available"),
    (TypeError, "a value has the wrong type for this operation"),
    (ValueError, "a value is not valid for this operation"),
    (AssertionError, "an assertion failed"),
)


def refusal_for(error: Exception, *, with_line: bool) -> SandboxError:
    """The SandboxError to raise in place of ``error`` raised while sandboxed code ran."""
    line = _sandbox_line(error.__traceback__) if with_line else None
    if isinstance(error, SandboxError):
        return SandboxError(error.reason, line_number=line, error_type=error.error_type)
    return SandboxError(_reason(error), line_number=line, error_type=type(error).__name__)


def _reason(error: Exception) -> str:
    if isinstance(error, NameError):
        # A name the source used but nothing defined: it comes from the diagram, not task data.
        name = getattr(error, "name", None)
        return f"the name {name!r} is not defined" if isinstance(name, str) and name.isidentifier() else (
            "a name is not defined")
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    return f"the expression failed ({type(error).__name__})"


def _sandbox_line(traceback: TracebackType | None) -> int | None:
    """The innermost line of sandboxed source the error passed through."""
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == SANDBOX_FILENAME:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
