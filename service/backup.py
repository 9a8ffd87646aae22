"""Backups and restores of the whole database: pg_dump/pg_restore for PostgreSQL, SQLite's online backup API.

A restore goes only into an empty database (it never merges into live data). Passwords reach the
PostgreSQL tools through PGPASSWORD, never on a command line that other users can list.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """The backup or restore did not happen; the message says why (never a password)."""


def backup(database_url: str, target: Path) -> None:
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        # The online backup API copies a consistent snapshot while the service keeps writing.
        source = _sqlite_path(url)
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reading, sqlite3.connect(target) as writing:
            reading.backup(writing)
        return
    _run_pg_tool("pg_dump", url, ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])


def restore(source: Path, database_url: str) -> None:
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    url = make_url(database_url)
    _refuse_unless_empty(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as reading, \
                sqlite3.connect(_sqlite_path(url)) as writing:
            reading.backup(writing)
        return
    _run_pg_tool("pg_restore", url, ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                                     str(source)])


def _refuse_unless_empty(database_url: str) -> None:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"The target database already has {len(tables)} table(s); restore only into a new, "
                          "empty database.")


def _sqlite_path(url: URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return url.database


def _run_pg_tool(tool: str, url: URL, arguments: list[str]) -> None:
    program = shutil.which(tool)
    if program is None:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client-15).")
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run([program, *arguments, f"--dbname={plain}"], env=env,  # noqa: S603 - fixed program
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{tool} failed: {lines[-1] if lines else f'exit code {result.returncode}'}")
