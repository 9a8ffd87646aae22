"""Who is acting, and the separation of duties between decision-makers on a case (``excludedActors``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.cases.errors import NotAllowed
from service.models import CaseActor
from service.packs.registry import seeded_group_names, work_manager_groups
from service.processes.definitions import pack_of_case

# The platform's own roles (and the service accounts' "worker", which works external tasks only): what
# they let a person do is fixed in code. Every other role or group a person holds is work: it offers them tasks.
# In the order the pages that give roles list them, after the packs' groups (``account_roles``).
PLATFORM_ROLES = ("process_owner", "auditor", "data_protection_officer", "admin", "worker")
# A permission any route may name: "works on tasks", held by anyone in a group that can be offered work.
TASK_WORKER = "task_worker"
# A permission any route may name: "manages work" (reassigns tasks, sees the team's cases, the workload and every
# overdue task, hands work over), held by anyone in a group a pack declares so (``GroupSeed.manages_work``).
WORK_MANAGER = "work_manager"


def account_roles() -> tuple[str, ...]:
    """The roles an administrator can give an account: the groups the registered packs' processes name (a role
    counts as the group of the same name, so holding one offers its work), then the platform's own roles."""
    return tuple(dict.fromkeys((*seeded_group_names(), *PLATFORM_ROLES)))


@dataclass(frozen=True)
class Actor:
    user_id: int
    roles: tuple[str, ...]
    name: str = ""
    # The groups the person is a member of (service/people/groups.py); a role also counts as the
    # group of the same name, so ``has_any_role("reviewers")`` admits members of that group too.
    groups: tuple[str, ...] = ()
    username: str = ""

    def has_any_role(self, roles: tuple[str, ...] | list[str]) -> bool:
        return any(role in self.roles or role in self.groups or (role == TASK_WORKER and self.works_tasks)
                   or (role == WORK_MANAGER and self.manages_work) for role in roles)

    @property
    def works_tasks(self) -> bool:
        return any(name not in PLATFORM_ROLES for name in (*self.roles, *self.groups))

    @property
    def manages_work(self) -> bool:
        managing = work_manager_groups()
        return any(name in managing for name in (*self.roles, *self.groups))

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
    """A step whose ``excludedActors`` names roles is refused to whoever acted in them on this case (the policy:
    an approver is never the proposer; an appeal is heard by someone outside the decision), in the words of the
    case's pack (``Pack.role_words``, ``Pack.wording["excluded_actor"]``)."""
    if not excluded:
        return
    held = session.scalars(
        select(CaseActor.role).where(
            CaseActor.case_id == case_id, CaseActor.user_id == actor.user_id, CaseActor.role.in_(excluded)
        )
    ).all()
    if held:
        pack = pack_of_case(session, case_id)
        words = pack.role_words if pack else {}
        what = " and ".join(_lowered(words.get(role) or f"acted as {role.replace('_', ' ')}")
                            for role in sorted(set(held)))
        wording = pack.wording if pack else {}
        needs = wording.get("excluded_actor", "it needs someone who was not part of that decision")
        raise NotAllowed(f"You {what} on this case, so you cannot take this step: {needs}.")


def _lowered(words: str) -> str:
    return words[:1].lower() + words[1:]


def record_actor(session: Session, case_id: int, role: str, actor: Actor, now: datetime) -> None:
    exists = session.scalar(
        select(CaseActor.id).where(
            CaseActor.case_id == case_id, CaseActor.role == role, CaseActor.user_id == actor.user_id
        )
    )
    if exists is None:
        session.add(CaseActor(case_id=case_id, role=role, user_id=actor.user_id, at=now))
