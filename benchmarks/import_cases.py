"""Importing historical cases at national size: 50,000 decided cases, against a raw bulk insert of the same rows.

Run: .venv/bin/python benchmarks/import_cases.py [--cases 50000] [--members 40000] [--postgres URL]

Builds a fresh database (SQLite in a throwaway folder; or, with --postgres, a new database created on that server
and dropped at the end) holding the example rulebook, 12 regions, 600 branches and --members members. It writes a
CSV of --cases historical cases with a realistic spread: clauses weighted towards the common, minor ones; the body
the rulebook's own jurisdiction rules and sanction powers give; outcomes by seriousness; about one case in seven
appealed; one respondent in ten missing from the member table (added as a former member); dates from 2022 to 2025.

It then times `import_cases` on that file (reading, checking every row, and writing the cases, allegations,
decisions, timeline entries, search words, former members and the audit log with its Merkle tree), rolls that back,
and times a raw bulk insert of exactly the rows the import wrote into the same tables, in the same run: SQLite
`executemany`, PostgreSQL `COPY`. Both are timed inside their transaction, without the commit. It prints rows of
the file per second for each, and their ratio (the machines are shared and noisy, so the ratio measured in one
run is what compares between machines). The target: well under 2 minutes for 50,000 cases on SQLite.
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

REGIONS = 12
BRANCHES_PER_REGION = 50
START, END = date(2022, 1, 1), date(2025, 12, 31)
# The tables an import of historical cases writes, parents first (foreign keys are checked on insert).
TABLES = [
    "organisation_member",
    "organisation_body",
    "cases_case",
    "cases_allegation",
    "cases_decision",
    "cases_timelineevent",
    "cases_searchterm",
    "audit_auditevent",
    "audit_merklenode",
]
WORDS = [
    *[
        "meeting",
        "branch",
        "post",
        "online",
        "message",
        "councillor",
        "secretary",
        "chair",
        "leaflet",
        "canvass",
        "selection",
        "ballot",
        "vote",
    ],
    *[
        "group",
        "chat",
        "social",
        "media",
        "comment",
        "thread",
        "email",
        "newsletter",
        "rally",
        "conference",
        "speech",
        "motion",
        "minutes",
    ],
    *[
        "treasurer",
        "donation",
        "expenses",
        "data",
        "list",
        "spreadsheet",
        "complaint",
        "witness",
        "volunteer",
        "candidate",
        "agent",
    ],
]
APPEALS = [("none", 86), ("dismissed", 8), ("varied", 3), ("overturned", 3)]
# How likely each outcome is, by the case's seriousness.
OUTCOMES = {
    "minor": [("no-action", 30), ("advice", 40), ("warning", 25), ("final-warning", 5)],
    "moderate": [("no-action", 20), ("advice", 25), ("warning", 35), ("final-warning", 15), ("suspension", 5)],
    "serious": [("no-action", 15), ("advice", 10), ("warning", 25), ("final-warning", 25), ("suspension", 25)],
    "grave": [("no-action", 10), ("warning", 10), ("final-warning", 20), ("suspension", 35), ("expulsion", 25)],
}
OFFICES = [("", 84), ("councillor", 9), ("branch-officer", 4), ("candidate", 2), ("mp", 0.5), ("national-officer", 0.5)]


def _pick(rng: random.Random, weighted: list[tuple[str, float]]) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _setup(data_dir: Path, postgres: str | None) -> None:
    os.environ["FAIRHEARING_DATA_DIR"] = str(data_dir)
    (data_dir / "static").mkdir(parents=True, exist_ok=True)
    os.environ.pop("DATABASE_URL", None)
    if postgres:
        os.environ["DATABASE_URL"] = postgres
    os.environ["DJANGO_SETTINGS_MODULE"] = "fairhearing.settings"
    os.environ.setdefault("FAIRHEARING_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _fresh_postgres(url: str) -> tuple[str, str]:
    """A new, empty database on the server of `url`: (its URL, its name)."""
    import psycopg

    base, _, _ = url.rpartition("/")
    name = f"fairhearing_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}", name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _organisation(members: int, rng: random.Random) -> list[tuple[str, str]]:
    """Rulebook, regions, branches (with their bodies) and members; returns (number, branch code) of each."""
    from django.conf import settings

    from fairhearing.organisation.models import Branch, Member, Region
    from fairhearing.organisation.services import load_rulebook_version

    regions = Region.objects.bulk_create(Region(code=f"r{r:02d}", name=f"Region {r:02d}") for r in range(REGIONS))
    branches = Branch.objects.bulk_create(
        Branch(code=f"{region.code}-b{b:02d}", name=f"{region.name} Branch {b:02d}", region=region)
        for region in regions
        for b in range(BRANCHES_PER_REGION)
    )
    load_rulebook_version(settings.EXAMPLE_RULEBOOK.read_text(encoding="utf-8"))  # makes each branch's bodies
    people = [(f"M{n:07d}", rng.choice(branches)) for n in range(members)]
    Member.objects.bulk_create(
        (
            Member(membership_number=number, name=f"Member {number[1:]}", branch=branch, joined=date(2015, 1, 1))
            for number, branch in people
        ),
        batch_size=5000,
    )
    return [(number, branch.code) for number, branch in people]


def _rows(count: int, people: list[tuple[str, str]], rng: random.Random) -> list[dict[str, str]]:
    from fairhearing.organisation.selectors import current_rulebook_version
    from fairhearing.procedure.jurisdiction import route
    from fairhearing.procedure.sanctions import hearing_body_for

    rulebook = current_rulebook_version().rulebook
    clauses = [(c.id, {"minor": 8, "moderate": 5, "serious": 3, "grave": 1}[c.seriousness]) for c in rulebook.clauses]
    by_id = {c.id: c for c in rulebook.clauses}
    aggravating = [f.id for f in rulebook.guidelines.aggravating]
    mitigating = [f.id for f in rulebook.guidelines.mitigating]
    span = (END - START).days - 400
    rows = []
    for n in range(count):
        if rng.random() < 0.1:
            number, branch = f"OLD{rng.randrange(count // 3):06d}", f"r{rng.randrange(REGIONS):02d}-b00"
        else:
            number, branch = rng.choice(people)
        chosen = list(dict.fromkeys(_pick(rng, clauses) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))))
        office = _pick(rng, OFFICES)
        routing = route(rulebook, chosen, [office] if office else [])
        outcome = _pick(rng, OUTCOMES[routing.seriousness])
        appeal = _pick(rng, APPEALS) if outcome != "no-action" else "none"
        conduct = START + timedelta(days=rng.randrange(span))
        received = conduct + timedelta(days=rng.randrange(0, 60))
        decided = received + timedelta(days=rng.randrange(20, 200))
        closed = decided + timedelta(days=rng.randrange(0, 30) + (rng.randrange(30, 90) if appeal != "none" else 0))
        rows.append(
            {
                "case_ref": f"HIST-{n + 1:06d}",
                "membership_number": number,
                "respondent_offices": office,
                "region": branch.split("-")[0] if rng.random() < 0.5 else "",
                "branch": branch,
                "body": hearing_body_for(rulebook, routing.body_id, outcome),
                "received_date": received.isoformat(),
                "conduct_date": conduct.isoformat(),
                "clauses": ";".join(chosen),
                "category": by_id[chosen[0]].category,
                "aggravating": ";".join(rng.sample(aggravating, rng.choice((0, 0, 1, 2)))),
                "mitigating": ";".join(rng.sample(mitigating, rng.choice((0, 1, 1, 2)))),
                "allegation": " ".join(rng.choices(WORDS, k=rng.randrange(6, 20))).capitalize() + ".",
                "outcome": outcome,
                "suspension_days": str(rng.randrange(30, 720)) if outcome == "suspension" else "",
                "decided_date": decided.isoformat(),
                "decided_by": rng.choice(("", "Panel of three", "Disputes panel", "The chair")),
                "appeal_outcome": appeal,
                "closed_date": closed.isoformat(),
            }
        )
    return rows


def _write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    from fairhearing.imports.case_rows import COLUMNS

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _last_ids() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        found = {}
        for table in TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our own table names
            found[table] = cursor.fetchone()[0]
        return found


def _written(after: dict[str, int]) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row the import added, as the database holds it: (columns, rows) per table. On PostgreSQL each value
    comes back as its text form, which COPY reads back exactly."""
    from django.db import connection

    dumped = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            quoted = [connection.ops.quote_name(c) for c in columns]
            shown = ", ".join(f"{c}::text" if connection.vendor == "postgresql" else c for c in quoted)
            cursor.execute(f"SELECT {shown} FROM {table} WHERE id > %s ORDER BY id", [after[table]])  # noqa: S608
            dumped[table] = (columns, cursor.fetchall())
    return dumped


