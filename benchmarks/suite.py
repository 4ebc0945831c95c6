"""fairhearing at national size, every figure in one table: run it as `benchmarks/run`.

Run: benchmarks/run [--members 500000] [--cases 50000] [--engines sqlite,postgresql] [--load-seconds 60]
                    [--requests 40] [--markdown FILE] [--keep DIR] [--keep-database NAME]

For each database engine, in a child process of its own (Django's settings are per process):

1. builds the demo organisation at that size (`fairhearing demo --members ... --cases ... --no-serve`) in a fresh
   data folder (SQLite) or a fresh database made on the PostgreSQL server of `--postgres` and dropped afterwards;
2. times the pages people use most, in-process through Django's test client as the signed-in user each is for
   (the server's own time: routing, the access policy, the queries, the template, and the audit entry a case view
   writes): the staff dashboard, the oversight dashboard, the case list with filters and with a search, a case page,
   the member portal and a member's case page, and the public statistics. Target: median under 100 ms, 95th
   percentile under 250 ms;
3. appends to and verifies the real audit log, beside raw `hashlib.sha256` over the same entries' bytes;
4. searches precedents for decided cases (the index is built on the first search, timed apart), runs the whole
   consistency analysis and publishes a quarter's transparency report (figures, disclosure control, HTML, PDF);
5. serves the API with `fairhearing serve` (gunicorn) on loopback and loads it for --load-seconds with `wrk`
   (Debian's package: `apt-get install wrk`) from --connections connections, over a mix of case lists, case
   records, timelines and the audit checkpoint with a staff token, counting every error; the baseline is the same
   load on `/healthz`, the cheapest answer the same server gives. Target: zero errors.

Then the import benchmarks (`import_members.py`, `import_cases.py`) run for each engine, and one table is printed:
each figure beside its baseline (a ratio measured in the same run, as the machines are shared and noisy) or its
target. `--markdown FILE` also writes the table as Markdown, with the machine it ran on.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
TODAY = date(2026, 11, 30)  # the demo's history runs up to here, so every run builds the same organisation
PAGE_MEDIAN_MS, PAGE_P95_MS = 100.0, 250.0


# --- the parent: one child per engine, the import benchmarks, the table ----------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500_000)
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--engines", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres", help="server URL")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per page")
    parser.add_argument("--load-seconds", type=int, default=60, help="how long wrk loads the API")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn processes serving the API")
    parser.add_argument("--markdown", type=Path, help="also write the table as Markdown to this file")
    parser.add_argument("--keep", type=Path, help="keep the SQLite data folder here (reused when it holds a demo)")
    parser.add_argument(
        "--keep-database",
        help="PostgreSQL: build in this database and keep it, with its data folder (keys) beside it in the system's "
        "temporary folder as fairhearing-bench-NAME (reused when it holds a demo)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - {"sqlite", "postgresql"}
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    if shutil.which("wrk") is None:
        parser.error("wrk is needed for the API load: apt-get install wrk")
    started = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    for engine in engines:
        print(f"== {engine}: building {args.members:,} members and {args.cases:,} cases, then measuring", flush=True)
        results[engine] = _run_engine(engine, args)
        results[engine] |= _imports(engine, args)
    table = _table(results, engines)
    print()
    print(table)
    print(f"\n(all of it took {(time.perf_counter() - started) / 60:.0f} minutes)")
    if args.markdown:
        args.markdown.write_text(_markdown(table, args), encoding="utf-8")
        print(f"wrote {args.markdown}")


def _run_engine(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    folder = _kept_folder(engine, args) or Path(tempfile.mkdtemp(prefix="fairhearing-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRHEARING_")}
    env |= {"FAIRHEARING_DATA_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "fairhearing.settings"}
    env.pop("DATABASE_URL", None)
    database = None
    if engine == "postgresql":
        database = args.keep_database or f"fairhearing_bench_{uuid.uuid4().hex[:8]}"
        if not _postgres_has(args.postgres, database):
            _postgres(args.postgres, f'CREATE DATABASE "{database}"')
        elif not (folder / "audit_signing_key").exists():
            raise SystemExit(
                f"the kept database {database} is there but its data folder {folder}, with the keys that signed its "
                f"audit log, is not: drop the database (dropdb {database}) or give another --keep-database name"
            )
        env["DATABASE_URL"] = _with_database(args.postgres, database)
    out = folder / "figures.json"
    command = [sys.executable, __file__, "--child", engine, "--out", str(out)]
    command += ["--members", str(args.members), "--cases", str(args.cases), "--requests", str(args.requests)]
    command += ["--load-seconds", str(args.load_seconds), "--connections", str(args.connections)]
    command += ["--workers", str(args.workers)]
    try:
        subprocess.run(command, env=env, check=True, cwd=ROOT)
        return json.loads(out.read_text())
    finally:
        if database and database != args.keep_database:
            _postgres(args.postgres, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if folder != _kept_folder(engine, args):
            shutil.rmtree(folder, ignore_errors=True)


def _kept_folder(engine: str, args: argparse.Namespace) -> Path | None:
    """The data folder to keep, if any: a kept database is only usable with the keys that signed its audit log."""
    if engine == "sqlite":
        return args.keep
    if args.keep_database:
        return Path(tempfile.gettempdir()) / f"fairhearing-bench-{args.keep_database}"
    return None


def _imports(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    """The import benchmarks at the same size, each in its own throwaway database, as JSON."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    members = [sys.executable, str(ROOT / "benchmarks/import_members.py"), "--members", str(args.members), "--json"]
    cases = [sys.executable, str(ROOT / "benchmarks/import_cases.py"), "--cases", str(args.cases), "--json"]
    if engine == "postgresql":
        env["DATABASE_URL"] = args.postgres
        cases += ["--postgres", args.postgres]
    figures: dict[str, Any] = {}
    for name, command in (("import_members", members), ("import_cases", cases)):
        print(f"== {engine}: {name}", flush=True)
        done = subprocess.run(command, env=env, check=True, cwd=ROOT, capture_output=True, text=True)
        figures[name] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _postgres(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def _postgres_has(url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _with_database(url: str, name: str) -> str:
    return re.sub(r"/[^/?]*(\?|$)", f"/{name}\\1", url.rstrip("/"), count=1) if "/" in url.split("@")[-1] else url


# --- the table ------------------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _rate(value: float) -> str:
    return f"{value:,.0f}/s"


def _seconds(value: float) -> str:
    return f"{value:,.1f} s"


def _table(results: dict[str, dict[str, Any]], engines: list[str]) -> str:
    """Rows of (figure, one value per engine, baseline or target, verdict)."""
    rows: list[tuple[str, list[str], str, str]] = []

    def add(label: str, values: list[str], against: str, verdicts: list[bool | None]) -> None:
        judged = [v for v in verdicts if v is not None]
        verdict = "" if not judged else "met" if all(judged) else "MISSED"
        rows.append((label, values, against, verdict))

    def each(key: str) -> list[Any]:
        return [_dig(results[e], key) for e in engines]

    add("demo build", [_seconds(v) for v in each("build.seconds")], "reported", [None])
    add(
        "members / cases",
        [f"{m:,} / {c:,}" for m, c in zip(each("size.members"), each("size.cases"), strict=True)],
        "",
        [None],
    )
    add("audit log entries", [f"{v:,}" for v in each("size.audit_entries")], "about 1,000,000", [None])
    add("database size", [f"{v / 1e9:.2f} GB" for v in each("size.database_bytes")], "", [None])
    for page in _first(results, engines)["pages"]:
        medians = each(f"pages.{page}.median_ms")
        p95s = each(f"pages.{page}.p95_ms")
        add(
            f"page: {page} (median / p95)",
            [f"{_ms(m)} / {_ms(p)}" for m, p in zip(medians, p95s, strict=True)],
            f"< {PAGE_MEDIAN_MS:.0f} ms / < {PAGE_P95_MS:.0f} ms",
            [m < PAGE_MEDIAN_MS and p < PAGE_P95_MS for m, p in zip(medians, p95s, strict=True)],
        )
    add(
        "API under load: requests/s (errors)",
        [f"{_rate(r)} ({e:,})" for r, e in zip(each("load.api.rate"), each("load.api.errors"), strict=True)],
        "0 errors",
        [e == 0 for e in each("load.api.errors")],
    )
    add(
        "API under load: median / p99 latency",
        [f"{_ms(m)} / {_ms(p)}" for m, p in zip(each("load.api.median_ms"), each("load.api.p99_ms"), strict=True)],
        "",
        [None],
    )
    add(
        "/healthz under the same load (baseline)",
        [f"{_rate(r)} ({e:,})" for r, e in zip(each("load.health.rate"), each("load.health.errors"), strict=True)],
        "API / baseline: "
        + ", ".join(f"{a / b:.2f}" for a, b in zip(each("load.api.rate"), each("load.health.rate"), strict=True)),
        [None],
    )
    add(
        "audit append, one entry per transaction",
        [_rate(v) for v in each("audit.append_rate")],
        "raw sha256: " + ", ".join(_rate(v) for v in each("audit.raw_rate")),
        [None],
    )
    add(
        "audit verify, whole log",
        [_rate(v) for v in each("audit.verify_rate")],
        "verify / raw sha256: "
        + ", ".join(f"{v / r:.3f}" for v, r in zip(each("audit.verify_rate"), each("audit.raw_rate"), strict=True)),
        [None],
    )
    add(
        "precedent search (median / p95)",
        [f"{_ms(m)} / {_ms(p)}" for m, p in zip(each("precedents.median_ms"), each("precedents.p95_ms"), strict=True)],
        f"< {PAGE_MEDIAN_MS:.0f} ms median",
        [m < PAGE_MEDIAN_MS for m in each("precedents.median_ms")],
    )
    add("precedent index, built once", [_seconds(v) for v in each("precedents.index_seconds")], "reported", [None])
    add("consistency analysis, whole history", [_seconds(v) for v in each("analysis.seconds")], "reported", [None])
    add("transparency report for a quarter", [_seconds(v) for v in each("report.seconds")], "reported", [None])
    add(
        "import members: rows/s",
        [_rate(v) for v in each("import_members.rate")],
        "x raw insert: " + ", ".join(f"{v:.2f}" for v in each("import_members.ratio")),
        [s < 60 for s in each("import_members.seconds")],
    )
    add(
        "import cases: rows/s",
        [_rate(v) for v in each("import_cases.rate")],
        "x raw insert: " + ", ".join(f"{v:.2f}" for v in each("import_cases.ratio")),
        [s < 120 for s in each("import_cases.seconds")],
    )

    header = ["figure", *engines, "baseline or target", ""]
    body = [[label, *values, against, verdict] for label, values, against, verdict in rows]
    widths = [max(len(str(r[i])) for r in [header, *body]) for i in range(len(header))]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *body]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _dig(figures: dict[str, Any], key: str) -> Any:
    value: Any = figures
    for part in key.split("."):
        value = value[part]
    return value


def _first(results: dict[str, dict[str, Any]], engines: list[str]) -> dict[str, Any]:
    return results[engines[0]]


def _markdown(table: str, args: argparse.Namespace) -> str:
    lines = table.splitlines()
    header, body = lines[0], lines[2:]
    cells = [[c.strip() for c in line.split(" | ")] for line in [header, *body]]
    rows = ["| " + " | ".join(cells[0]) + " |", "|" + "---|" * len(cells[0])]
    rows += ["| " + " | ".join(c) + " |" for c in cells[1:]]
    command = f"benchmarks/run --members {args.members} --cases {args.cases} --engines {args.engines}"
    return "\n".join([f"Measured with `{command}` on {machine()}.", "", *rows, ""])


# --- a child: one engine ----------------------------------------------------------------------------------------


def _child(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from fairhearing.organisation.models import Member

    figures: dict[str, Any] = {"engine": args.child}
    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    if not Member.objects.exists():
        call_command(
            "demo", members=args.members, cases=args.cases, today=TODAY, no_serve=True, seed=1, stdout=sys.stderr
        )
    figures["build"] = {"seconds": time.perf_counter() - started}
    figures["size"] = _size()
    _say(f"built: {figures['size']}")
    figures["pages"] = _pages(args.requests)
    _say("pages timed")
    figures["audit"] = _audit()
    _say("audit timed")
    figures["precedents"] = _precedents()
    figures["analysis"], figures["report"] = _analysis_and_report()
    _say("analysis and report timed")
    figures["load"] = _load(args)
    _say("load done")
    args.out.write_text(json.dumps(figures, indent=1))


def _say(text: str) -> None:
    print(f"   {text}", file=sys.stderr, flush=True)


def _size() -> dict[str, int]:
    from django.conf import settings
    from django.db import connection

    from fairhearing.audit.log import current_head
    from fairhearing.cases.models import Case
    from fairhearing.organisation.models import Member

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    else:
        path = Path(settings.DATABASES["default"]["NAME"])
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return {
        "members": Member.objects.count(),
        "cases": Case.objects.count(),
        "audit_entries": current_head().size,
        "database_bytes": size,
    }


def _signed_in(user):
    """A test client signed in as `user`, past the staff one-time code as a real session would be."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _pages(requests: int) -> dict[str, dict[str, float]]:
    from fairhearing.accounts.models import User
    from fairhearing.cases.models import Case
    from fairhearing.transparency.models import Release

    officer = User.objects.get(username="caseofficer")
    oversight = User.objects.get(username="oversight")
    member = User.objects.get(username="member")
    open_case = Case.objects.filter(closed_at__isnull=True).order_by("-received_at").first()
    own_case = Case.objects.filter(respondent=member.member).order_by("-received_at").first()
    release = Release.objects.order_by("-ends_on").first()
    staff, watcher, party, public = _signed_in(officer), _signed_in(oversight), _signed_in(member), _public()
    pages = {
        "staff dashboard": (staff, "/work/"),
        "oversight dashboard": (watcher, "/oversight/"),
        "case list, filtered": (staff, "/cases/?stage=hearing&stage=investigation&overdue=on&sort=due"),
        "case list, search": (staff, "/cases/?q=branch+meeting"),
        "case page": (staff, f"/cases/{open_case.reference}/"),
        "member portal": (party, "/portal/"),
        "member's case page": (party, f"/portal/cases/{own_case.reference}/"),
        "public statistics": (public, "/statistics/"),
        "public statistics, a report": (public, f"/statistics/{release.slug}/"),
    }
    return {name: _time_page(client, url, requests) for name, (client, url) in pages.items()}


def _public():
    from django.test import Client

    return Client(HTTP_HOST="localhost")


def _time_page(client, url: str, requests: int) -> dict[str, float]:
    for _ in range(2):
        client.get(url)  # warm the caches a running server would have warm
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return {"median_ms": statistics.median(times), "p95_ms": _percentile(times, 95)}


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def _audit() -> dict[str, float]:
    """Appends, each in its own transaction as an action's would be (rolled back afterwards, so the demo's log is
    left as it was), and a verification of the whole log; beside raw sha256 over the entries' canonical bytes."""
    from django.db import transaction

    from fairhearing.audit import log as audit
    from fairhearing.audit.models import AuditEvent
    from fairhearing.audit.verify import verify_log

    appends = 1000
    with transaction.atomic():
        start = time.perf_counter()
        for i in range(appends):
            with transaction.atomic():
                audit.record(None, "benchmark.append", "benchmark", i, summary="A benchmark entry.")
        append_seconds = time.perf_counter() - start
        transaction.set_rollback(True)

    start = time.perf_counter()
    verified = verify_log()
    verify_seconds = time.perf_counter() - start

    entries = [audit.canonical_entry(e) for e in AuditEvent.objects.order_by("index").iterator(chunk_size=5000)]
    start = time.perf_counter()
    for entry in entries:
        hashlib.sha256(b"\x00" + entry).digest()
    raw_seconds = time.perf_counter() - start
    return {
        "append_rate": appends / append_seconds,
        "verify_rate": verified.size / verify_seconds,
        "verify_seconds": verify_seconds,
        "raw_rate": len(entries) / raw_seconds,
    }


def _precedents() -> dict[str, float]:
    from fairhearing.analysis.precedent_lookup import forget_index, precedents_for
    from fairhearing.cases.models import Case

    decided = list(Case.objects.filter(decisions__isnull=False).distinct().order_by("?")[:41])
    forget_index()
    start = time.perf_counter()
    precedents_for(decided[0])
    first = time.perf_counter() - start
    times = []
    for case in decided[1:]:
        start = time.perf_counter()
        precedents_for(case)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "index_seconds": first,
        "median_ms": statistics.median(times),
        "p95_ms": _percentile(times, 95),
    }


