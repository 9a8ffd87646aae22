"""Who is acting, and the policy's separation of duties between decision-makers on a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.cases.errors import NotAllowed
from service.models import CaseActor

# The platform's own roles (and the service accounts' "worker", which works external tasks only): what
# they let a person do is fixed in code. Every other role or group a person holds is work: it offers them tasks.
PLATFORM_ROLES = ("process_owner", "auditor", "admin", "data_protection_officer", "worker")
# A permission any route may name: "works on tasks", held by anyone in a group that can be offered work.
TASK_WORKER = "task_worker"

_ROLE_WORDS = {
    "proposer": "proposed the formal action",
    "approver": "approved the formal action",
    "letter_sender": "sent the decision letter",
    "reviewer": "heard the appeal",
    "review_decider": "reviewed the restriction",
}


@dataclass(frozen=True)
class Actor:
    user_id: int
    roles: tuple[str, ...]
    name: str = ""
    # The groups the person is a member of (service/people/groups.py); a role also counts as the
    # group of the same name, so ``has_any_role("caseworker")`` admits members of that group too.
    groups: tuple[str, ...] = ()
    username: str = ""

    def has_any_role(self, roles: tuple[str, ...] | list[str]) -> bool:
        return any(role in self.roles or role in self.groups or (role == TASK_WORKER and self.works_tasks)
                   for role in roles)

    @property
    def works_tasks(self) -> bool:
        return any(name not in PLATFORM_ROLES for name in (*self.roles, *self.groups))

    @property
    def group_names(self) -> tuple[str, ...]:
        """Every group name that offers the person work: their groups and their roles."""
        return tuple(dict.fromkeys((*self.groups, *self.roles)))

    def is_offered(self, candidate_groups, candidate_user_ids=()) -> bool:
        """Whether a task offered to these groups and these people is offered to this person."""
        return self.user_id in candidate_user_ids or self.has_any_role(list(candidate_groups))


def parse_actor_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def refuse_excluded_actor(session: Session, case_id: int, actor: Actor, excluded: list[str]) -> None:
    """The policy: an approver is never the proposer; an appeal is heard by someone outside the decision."""
    if not excluded:
        return
    held = session.scalars(
        select(CaseActor.role).where(
            CaseActor.case_id == case_id, CaseActor.user_id == actor.user_id, CaseActor.role.in_(excluded)
        )
    ).all()
    if held:
        what = " and ".join(_ROLE_WORDS.get(role, role) for role in sorted(set(held)))
        raise NotAllowed(
            f"You {what} on this case, so you cannot take this step: "
            "the policy needs someone who was not part of that decision."
        )


def record_actor(session: Session, case_id: int, role: str, actor: Actor, now: datetime) -> None:
    exists = session.scalar(
        select(CaseActor.id).where(
            CaseActor.case_id == case_id, CaseActor.role == role, CaseActor.user_id == actor.user_id
        )
    )
    if exists is None:
        session.add(CaseActor(case_id=case_id, role=role, user_id=actor.user_id, at=now))
