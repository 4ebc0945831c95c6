"""Refreshing the consistency and fairness analysis: one run stored whole, and oversight alerted to what is new.

An automated flag only asks oversight to look (REQ 31: automated flags queue items for human review and never
decide anything). Each case gets at most one flag of each kind from here: once one exists, answered or not, the
analysis does not raise it again, so a decision that stays an outlier does not pile up alerts every hour.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from fairhearing.analysis import loading
from fairhearing.analysis.models import AnalysisRun, AnalysisTrigger
from fairhearing.analytics.analyse import run_analysis
from fairhearing.analytics.records import Scale
from fairhearing.analytics.results import GuidelineDeparture, Outlier
from fairhearing.audit import log as audit
from fairhearing.cases.models import Case, CaseFlag, EventKind, FlagKind
from fairhearing.cases.timeline import write_event

COMMAND_LINE_LABEL = "an administrator at the command line"
# Lookups by reference are chunked: SQLite refuses statements with too many parameters.
CHUNK = 500


def refresh_analysis(*, now: datetime | None = None, trigger: str, special_category: str | None = None) -> AnalysisRun:
    """Analyse every decision, store the run, and flag the cases newly found inconsistent or outside the guideline.

    Everything the refresh writes - the run, its flags with their timeline entries, and their audit entries - is
    one transaction: all of it is saved, or none. The reading and the statistics come before it, outside: at
    national size they take a minute or more, and holding the database's write lock that long (SQLite takes it at
    the start of every transaction) would make every other writer time out. A decision recorded meanwhile is
    simply in the next run. Reading special-category values is audited when it happens (`loading`), so a refresh
    that fails later still leaves the record that they were read.
    """
    if trigger not in AnalysisTrigger.values:
        raise ValueError(f"unknown trigger {trigger!r}")
    now = now or timezone.now()
    clock = time.monotonic()
    scale = loading.current_scale(timezone.localdate(now))
    records = loading.case_records(special_category=special_category)
    report = run_analysis(records, scale, now=now)
    stored = jsonable(report.as_dict())
    with transaction.atomic():
        # Every audit append locks the log's head; taking it first makes concurrent refreshes queue here, so two of
        # them cannot both find a case unflagged and flag it twice.
        audit.current_head(lock=True)
        flags = _flag_new(
            {o.case_ref: outlier_detail(o, scale) for o in report.outliers}, FlagKind.INCONSISTENT, now
        ) + _flag_new(
            {d.case_ref: departure_detail(d, scale) for d in report.outside_guideline}, FlagKind.OUTSIDE_GUIDELINE, now
        )
        run = AnalysisRun.objects.create(
            started_at=now,
            finished_at=now + timedelta(seconds=time.monotonic() - clock),
            trigger=trigger,
            cases=report.cases,
            decisions=report.decisions,
            outliers=len(report.outliers),
            flags_raised=flags,
            report=stored,
        )
        audit.record(
            None,
            "analysis.run",
            "analysis_run",
            run.pk,
            summary=(
                f"Consistency and fairness analysis of {run.decisions} decision(s): {run.outliers} outlier(s), "
                f"{len(report.outside_guideline)} outside the guideline, {flags} flag(s) raised."
            ),
            data={
                "trigger": trigger,
                "special_category": special_category or "",
                "report_sha256": audit.content_digest(stored),
            },
            at=run.finished_at,
            label=COMMAND_LINE_LABEL if trigger == AnalysisTrigger.COMMAND else None,
        )
    return run


def jsonable(value: Any) -> Any:
    """The report as plain JSON: lists for tuples and sets, and no NaN or infinity, which JSON (and PostgreSQL's
    jsonb) cannot hold - a statistic that could not be computed is null."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    # numpy scalars, should one slip through the analytics: their Python value.
    if hasattr(value, "item"):
        return jsonable(value.item())
    raise TypeError(f"cannot store {type(value).__name__} in an analysis report")


def sanction_name(scale: Scale, sanction: str) -> str:
    """The rulebook's name for a sanction id (an id the scale does not know is shown as it is)."""
    return scale.names[scale.sanctions.index(sanction)] if sanction in scale.sanctions else sanction


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _unflagged(refs: Iterable[str], kind: FlagKind) -> dict[str, Case]:
    """The cases among `refs` with no flag of this kind yet, answered or not."""
    refs = sorted(set(refs))
    flagged: set[str] = set()
    cases: dict[str, Case] = {}
    for chunk in _chunks(refs):
        flagged |= set(
            CaseFlag.objects.filter(case__reference__in=chunk, kind=kind).values_list("case__reference", flat=True)
        )
        cases |= {case.reference: case for case in Case.objects.filter(reference__in=chunk)}
    return {ref: case for ref, case in cases.items() if ref not in flagged}


def _raise(case: Case, kind: FlagKind, detail: str, now: datetime) -> None:
    """A flag raised by the analysis itself: no user raised it, and the timeline and audit log say so."""
    flag = CaseFlag.objects.create(case=case, kind=kind, detail=detail, raised_by=None, raised_at=now)
    write_event(
        case,
        at=now,
        kind=EventKind.FLAG_RAISED,
        user=None,
        summary=f"Flag raised by the consistency analysis ({kind.label}): {detail}",
        data={"flag": flag.pk, "kind": kind.value, "automated": True},
    )


def outlier_detail(outlier: Outlier, scale: Scale) -> str:
    direction = "Harsher" if outlier.direction == "harsh" else "More lenient"
    sanction, expected = sanction_name(scale, outlier.sanction), sanction_name(scale, outlier.expected)
    text = (
        f"{direction} than like cases: {sanction}, where a case with these facts would most likely get {expected} "
        f"(adjusted p = {outlier.p_adjusted:.2g})."
    )
    if outlier.precedents:
        like = ", ".join(
            f"{ref} ({sanction_name(scale, sanction)})"
            for ref, sanction in zip(outlier.precedents, outlier.precedent_sanctions, strict=False)
        )
        text += f" The most similar cases: {like}."
    return text


def departure_detail(departure: GuidelineDeparture, scale: Scale) -> str:
    text = (
        f"{sanction_name(scale, departure.sanction)} is {departure.direction} the sanction guideline's range "
        f"({sanction_name(scale, departure.lowest)} to {sanction_name(scale, departure.highest)})."
    )
    reason = departure.departure_reason.strip()
    return f"{text} Reason recorded for the departure: {reason}" if reason else f"{text} No reason was recorded."


def _flag_new(details: Mapping[str, str], kind: FlagKind, now: datetime) -> int:
    """Flag each case (reference -> detail) that has no flag of this kind yet; how many were raised."""
    cases = _unflagged(details, kind)
    for ref, case in sorted(cases.items()):
        _raise(case, kind, details[ref], now)
    return len(cases)
