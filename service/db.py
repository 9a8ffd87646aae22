"""The database: engine set-up for SQLite and PostgreSQL, and the one transaction boundary.

Data-access functions take a Session and never commit; ``Database.transaction`` is the only place
that does, so state, task rows and audit rows of a step commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, PendingRollbackError
from sqlalchemy.orm import Session, sessionmaker


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached; nothing was saved."""


def _json_dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# No statement or lock wait may outlast a request's or a timer's step budget: a step that would wait
# longer fails (and is rolled back) instead of holding its own locks and a worker while it waits.
# Migrations pass None: a schema change on a large table may rightly take longer.
STEP_TIMEOUTS = "-c statement_timeout=15000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=60000"


def make_engine(url: str, *, pool_size: int = 5, timeouts: str | None = STEP_TIMEOUTS) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, json_serializer=_json_dumps, json_deserializer=orjson.loads)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(
        url,
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_timeout=10,
        connect_args={"connect_timeout": 5, **({"options": timeouts} if timeouts else {})},
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Take over transaction control from the driver so that ``_sqlite_begin`` decides how each starts.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """Writers start with BEGIN IMMEDIATE: they queue for the write lock up front instead of reading a
    snapshot that another writer then makes stale (which SQLite reports as an unrecoverable lock error).
    Readers start a deferred transaction and never block writers in WAL mode."""
    immediate = connection.get_execution_options().get("sqlite_immediate", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    def __init__(self, url: str, *, pool_size: int = 5) -> None:
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writing_sessions = sessionmaker(
            self.engine.execution_options(sqlite_immediate=True), expire_on_commit=False
        )

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits if the block finishes, rolls back if it raises."""
        try:
            with self._writing_sessions() as session, session.begin():
                yield session
        except (DBAPIError, PendingRollbackError) as error:
            if connection_lost(error):
                raise DatabaseUnavailable("the database is not available") from error
            raise

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for read paths; nothing it does is committed."""
        try:
            # Closing (not rolling back) ends the transaction without expiring what was loaded,
            # so read results stay usable after the block.
            with self._sessions() as session:
                yield session
        except (DBAPIError, PendingRollbackError) as error:
            if connection_lost(error):
                raise DatabaseUnavailable("the database is not available") from error
            raise

    def dispose(self) -> None:
        self.engine.dispose()


def connection_lost(error: BaseException) -> bool:
    """Whether ``error`` means the database went away (not that a statement was wrong).

    A connection cut in the middle of a savepoint can surface as the savepoint's rollback failing
    ("Can't reconnect until invalid savepoint transaction is rolled back") rather than as the
    driver's own error, depending on the moment it was cut; both mean the same thing here.
    """
    if isinstance(error, PendingRollbackError):
        return "reconnect" in str(error).lower()
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    text = str(error.orig).lower() if error.orig is not None else ""
    return any(
        marker in text
        for marker in ("connection", "could not connect", "server closed", "terminating", "timeout", "refused")
    )
