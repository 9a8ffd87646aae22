"""Errors a person can act on. Their messages are safe to show: no stack traces, no other people's data."""

from __future__ import annotations

from dataclasses import dataclass


class CaseworkError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(CaseworkError):
    status = 404


class NotAllowed(CaseworkError):
    status = 403


class Conflict(CaseworkError):
    """A stale or double submission: someone (or an earlier click) got there first. Nothing changed."""

    status = 409


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str


class InvalidInput(CaseworkError):
    status = 422

    def __init__(self, problems: list[FieldProblem], message: str = "There is a problem with what was entered") -> None:
        super().__init__(message)
        self.problems = problems


class ProcessProblem(CaseworkError):
    """The diagram itself could not run this step (a broken or refused expression, an exceeded step
    budget). Nothing was saved. 422: the request was understood and refused, and the person's answers
    are kept so they can try again once the process owner has fixed the diagram. ``element_id`` names the
    element that failed (a timer whose date the answers made unusable), when the engine says which."""

    status = 422

    def __init__(self, message: str, element_id: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id


class StepBudgetExceeded(ProcessProblem):
    """The step did more engine work than one request may; ``reason`` and ``element_id`` say what."""

    def __init__(self, message: str, reason: str, element_id: str) -> None:
        super().__init__(message, element_id)
        self.reason = reason
