"""Who is acting, and the policy's separation of duties between decision-makers on a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.casework.errors import NotAllowed
from service.models import CaseActor

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

    def has_any_role(self, roles: tuple[str, ...] | list[str]) -> bool:
        return any(role in self.roles for role in roles)


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
