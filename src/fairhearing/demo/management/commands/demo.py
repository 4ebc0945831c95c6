from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from fairhearing import config
from fairhearing.analysis.models import AnalysisTrigger
from fairhearing.analysis.services import refresh_analysis
from fairhearing.analytics.periods import parse
from fairhearing.bulk_insert import refresh_statistics
from fairhearing.demo.build import Login, build_demo, read_logins, write_logins
from fairhearing.demo.models import DemoBuild
from fairhearing.demo.plan import NATIONAL_SIZE
from fairhearing.organisation.models import Member
from fairhearing.transparency.services import publish_release


class Command(BaseCommand):
    help = "Build a synthetic demo organisation (deterministic for a given --seed and --today) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--members", type=int, default=5000, help="number of members (default 5000)")
        parser.add_argument("--cases", type=int, default=300, help="number of cases (default 300)")
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="date the history runs up to, YYYY-MM-DD (default: today)",
        )
        parser.add_argument("--reset", action="store_true", help="erase an existing demo and build it again")
        parser.add_argument("--no-serve", action="store_true", help="build, then exit without serving")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, **o):
        data_dir = config.ensure_data_dir()
        logins_file = data_dir / "demo-logins.txt"
        call_command("migrate", interactive=False, verbosity=0)

        if Member.objects.exists() and not o["reset"]:
            self.stdout.write("The demo already exists (use --reset to build it again).")
            self._print_logins(read_logins(logins_file), logins_file, o)
        else:
            if o["reset"] and Member.objects.exists():
                if not DemoBuild.objects.exists():
                    raise CommandError("this database holds an organisation that is not a demo: refusing to erase it")
                self.stdout.write("Erasing the existing demo...")
                call_command("flush", interactive=False, verbosity=0)
            self._build(o, logins_file)

        if not o["no_serve"]:
            call_command("serve", host=o["host"], port=o["port"])

    def _build(self, o, logins_file: Path) -> None:
        today = o["today"] or date.today()
        # The demo's stories are written for the example rulebook's clauses and bodies, so it always uses it.
        source = settings.EXAMPLE_RULEBOOK.read_text(encoding="utf-8")
        self.stdout.write(
            f"Building the demo organisation: {o['members']} members, {o['cases']} cases, seed {o['seed']}..."
        )
        started = time.perf_counter()
        try:
            # A national-size build takes many minutes: say what it is doing as it goes.
            progress = self.stdout.write if o["cases"] >= NATIONAL_SIZE else None
            plan, logins = build_demo(
                source, seed=o["seed"], today=today, members=o["members"], cases=o["cases"], progress=progress
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        write_logins(logins_file, logins)
        self.stdout.write(
            f"Built in {time.perf_counter() - started:.1f} s: {len(plan.members)} members in "
            f"{len(plan.branches)} branches of {len(plan.regions)} regions, {len(plan.cases)} cases."
        )
        started = time.perf_counter()
        refresh_statistics()
        if progress is not None:
            self.stdout.write(f"Planner statistics gathered ({time.perf_counter() - started:.1f} s).")
        # What the scheduled job would have found by now, so the consistency page and its flags are there to see.
        started = time.perf_counter()
        run = refresh_analysis(trigger=AnalysisTrigger.COMMAND)
        self.stdout.write(
            f"Consistency analysis: {run.outliers} decision(s) stand out from like cases; {run.flags_raised} flag(s) "
            f"raised for oversight ({time.perf_counter() - started:.1f} s)."
        )
        # Last year's transparency report, so the public statistics pages have a release to show.
        year = parse(str(today.year - 1))
        started = time.perf_counter()
        published = publish_release(year, label="the demo's builder").release
        withheld = sum(published.content["disclosure"]["withheld"].values())
        self.stdout.write(
            f"Transparency report for {year} published at /statistics/{published.slug}/ ({withheld} small figure(s) "
            f"withheld; {time.perf_counter() - started:.1f} s)."
        )
        self._print_logins(logins, logins_file, o)

    def _print_logins(self, logins: list[Login], logins_file: Path, o) -> None:
        if not logins:
            self.stdout.write(f"(no saved log-ins in {logins_file}; use --reset to rebuild)")
            return
        self.stdout.write(f"\nLog in at http://{o['host']}:{o['port']}/ with:\n")
        width = max(len(lg.username) for lg in logins)
        for lg in logins:
            self.stdout.write(f"  {lg.username:<{width}}  {lg.password}   {lg.role}: {lg.note}")
        self.stdout.write(f"\n(These are also kept in {logins_file}.)\n")
        self.stdout.write(
            "Staff accounts (every role but Member) also ask for a code from an authenticator app after the\n"
            "password. The demo has set up the app for them: get the current code with\n\n"
            "  fairhearing demo-code USERNAME\n\n"
            "Members sign in with the password alone.\n"
        )
