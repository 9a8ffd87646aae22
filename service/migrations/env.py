"""Alembic environment: migrations run against the URL the service is configured with.

The schema is the installed product's: the platform's tables and those of every installed pack, so the
packs are installed here too (a second composition root, for the schema only).
"""

from alembic import context

from service.db import make_engine
from service.models import Base
from service.packs import installed as installed_packs

installed_packs.install()
config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"), timeouts=None)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    if not sqlite:
        with context.begin_transaction():
            context.run_migrations()
        return
    # SQLite changes a table by copying it to a new one and dropping the old, which the foreign keys of rows
    # that refer to it would refuse. As SQLite's own procedure says: keys off outside the transaction, the
    # changes, then check every key before committing, and keys on again.
    driver = connection.connection.driver_connection
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"The migration left rows whose foreign keys point nowhere: {broken[:5]}")
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


run_migrations()