def _raw_insert(dumped: dict[str, tuple[list[str], list[tuple]]]) -> None:
    from django.db import connection

    raw = connection.connection  # the driver's own connection: nothing of Django's between us and the database
    cursor = raw.cursor()
    for table, (columns, rows) in dumped.items():
        if not rows:
            continue
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--members", type=int, default=40_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a fresh database is made on it and dropped")
    parser.add_argument("--json", action="store_true", help="end with the figures as one line of JSON")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fairhearing-bench-"))
    fresh = _fresh_postgres(args.postgres) if args.postgres else None
    try:
        _setup(folder, fresh[0] if fresh else None)
        figures = _run(args, folder)
        if args.json:
            print(json.dumps(figures))
    finally:
        if fresh:
            _drop_postgres(args.postgres, fresh[1])


def _run(args: argparse.Namespace, folder: Path) -> dict[str, float]:
    from django.db import connection, transaction

    from fairhearing.imports.cases import import_cases

    rng = random.Random(2026)
    started = time.perf_counter()
    people = _organisation(args.members, rng)
    path = folder / "historical-cases.csv"
    _write_csv(path, _rows(args.cases, people, rng))
    print(
        f"({connection.vendor}: {args.members:,} members, {REGIONS * BRANCHES_PER_REGION} branches and a "
        f"{path.stat().st_size / 1e6:.1f} MB file of {args.cases:,} cases made in "
        f"{time.perf_counter() - started:.0f} s)"
    )
    with transaction.atomic():
        before = _last_ids()
        start = time.perf_counter()
        result = import_cases(path, actor=None, label="benchmark")
        imported = time.perf_counter() - start
        if not result.ok:
            raise SystemExit("\n".join(str(p) for p in result.report.problems[:20]))
        dumped = _written(before)
        transaction.set_rollback(True)  # the same rows go in again below, raw
    with transaction.atomic():
        start = time.perf_counter()
        _raw_insert(dumped)
        raw = time.perf_counter() - start
    written = sum(len(rows) for _, rows in dumped.values())
    print(result.summary())
    for warning in result.report.warnings:
        print(f"  {str(warning)[:150]}")
    print(f"database rows written per case: {written / args.cases:.1f} ({written:,} in all)")
    for table, (_, rows) in dumped.items():
        print(f"  {table:<24} {len(rows):>9,}")
    baseline = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(f"{'':<28} {'seconds':>8} {'cases/s':>9}")
    print(f"{'import_cases':<28} {imported:>8.1f} {args.cases / imported:>9,.0f}")
    print(f"{f'raw {baseline}, same rows':<28} {raw:>8.1f} {args.cases / raw:>9,.0f}")
    print(f"ratio (import / raw): {imported / raw:.1f}x")
    return {"rows": args.cases, "seconds": imported, "rate": args.cases / imported, "ratio": imported / raw}


if __name__ == "__main__":
    main()
