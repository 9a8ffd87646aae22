"""The application's PostgreSQL role: everything the service needs, and no way to rewrite the audit log.

Migrations run as the schema's owner; the service connects as a separate login role granted here.
That role may read and add audit rows but never UPDATE or DELETE them (nor TRUNCATE), so even with
the triggers dropped (which only the owner can do) the service's own credentials cannot rewrite
history. Retention's one-way redaction of an event's data is the only exception, and only when
asked for: it grants UPDATE on the two columns redaction writes, which the triggers still police.
Run it again after each migration: it is idempotent and covers tables added since.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

AUDIT_TABLES = ("audit_events", "audit_anchors", "audit_anchor_heads")
READ_ONLY_TABLES = ("alembic_version",)
REDACTION_COLUMNS = ("data", "redacted_at")
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class GrantRefused(ValueError):
    """The database has no roles, or the role name is not a plain identifier."""


def grant_statements(role: str, *, allow_redaction: bool = False) -> list[str]:
    if not _ROLE.fullmatch(role):
        raise GrantRefused(f"{role!r} is not a role name: use lower-case letters, digits and underscores")
    audit = ", ".join(AUDIT_TABLES)
    statements = [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"REVOKE ALL ON {audit} FROM {role}",
        f"GRANT SELECT, INSERT ON {audit} TO {role}",
        f"REVOKE ALL ON {', '.join(READ_ONLY_TABLES)} FROM {role}",
        f"GRANT SELECT ON {', '.join(READ_ONLY_TABLES)} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    if allow_redaction:
        statements.append(f"GRANT UPDATE ({', '.join(REDACTION_COLUMNS)}) ON audit_events TO {role}")
    return statements


def grant_app_role(engine: Engine, role: str, *, allow_redaction: bool = False) -> list[str]:
    """Grant ``role`` what the service needs. Returns the statements run."""
    if engine.dialect.name != "postgresql":
        raise GrantRefused("Only PostgreSQL has roles. On SQLite the append-only triggers protect the audit log.")
    statements = grant_statements(role, allow_redaction=allow_redaction)
    with engine.begin() as connection:
        if not connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}).scalar():
            raise GrantRefused(f"There is no role called {role!r}: create it first (CREATE ROLE {role} LOGIN ...).")
        for statement in statements:
            connection.execute(text(statement))
    return statements
