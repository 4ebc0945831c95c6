"""Importing members at national size: 500,000 rows from a CSV, against a raw bulk insert of the same rows.

Run: .venv/bin/python benchmarks/import_members.py [--members 500000]

Writes N synthetic members (and 600 branches in 12 regions) as CSV files in a temporary folder, makes a fresh
database (SQLite in that folder; with DATABASE_URL set, a throwaway PostgreSQL database on that server, dropped
afterwards), loads the example rulebook and imports the branches. Then it times, in one run on one database:

- the baseline: the same member rows, already parsed into tuples, inserted into the same table in one transaction
  with cursor.executemany (SQLite) or COPY (PostgreSQL), then deleted again;
- `import_members` on the file: reading, checking every cell, upserting, one audit entry;
- the same file again (every row unchanged), and a dry run of it.

Prints rows per second for each and the ratio of the import's time to the baseline's (machines are shared and
noisy; the ratio measured in one run is what compares between machines). Targets: the import under 60 s for
500,000 rows on SQLite on a 2-core machine, and within 3x the baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REGIONS, BRANCHES_PER_REGION = 12, 50
STATUSES = ["active"] * 90 + ["lapsed"] * 6 + ["resigned"] * 3 + ["suspended"]
OFFICES = ["councillor", "branch-officer", "candidate"]
FIELDS = ["membership_number", "name", "email", "branch", "status", "joined", "left_on"]


def _branch_codes() -> list[tuple[str, str, str, str]]:
    return [
        (f"region-{r:02d}", f"Region {r:02d}", f"branch-{r:02d}-{b:03d}", f"Branch {r:02d}/{b:03d}")
        for r in range(REGIONS)
        for b in range(BRANCHES_PER_REGION)
    ]


def _write_files(folder: Path, members: int) -> tuple[Path, Path, list[tuple]]:
    """The units file, the members file, and the member rows as the baseline inserts them."""
    units = folder / "units.csv"
    branches = _branch_codes()
    with units.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["region_code", "region_name", "branch_code", "branch_name"])
        writer.writerows(branches)
    rng = random.Random(8)
    first = ["Ada", "Ben", "Chloé", "Dev", "Eilidh", "Femi", "Gráinne", "Hal", "Ines", "Jo", "Kwame", "Lena"]
    last = ["Smith", "Jones", "Ó Briain", "Patel", "Nowak", "Evans", "Okafor", "Müller", "Khan", "Reid"]
    start = date(1980, 1, 1)
    path = folder / "members.csv"
    rows = []
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*FIELDS, "offices"])
        for n in range(members):
            number = f"M{n:07d}"
            name = f"{rng.choice(first)} {rng.choice(last)}"
            email = f"member{n}@example.org" if n % 10 else ""
            status = rng.choice(STATUSES)
            joined = start + timedelta(days=rng.randrange(16_000))
            left = joined + timedelta(days=rng.randrange(1, 2000)) if status in {"lapsed", "resigned"} else None
            office = rng.choice(OFFICES) if n % 100 == 0 else ""
            branch = branches[rng.randrange(len(branches))][2]
            writer.writerow([number, name, email, branch, status, joined.isoformat(), left or "", office])
            rows.append((number, name, email, branch, status, joined, left))
    return units, path, rows


def _setup(folder: Path) -> str | None:
    """A fresh database; returns the throwaway PostgreSQL database's name, to drop at the end."""
    os.environ["FAIRHEARING_DATA_DIR"] = str(folder)
    (folder / "static").mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fairhearing.settings"
    os.environ.setdefault("FAIRHEARING_SECRET_KEY", "benchmark-only-" + "x" * 40)
    throwaway = None
    if os.environ.get("DATABASE_URL"):
        import psycopg

        server = os.environ["DATABASE_URL"]
        throwaway = f"fairhearing_bench_import_{os.getpid()}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{throwaway}"')
        os.environ["DATABASE_URL"] = server.rsplit("/", 1)[0] + "/" + throwaway
        os.environ["FAIRHEARING_BENCH_SERVER"] = server
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from fairhearing.organisation.services import load_rulebook_version

    load_rulebook_version(settings.EXAMPLE_RULEBOOK.read_text(encoding="utf-8"))
    return throwaway


def _drop(throwaway: str | None) -> None:
    if throwaway is None:
        return
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(os.environ["FAIRHEARING_BENCH_SERVER"], autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{throwaway}"')


def _baseline(rows: list[tuple]) -> float:
    """The same rows into the same table, as fast as the database takes them; then removed again."""
    from django.db import connection, transaction

    from fairhearing.organisation.models import Branch, Member

    branch_ids = dict(Branch.objects.values_list("code", "id"))
    ready = [(n, name, email, branch_ids[b], status, joined, left) for n, name, email, b, status, joined, left in rows]
    table = Member._meta.db_table
    columns = ", ".join(["membership_number", "name", "email", "branch_id", "status", "joined", "left_on"])
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in ready:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s)", ready)  # noqa: S608
    took = time.perf_counter() - started
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    return took


def _timed(path: Path, **options):
    from fairhearing.imports.members import import_members

    started = time.perf_counter()
    result = import_members(path, actor=None, label="benchmark", **options)
    took = time.perf_counter() - started
    if not result.ok:
        raise SystemExit("the import found problems:\n" + "\n".join(map(str, result.report.problems[:10])))
    return took, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--json", action="store_true", help="end with the figures as one line of JSON")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fairhearing-bench-import-"))
    throwaway = _setup(folder)
    try:
        figures = _run(folder, args.members)
        if args.json:
            print(json.dumps(figures))
    finally:
        _drop(throwaway)


def _run(folder: Path, members: int) -> dict[str, float]:
    from django.db import connection

    from fairhearing.imports.units import import_units
    from fairhearing.organisation.models import Member

    started = time.perf_counter()
    units, path, rows = _write_files(folder, members)
    assert import_units(units, actor=None, label="benchmark").ok
    print(
        f"({members:,} members written to {path.stat().st_size / 1e6:.0f} MB of CSV in "
        f"{time.perf_counter() - started:.0f} s; database: {connection.vendor}; {os.cpu_count()} CPU cores)"
    )
    baseline = _baseline(rows)
    first, result = _timed(path)
    assert result.created == members and Member.objects.count() == members
    again, repeat = _timed(path)
    assert repeat.unchanged == members
    dry, _ = _timed(path, dry_run=True)
    raw = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(f"{'run':<40} {'seconds':>8} {'rows/s':>10} {'x baseline':>10}")
    for name, took in [
        (f"baseline: raw {raw} of the rows", baseline),
        ("import_members, empty table (created)", first),
        ("import_members again (all unchanged)", again),
        ("import_members --dry-run (unchanged)", dry),
    ]:
        print(f"{name:<40} {took:>8.1f} {members / took:>10,.0f} {took / baseline:>10.2f}")
    ratio = first / baseline
    print(
        f"target: {members:,} rows under 60 s: {'met' if first < 60 else 'MISSED'} ({first:.1f} s); "
        f"within 3x the baseline: {'met' if ratio <= 3 else 'MISSED'} ({ratio:.2f}x)"
    )
    return {"rows": members, "seconds": first, "rate": members / first, "ratio": ratio}


if __name__ == "__main__":
    main()
