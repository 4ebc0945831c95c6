"""A consistent copy of the database while it is in use, and putting one back, for SQLite and PostgreSQL.

SQLite is copied with its online backup API (`sqlite3.Connection.backup`): one read transaction, so the copy is
the database as it stood at one moment even while the server writes (in WAL mode writers carry on meanwhile).
PostgreSQL is dumped by `pg_dump --format=custom` inside a snapshot exported from a REPEATABLE READ transaction,
and the audit log's head and the migration state are read in that same snapshot: the manifest describes exactly
the data in the dump. Restoring uses the backup API again (SQLite) or `pg_restore` in a single transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader

from fairhearing.accounts.models import User
from fairhearing.audit.models import AuditEvent, Checkpoint, LogHead
from fairhearing.cases.models import Case
from fairhearing.evidence.models import StoredFile
from fairhearing.organisation.models import Member
from fairhearing.procedure import merkle

ENGINES = ("sqlite", "postgresql")
_LIBPQ_OPTIONS = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout")


class DatabaseError(Exception):
    """The database cannot be copied or put back; the message says why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    engine: str
    path: Path
    migrations: list[str]  # "app.name" of every applied migration, sorted
    log_size: int
    log_root: str  # hex
    checkpoints: int
    blob_names: frozenset[str]  # the evidence files the copy refers to


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ENGINES:  # pragma: no cover - settings only ever configure these two
        raise DatabaseError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _read_state(execute: Callable[[str], list[tuple[Any, ...]]], tables: set[str]) -> dict[str, Any]:
    """The migration state, the audit log's head and the evidence files referred to, read through `execute` (the
    same plain SQL on either engine, so it can read a copy or a snapshot). Absent tables read as empty."""
    state: dict[str, Any] = {
        "migrations": [],
        "log_size": 0,
        "log_root": merkle.EMPTY_ROOT.hex(),
        "checkpoints": 0,
        "blob_names": frozenset(),
    }
    if "django_migrations" in tables:
        state["migrations"] = sorted(
            f"{app}.{name}" for app, name in execute("SELECT app, name FROM django_migrations")
        )
    head = LogHead._meta.db_table
    if head in tables:
        rows = execute(f"SELECT size, root FROM {head} WHERE id = 1")  # noqa: S608 - names from the models
        if rows:
            state["log_size"], state["log_root"] = int(rows[0][0]), bytes(rows[0][1]).hex()
    if Checkpoint._meta.db_table in tables:
        state["checkpoints"] = execute(f"SELECT COUNT(*) FROM {Checkpoint._meta.db_table}")[0][0]  # noqa: S608
    if StoredFile._meta.db_table in tables:
        state["blob_names"] = frozenset(b for (b,) in execute(f"SELECT blob_name FROM {StoredFile._meta.db_table}"))  # noqa: S608
    return state


def _check_migrated(tables: set[str], where: str) -> None:
    if "django_migrations" not in tables:
        raise DatabaseError(
            f"the {where} holds no fairhearing data (it was never migrated): there is nothing to back up"
        )


def snapshot(target: Path) -> Snapshot:
    """Copy the database to `target` as it stands now, and describe the copy."""
    if engine() == "sqlite":
        return _sqlite_snapshot(target)
    return _postgresql_snapshot(target)


def _sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"])


