"""`fairhearing precedents REFERENCE`: the decided cases most like one case, and how they were decided.

The same search the panel sees at decision time (REQ 22), for an administrator or an auditor at the command line.
Like `fairhearing bundle`, it checks no role (whoever runs it can read the database) and puts the look on the
audit log as done at the command line.
"""

from __future__ import annotations

import json
from argparse import ArgumentTypeError
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fairhearing.analysis.loading import current_scale
from fairhearing.analysis.precedent_lookup import precedents_for
from fairhearing.analysis.services import COMMAND_LINE_LABEL, jsonable, sanction_name
from fairhearing.cases.case_record import log_view
from fairhearing.cases.models import Case
from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.procedure.errors import ActionRefused

MAX_K = 100


def _k(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_K:
        raise ArgumentTypeError(f"give a whole number from 1 to {MAX_K}, not {text!r}")
    return int(text)


class Command(BaseCommand):
    help = "The decided cases most like one case, with their sanctions and the spread of their outcomes."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the case reference, e.g. FH-2026-00001")
        parser.add_argument("-k", type=_k, default=10, help=f"how many precedents (1 to {MAX_K}; default 10)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print one JSON object")

    def handle(self, *args, reference: str, k: int, as_json: bool, **options):
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        case = Case.objects.filter(reference__iexact=reference.strip()).first()
        if case is None:
            raise CommandError(f"no case {reference}: give a case reference such as FH-2026-00001")
        try:
            found, outcomes = precedents_for(case, k)
        except ActionRefused as refusal:
            raise CommandError(str(refusal)) from None
        with transaction.atomic():
            log_view(None, case, "command/precedents", label=COMMAND_LINE_LABEL)
        if as_json:
            data = {
                "case": case.reference,
                "precedents": [asdict(p) for p in found],
                "spread": asdict(outcomes) if outcomes is not None else None,
            }
            self.stdout.write(json.dumps(jsonable(data), ensure_ascii=False, allow_nan=False))
            return
        if not found:
            self.stdout.write(f"No decided case to compare {case.reference} with.")
            return
        scale = current_scale()
        self.stdout.write(f"The {len(found)} decided case(s) most like {case.reference}:")
        for p in found:
            grid = f"{p.culpability}{p.harm}" if p.culpability or p.harm else "-"
            self.stdout.write(
                f"  {p.case_ref}  {p.decided_on}  similarity {p.score:.2f}  clauses {', '.join(p.clauses)}  "
                f"culpability/harm {grid}  {sanction_name(scale, p.sanction)}  ({p.body})"
            )
        if outcomes is not None:
            counts = ", ".join(f"{sanction_name(scale, s)} {n}" for s, n in outcomes.counts.items() if n)
            lowest, highest = sanction_name(scale, outcomes.lowest), sanction_name(scale, outcomes.highest)
            self.stdout.write(
                f"Outcomes: {counts}. From {lowest} to {highest}; median {sanction_name(scale, outcomes.median)}."
            )
