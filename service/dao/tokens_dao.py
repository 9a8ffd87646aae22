"""API token look-ups on the request path: one statement per request, columns only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from service.models import ApiToken, Group, GroupMember, User


@dataclass(frozen=True)
class TokenHolder:
    token_id: int
    token_hash: str
    revoked: bool
    roles: tuple[str, ...]
    last_used_at: datetime | None
    user_id: int
    active: bool
    full_name: str
    username: str
    groups: tuple[str, ...]


# Built once: the token, its service account and the account's groups (one row per group), in one round trip.
_HOLDER = (
    select(ApiToken.id, ApiToken.token_hash, ApiToken.revoked_at, ApiToken.roles, ApiToken.last_used_at,
           User.id, User.active, User.full_name, User.username, Group.name)
    .join(User, User.id == ApiToken.service_user_id)
    .outerjoin(GroupMember, GroupMember.user_id == User.id)
    .outerjoin(Group, Group.id == GroupMember.group_id)
    .where(ApiToken.token_prefix == bindparam("prefix"))
)


def token_holder(session: Session, prefix: str) -> TokenHolder | None:
    rows = session.execute(_HOLDER, {"prefix": prefix}).all()
    if not rows:
        return None
    first = rows[0]
    return TokenHolder(
        token_id=first[0], token_hash=first[1], revoked=first[2] is not None, roles=tuple(first[3]),
        last_used_at=first[4], user_id=first[5], active=first[6], full_name=first[7], username=first[8],
        groups=tuple(sorted({row[9] for row in rows if row[9] is not None})),
    )


def note_token_used(session: Session, token_id: int, now: datetime) -> None:
    session.get(ApiToken, token_id).last_used_at = now
