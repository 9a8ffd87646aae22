"""Run the Alembic migrations from code (the CLI, tests and ``make run`` all come through here)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from service.resources import MIGRATIONS


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def schema_revisions(engine) -> tuple[set[str], set[str]]:
    """(the revisions the database is at, the head revisions this code ships): equal when up to date."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current, heads