def _sqlite_snapshot(target: Path) -> Snapshot:
    source_path = _sqlite_path()
    if not source_path.is_file():
        raise DatabaseError(f"there is no database at {source_path}")
    source = sqlite3.connect(source_path, timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one read transaction, one consistent moment
        copy.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file

        def execute(sql: str) -> list[tuple[Any, ...]]:
            return copy.execute(sql).fetchall()

        tables = {name for (name,) in execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        _check_migrated(tables, f"database at {source_path}")
        state = _read_state(execute, tables)
    finally:
        copy.close()
        source.close()
    return Snapshot("sqlite", target, **state)


def _postgresql_snapshot(target: Path) -> Snapshot:
    pg_dump = _tool("pg_dump")
    if connection.in_atomic_block:
        raise DatabaseError("a backup cannot be taken inside another transaction")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        exported = cursor.fetchone()[0]

        def execute(sql: str) -> list[tuple[Any, ...]]:
            cursor.execute(sql)
            return cursor.fetchall()

        tables = set(connection.introspection.table_names(cursor))
        _check_migrated(tables, f"database {connection.settings_dict['NAME']!r}")
        state = _read_state(execute, tables)
        # pg_dump reads the snapshot this transaction exported, so it sees exactly what was read above.
        _run([pg_dump, "--format=custom", "--no-password", f"--snapshot={exported}", f"--file={target}"], "pg_dump")
    return Snapshot("postgresql", target, **state)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseError(
            f"{name} was not found on the PATH: install the PostgreSQL client programs of the server's major version "
            "(on Debian or Ubuntu: apt-get install postgresql-client) and try again"
        )
    return found


def _libpq_environment() -> dict[str, str]:
    """Where and how to connect, for pg_dump and pg_restore, from Django's settings: in the environment rather than
    on the command line, so the password never shows in a process list."""
    settings = connection.settings_dict
    env = dict(os.environ)  # other PG* variables (PGPASSFILE, PGSSLMODE...) apply as they do to Django's connection
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings.get(key):
            env[variable] = str(settings[key])
    env["PGDATABASE"] = str(settings["NAME"])
    for option in _LIBPQ_OPTIONS:
        if settings.get("OPTIONS", {}).get(option):
            env[f"PG{option.upper()}"] = str(settings["OPTIONS"][option])
    return env


def _run(command: list[str], name: str) -> None:
    done = subprocess.run(command, env=_libpq_environment(), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = done.stderr.strip() or done.stdout.strip() or "no message"
        raise DatabaseError(f"{name} failed (exit code {done.returncode}): {detail}")


def contents() -> dict[str, int]:
    """What the database holds that a restore would replace: counts of the things people would miss, those that are
    not zero. An empty dict for a new or empty database."""
    tables = set(connection.introspection.table_names())
    counts: dict[str, int] = {}
    for label, model in (
        ("members", Member),
        ("cases", Case),
        ("user accounts", User),
        ("evidence files", StoredFile),
        ("audit log entries", AuditEvent),
    ):
        if model._meta.db_table in tables:
            count = model.objects.count()
            if count:
                counts[label] = count
    return counts


def known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def restore(staged: Path) -> None:
    """Replace the database's whole content with the copy at `staged`. On PostgreSQL it is one transaction: a
    failure leaves the database as it was."""
    connections.close_all()
    if engine() == "sqlite":
        _sqlite_restore(staged)
    else:
        _postgres_restore(staged)
    connections.close_all()


def _postgres_restore(staged: Path) -> None:
    """The dump as SQL, run by psql in one transaction after emptying the schema. Not `pg_restore --clean`: that
    drops only what the dump holds, so tables a newer version added (an older backup restored over an upgraded
    database) would stay, holding keys into tables being replaced, and the migrations after would fail on them."""
    script = staged.with_name(staged.name + ".sql")
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(staged)], "pg_restore")
    _run(
        [
            _tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--no-password",
            "--set=ON_ERROR_STOP=1",
            "--single-transaction",
            "--command=DROP SCHEMA public CASCADE",
            "--command=CREATE SCHEMA public",
            f"--file={script}",
        ],
        "psql",
    )


def _sqlite_restore(staged: Path) -> None:
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Through the backup API, not a file copy: a stale -wal file beside the old database would otherwise be replayed
    # into the new one. The backup writes through SQLite's own locking and journal.
    source = sqlite3.connect(staged)
    destination = sqlite3.connect(target, timeout=60)
    try:
        source.backup(destination)
    except sqlite3.Error as exc:
        raise DatabaseError(f"the database could not be written at {target}: {exc}") from exc
    finally:
        destination.close()
        source.close()
