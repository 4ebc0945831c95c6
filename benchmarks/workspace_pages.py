"""The staff workspace at national size: page latency with 1,000 and with 50,000 cases in the database.

Run: .venv/bin/python benchmarks/workspace_pages.py [--cases 50000] [--requests 40]

Builds the demo organisation (5,000 members, 200 cases driven through the real procedure) in a throwaway SQLite
database, times each page, then copies those cases (with their allegations, evidence rows and timelines) in bulk
until the database holds --cases cases, and times the same pages again. Pages are requested in-process through
Django's test client as a signed-in case officer (one-time code verified), so the figures are the server's own
time: URL routing, the access policy, the queries and the template, without network or browser.

Prints, for each page, the median and 95th percentile at the small size and at the large one, and their ratio
(the machines are shared and noisy, so the ratio measured in one run is what compares between machines). The target
for the case list and the case page: median under 100 ms at 50,000 cases.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

SMALL = 1_000


def _setup(data_dir: Path) -> None:
    os.environ["FAIRHEARING_DATA_DIR"] = str(data_dir)
    (data_dir / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise watches it; nothing is collected here
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "fairhearing.settings"
    os.environ.setdefault("FAIRHEARING_SECRET_KEY", "benchmark-only-" + "x" * 40)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _build_demo() -> None:
    from django.conf import settings

    from fairhearing.demo.build import build_demo

    source = settings.EXAMPLE_RULEBOOK.read_text(encoding="utf-8")
    build_demo(source, seed=7, today=date(2026, 11, 1), members=5000, cases=200)


def _grow_to(total: int) -> None:
    """Copy the procedure-built cases (rows only: these are reads) until there are `total`."""
    from django.db import transaction

    from fairhearing.cases.models import Allegation, Case, EvidenceItem, SearchTerm, TimelineEvent
    from fairhearing.procedure.search_terms import index_terms

    templates = list(Case.objects.order_by("pk"))
    allegations = {c.pk: list(c.allegations.all()) for c in templates}
    timelines = {c.pk: list(c.timeline.all()) for c in templates}
    evidence = {c.pk: list(c.evidence.all()) for c in templates}
    # A copy is found by the same words as its original, but by its own reference.
    words = {c.pk: set(c.search_terms.values_list("term", flat=True)) - index_terms(c.reference) for c in templates}
    have = Case.objects.count()
    serial = have
    with transaction.atomic():
        while have < total:
            batch = []
            for template in templates[: min(len(templates), total - have)]:
                serial += 1
                copy = Case(**{f.attname: getattr(template, f.attname) for f in Case._meta.concrete_fields})
                copy.pk = None
                copy.reference = f"FH-BULK-{serial:07d}"
                batch.append((template.pk, copy))
            Case.objects.bulk_create([c for _, c in batch], batch_size=2000)
            rows_a, rows_t, rows_e, rows_s = [], [], [], []
            for template_pk, copy in batch:
                terms = words[template_pk] | index_terms(copy.reference)
                rows_s += [SearchTerm(case=copy, term=term) for term in terms]
                for a in allegations[template_pk]:
                    rows_a.append(
                        Allegation(case=copy, clause=a.clause, particulars=a.particulars, conduct_date=a.conduct_date)
                    )
                for e in timelines[template_pk]:
                    rows_t.append(
                        TimelineEvent(
                            case=copy,
                            at=e.at,
                            kind=e.kind,
                            actor_label=e.actor_label,
                            stage_from=e.stage_from,
                            stage_to=e.stage_to,
                            summary=e.summary,
                            data=e.data,
                        )
                    )
                for item in evidence[template_pk]:
                    fields = {f.attname: getattr(item, f.attname) for f in EvidenceItem._meta.concrete_fields}
                    fields.update(id=None, case_id=copy.pk)
                    rows_e.append(EvidenceItem(**fields))
            Allegation.objects.bulk_create(rows_a, batch_size=2000)
            TimelineEvent.objects.bulk_create(rows_t, batch_size=2000)
            EvidenceItem.objects.bulk_create(rows_e, batch_size=2000)
            SearchTerm.objects.bulk_create(rows_s, batch_size=5000)
            have += len(batch)


def _client():
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fairhearing.accounts.models import User

    officer = User.objects.filter(groups__name="case_officer").order_by("pk").first()
    client = Client(HTTP_HOST="localhost")
    client.force_login(officer)
    device = TOTPDevice.objects.filter(user=officer, confirmed=True).first() or TOTPDevice.objects.create(
        user=officer, name="benchmark", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _pages() -> dict[str, str]:
    from fairhearing.cases.models import Case

    middle = Case.objects.filter(reference__startswith="FH-2").order_by("pk")[100]
    return {
        "my work": "/work/",
        "case list": "/cases/",
        "case list, filtered": "/cases/?stage=hearing&stage=investigation&overdue=on&sort=due",
        "case list, search": "/cases/?q=branch+meeting",
        "case list, page 40": "/cases/?page=40",
        "case page": f"/cases/{middle.reference}/",
    }


def _time(client, url: str, requests: int) -> tuple[float, float]:
    client.get(url)  # warm the caches a real server would have warm
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    _setup(Path(tempfile.mkdtemp(prefix="fairhearing-bench-")))
    started = time.perf_counter()
    _build_demo()
    _grow_to(SMALL)
    client = _client()
    pages = _pages()
    small = {name: _time(client, url, args.requests) for name, url in pages.items()}
    _grow_to(args.cases)
    print(f"(data built in {time.perf_counter() - started:.0f} s)")
    large = {name: _time(client, url, args.requests) for name, url in pages.items()}
    print(
        f"{'page':<22} {f'{SMALL:,} cases':>18} {f'{args.cases:,} cases':>18}  {'ratio':>5}  target\n"
        f"{'':<22} {'median':>8} {'p95':>9} {'median':>8} {'p95':>9}"
    )
    for name in pages:
        (m1, p1), (m2, p2) = small[name], large[name]
        target = "median < 100 ms: " + ("met" if m2 < 100 else "MISSED") if name in {"case list", "case page"} else ""
        print(f"{name:<22} {m1:>6.1f}ms {p1:>7.1f}ms {m2:>6.1f}ms {p2:>7.1f}ms  {m2 / m1:>5.2f}  {target}")


if __name__ == "__main__":
    main()
