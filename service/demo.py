"""Demo data for ``make run``: a user for every role, then each pack's own demo cases (``Pack.demo``).

Refuses to run in production. Running it again changes nothing that is already there.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import func, select

from service.auth.passwords import hash_password
from service.casework import Casework
from service.dao import users_dao
from service.models import Case
from service.packs.registry import demos
from service.people.actors import Actor
from service.runtime import Runtime

DEMO_USERS = (
    ("caseworker", "Chris Caseworker", ("caseworker",), "Housing Officer"),
    ("caseworker2", "Sam Patel", ("caseworker",), "Customer Liaison Officer"),
    ("head", "Harriet Head", ("head_of_service",), "Head of Housing"),
    ("head2", "Hugo Hughes", ("head_of_service",), "Head of Customer Support"),
    ("executive", "Eve Executive", ("executive",), "Director of Customer Services"),
    ("owner", "Olu Owner", ("process_owner",), "Policy Owner"),
    ("auditor", "Ada Auditor", ("auditor",), "Internal Auditor"),
    ("admin", "Alex Admin", ("admin",), "System Administrator"),
)
# Relative to the working directory (the checkout for make run), never inside an installed package.
PASSWORD_FILE = Path("var") / "demo-password"


def demo_password(path: Path = PASSWORD_FILE) -> str:
    """One random password for every demo user, kept under var/ (never in the repository)."""
    configured = os.environ.get("DEMO_PASSWORD")
    if configured:
        return configured
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


def seed_demo(runtime: Runtime) -> Iterator[str]:
    if runtime.settings.environment == "production":
        raise RuntimeError("Demo data is never seeded in production (UBP_ENV=production).")
    password = demo_password()
    password_hash = hash_password(password)
    now = runtime.clock.now()
    with runtime.db.transaction() as session:
        for username, name, roles, title in DEMO_USERS:
            if users_dao.get_user_by_username(session, username) is None:
                users_dao.add_user(session, username=username, full_name=name, password_hash=password_hash,
                                   roles=list(roles), job_title=title, now=now)
    yield "Demo sign-ins:"
    for username, name, roles, _ in DEMO_USERS:
        yield f"  {username:<12} {name:<20} {', '.join(roles)}"
    yield f"  password for all of them: {password}"
    yield from _seed_pack_demos(runtime.casework)


def _seed_pack_demos(casework: Casework) -> Iterator[str]:
    """Each registered pack's demo cases, started by the demo people, unless there are cases already."""
    with casework.db.reading() as session:
        if session.scalar(select(func.count()).select_from(Case)):
            yield "Demo cases already exist; nothing added."
            return
        people = {u.username: Actor(u.id, tuple(u.roles), u.full_name) for u in users_dao.list_users(session)}
    for demo in demos():
        yield from demo(casework, people)
