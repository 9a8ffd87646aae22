"""Who may do what, written once: the role lists that routes, services and pages ask about.

Routes name these lists in ``allow(...)``; services check them; templates never name a role: they read the
flags of ``Permissions`` (``may.reassign_tasks``, ``may.use(endpoint)``), which the app puts in every template's
context. A pack keeps its own role lists (the groups its processes name) in its own modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from service.people.actors import TASK_WORKER, WORK_MANAGER

# Staff who work cases: anyone in a group that can be offered work.
WORKERS = (TASK_WORKER,)
# Who reads cases: those, and auditors; a pack narrows who reads its own (``Pack.case_readers``, cases.reading).
CASE_READERS = (TASK_WORKER, "auditor")
# Who manages work: anyone in a group a pack declares as managing work (``GroupSeed.manages_work``).
MANAGERS = (WORK_MANAGER,)
ADMINS = ("admin",)


def message_senders(message: Any) -> tuple[str, ...]:
    """Who may send a message a case waits for (a ``MessageDefinition``): the groups its catch event names
    (``candidateGroups``); when it names none, anyone who works on tasks (``WORKERS``). The platform's own rule,
    not a process's groups: a diagram that means fewer people names them on the catch event."""
    return message.groups or WORKERS


def message_senders_words(message: Any) -> str:
    """Who may send it, in the words a refusal and the case page use ("Only caseworker may send ..."): the groups
    the catch event names, or "people who work on tasks" when it names none."""
    return ", ".join(message.groups) or "people who work on tasks"


def _nothing_admitted(actor: Any, endpoint: str) -> bool:
    return False


@dataclass(frozen=True)
class Permissions:
    """What the signed-in person may do, as flags a page reads instead of naming roles."""

    actor: Any  # service.people.actors.Actor, or None when no one is signed in
    # Whether a person passes the guard of the page at an endpoint (its ``allow``): ``(actor, endpoint) -> bool``.
    route_admits: Callable[[Any, str], bool] = _nothing_admitted

    def _holds(self, roles: Iterable[str]) -> bool:
        return self.actor is not None and self.actor.has_any_role(tuple(roles))

    @property
    def reassign_tasks(self) -> bool:
        return self._holds(MANAGERS)

    @property
    def see_every_overdue_task(self) -> bool:
        return self._holds(MANAGERS)

    @property
    def administer(self) -> bool:
        return self._holds(ADMINS)

    def send(self, message: Any) -> bool:
        """Whether the person may send a message a case waits for (``message_senders``)."""
        return self._holds(message_senders(message))

    def use(self, endpoint: str) -> bool:
        """Whether the person may use the page at ``endpoint``: a pack's template asks this of the pack's own
        pages ("Record an incident") instead of naming the roles they admit."""
        return self.actor is not None and self.route_admits(self.actor, endpoint)
