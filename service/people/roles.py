"""Who may do what, written once: the role lists that routes, services and pages ask about.

Routes name these lists in ``allow(...)``; services check them; templates never name a role: they read the
flags of ``Permissions`` (``may.reassign_tasks``), which the app puts in every template's context.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

CASEWORKERS = ("caseworker",)
# Heads of Service and Executives: they decide formal action, lead the team and hand its work round.
DECIDERS = ("head_of_service", "executive")
STAFF = (*CASEWORKERS, *DECIDERS)
# Who reads the policy's cases, customers and letters: the staff who work them, and auditors.
STAFF_AND_AUDITORS = (*STAFF, "auditor")
ADMINS = ("admin",)


@dataclass(frozen=True)
class Permissions:
    """What the signed-in person may do, as flags a page reads instead of naming roles."""

    actor: Any  # service.people.actors.Actor, or None when no one is signed in

    def _holds(self, roles: Iterable[str]) -> bool:
        return self.actor is not None and self.actor.has_any_role(tuple(roles))

    @property
    def record_incidents(self) -> bool:
        return self._holds(CASEWORKERS)

    @property
    def work_on_cases(self) -> bool:
        return self._holds(STAFF)

    @property
    def reassign_tasks(self) -> bool:
        return self._holds(DECIDERS)

    @property
    def see_every_overdue_task(self) -> bool:
        return self._holds(DECIDERS)

    @property
    def administer(self) -> bool:
        return self._holds(ADMINS)

    def send(self, message: Any) -> bool:
        """Whether the person may send a message a case waits for: its catch event names the groups."""
        return self._holds(message.groups)
