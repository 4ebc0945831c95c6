"""Whole fairhearing installations for tests that run the real `fairhearing` command in child processes.

An installation is a data directory (keys, evidence files) and a database of its own: SQLite in the data directory,
or - when the test run itself is on PostgreSQL (`DATABASE_URL=postgresql://...`) - a scratch database made on the
same server for the test and dropped after it. So these tests check the engine the run is on, like the rest.

The demo organisation takes a while to build, so it is built once per test run (`demo_template`) and each test gets
a copy: the data directory copied, the PostgreSQL database made with `CREATE DATABASE ... TEMPLATE`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.helpers import FAIRHEARING

TEST_DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = TEST_DATABASE_URL.startswith(("postgres://", "postgresql://"))
SQLITE_FILE = "fairhearing.sqlite3"


def _url_of(database: str) -> str:
    parts = urlsplit(TEST_DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _server():
    import psycopg

    return psycopg.connect(_url_of("postgres"), autocommit=True)


def _create_database(name: str, template: str | None = None) -> None:
    with _server() as server:
        server.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def _drop_database(name: str) -> None:
    with _server() as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Installation:
    data_dir: Path
    database: str | None = None  # the PostgreSQL database's name; None: SQLite in the data directory

    @property
    def engine(self) -> str:
        return "sqlite" if self.database is None else "postgresql"

    @property
    def sqlite_file(self) -> Path:
        return self.data_dir / SQLITE_FILE

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
        env["FAIRHEARING_DATA_DIR"] = str(self.data_dir)
        env["PYTHONUNBUFFERED"] = "1"
        if self.database is not None:
            env["DATABASE_URL"] = _url_of(self.database)
        return env | extra

    def run(self, *args: str, timeout: float = 300, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*FAIRHEARING, *args],
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def popen(self, *args: str, **kwargs: Any) -> subprocess.Popen:
        return subprocess.Popen([*FAIRHEARING, *args], env=self.env(), **kwargs)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        """Read the database directly, as an outsider would (SQL with %s placeholders on both engines)."""
        if self.database is None:
            with sqlite3.connect(self.sqlite_file) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(_url_of(self.database)) as db:
            return db.execute(sql, params or None).fetchall()  # type: ignore[arg-type]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.rows(sql, params)[0][0]

    def wipe(self) -> None:
        """Lose everything: the data directory (keys, evidence files, SQLite database) and the PostgreSQL database,
        which is made again empty, as a new server's would be."""
        shutil.rmtree(self.data_dir)
        self.data_dir.mkdir(mode=0o700)
        if self.database is not None:
            _drop_database(self.database)
            _create_database(self.database)

    def files(self) -> dict[str, str]:
        """Every file of the data directory and its SHA-256, to show that something changed nothing."""
        import hashlib

        return {
            str(path.relative_to(self.data_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.data_dir.rglob("*"))
            if path.is_file()
        }


class Installations:
    """Makes installations under `root`; `close()` drops the PostgreSQL databases made."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.databases: list[str] = []
        self.count = 0

    def new(self, template: Installation | None = None) -> Installation:
        self.count += 1
        data_dir = self.root / f"installation-{self.count}"
        if template is not None:
            shutil.copytree(template.data_dir, data_dir)
        else:
            data_dir.mkdir(parents=True, mode=0o700)
        database = None
        if ON_POSTGRESQL:
            database = f"fh_scratch_{uuid.uuid4().hex[:12]}"
            _create_database(database, template.database if template is not None else None)
            self.databases.append(database)
        return Installation(data_dir, database)

    def close(self) -> None:
        for database in self.databases:
            _drop_database(database)
        self.databases.clear()


_demo: Installation | None = None


def demo_template() -> Installation:
    """A small demo organisation (100 members, 20 cases with evidence, checkpoints signed), built once per test run
    and removed when it ends. Copy it with `Installations.new(template=...)`; never change it."""
    global _demo
    if _demo is None:
        made = Installations(Path(tempfile.mkdtemp(prefix="fairhearing-demo-template-")))
        atexit.register(shutil.rmtree, made.root, True)
        atexit.register(made.close)
        demo = made.new()
        built = demo.run("demo", "--no-serve", "--members", "100", "--cases", "20", "--seed", "1", timeout=600)
        assert built.returncode == 0, built.stdout + built.stderr
        _demo = demo
    return _demo


# The fixtures of the tests that run whole installations (tests/backups, tests/reliability), shared through
# `pytest_plugins` in tests/conftest.py.


@pytest.fixture
def installations(tmp_path):
    made = Installations(tmp_path)
    yield made
    made.close()


@pytest.fixture
def demo(installations) -> Installation:
    """A copy of the small demo organisation, this test's own."""
    return installations.new(template=demo_template())
