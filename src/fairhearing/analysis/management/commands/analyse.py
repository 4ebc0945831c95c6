"""`fairhearing analyse`: run the consistency and fairness analysis now, store it, and alert oversight.

The scheduled job (`fairhearing tick`) runs the same refresh every time; this is for running it on demand, reading
the report as JSON, writing it to files to publish or archive, and including a special category in the group
comparisons, which is only ever done when asked (the read is on the audit log).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fairhearing.analysis.models import AnalysisTrigger
from fairhearing.analysis.services import refresh_analysis
from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.privacy.models import SpecialCategory
from fairhearing.procedure.errors import ActionRefused


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Analyse every decision for consistency and fairness: outliers against like cases, departures from the "
        "sanction guideline, consistency indices and disparities between groups. Stores the run and flags new "
        "outliers and departures to oversight."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print the report as one JSON object, and nothing else"
        )
        parser.add_argument("--out", type=Path, default=None, help="write report.json and report.html to this folder")
        parser.add_argument(
            "--special-category",
            default=None,
            metavar="CATEGORY",
            help=f"also compare groups by this special category ({', '.join(SpecialCategory.values)}); "
            "the values are read for the comparison only, and the read is audited",
        )
        parser.add_argument("--now", type=_moment, default=None, help="analyse as if it were this moment (ISO 8601)")

    def handle(
        self,
        *args,
        as_json: bool,
        out: Path | None,
        special_category: str | None,
        now: datetime | None,
        **options,
    ):
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        if special_category is not None and special_category not in SpecialCategory.values:
            raise CommandError(
                f"there is no special category {special_category!r}; choose one of {', '.join(SpecialCategory.values)}"
            )
        if out is not None:
            # Before the run is stored and flags raised: a folder that cannot be written fails with nothing done.
            try:
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(f"cannot write the report to {out}: {exc.strerror}") from exc
        try:
            run = refresh_analysis(now=now, trigger=AnalysisTrigger.COMMAND, special_category=special_category)
        except ActionRefused as refusal:
            raise CommandError(str(refusal)) from None
        if out is not None:
            self._write(out, run.report)
        if as_json:
            self.stdout.write(_dumps(run.report))
            return
        report = run.report
        harsh = sum(1 for o in report["outliers"] if o["direction"] == "harsh")
        lenient = sum(1 for o in report["outliers"] if o["direction"] == "lenient")
        self.stdout.write(f"Decisions analysed: {report['decisions']} of {report['cases']} case(s).")
        self.stdout.write(f"Outliers against like cases: {harsh} harsh, {lenient} lenient.")
        self.stdout.write(f"Outside the sanction guideline: {len(report['outside_guideline'])}.")
        self.stdout.write(f"Disparities reported: {len(report['disparities'])}.")
        self.stdout.write(f"Flags raised for oversight: {run.flags_raised}.")
        if out is not None:
            self.stdout.write(f"Report written to {out / 'report.json'} and {out / 'report.html'}.")

    def _write(self, out: Path, report: dict[str, Any]) -> None:
        # The HTML rendering belongs with the oversight page, which shows the same report.
        from fairhearing.analysis.rendering import render_report_html

        try:
            (out / "report.json").write_text(_dumps(report, indent=2) + "\n", encoding="utf-8")
            (out / "report.html").write_text(render_report_html(report), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write the report to {out}: {exc.strerror}") from exc


def _dumps(report: dict[str, Any], indent: int | None = None) -> str:
    return json.dumps(report, indent=indent, ensure_ascii=False, allow_nan=False)