def _analysis_and_report() -> tuple[dict[str, float], dict[str, float]]:
    from django.core.management import call_command

    from fairhearing.analysis.models import AnalysisTrigger
    from fairhearing.analysis.services import refresh_analysis

    start = time.perf_counter()
    refresh_analysis(trigger=AnalysisTrigger.COMMAND)
    analysis = time.perf_counter() - start
    # The last quarter that has ended: the demo publishes only last year's report, so this one is new.
    current = (TODAY.month - 1) // 3
    period = f"{TODAY.year}Q{current}" if current else f"{TODAY.year - 1}Q4"
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        call_command("report", period=period, out=Path(out), stdout=sys.stderr)
        report = time.perf_counter() - start
    return {"seconds": analysis}, {"seconds": report, "period": period}


# --- the API under load -----------------------------------------------------------------------------------------

LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1], {["Authorization"] = "Bearer %s", ["Host"] = "localhost"})
end
"""


def _load(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    from fairhearing.accounts.models import User
    from fairhearing.api.tokens import issue_token
    from fairhearing.cases.models import Case

    officer = User.objects.get(username="caseofficer")
    token = issue_token(officer, name="benchmark", scope="read", days=1).secret
    refs = list(Case.objects.order_by("?").values_list("reference", flat=True)[:50])
    paths = ["/api/v1/cases?limit=50", "/api/v1/cases?stage=hearing&limit=50", "/api/v1/audit/checkpoint"]
    paths += [f"/api/v1/cases/{r}" for r in refs[:25]] + [f"/api/v1/cases/{r}/timeline" for r in refs[25:]]
    port = _free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "fairhearing"), "serve", "--port", str(port), "--workers", str(args.workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(port)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % (", ".join(json.dumps(p) for p in paths), token))
        api = _wrk(port, script.name, args.load_seconds, args.connections)
        health = _wrk(port, None, max(10, args.load_seconds // 4), args.connections)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, 15)
        server.wait(timeout=30)
    return {"api": api, "health": health}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int) -> None:
    import urllib.request

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not start")


def _wrk(port: int, script: str | None, seconds: int, connections: int) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    command += ["-s", script] if script else ["-H", "Host: localhost"]
    command.append(f"http://127.0.0.1:{port}" + ("" if script else "/healthz"))
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
        "median_ms": _wrk_ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99_ms": _wrk_ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def machine() -> str:
    return f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


if __name__ == "__main__":
    main()
