"""What a transparency report publishes, and the report itself as plain data.

The tables are counts of five kinds of record in the period, each its own universe for disclosure control
(`disclosure.protect`): cases received, cases dismissed at triage, first-instance decisions, interim suspensions
imposed, appeals lodged and evidence excluded, with the members in each region as the denominator of the rates.
Rates and shares are worked out only from published figures, never from withheld ones, so a rate can never give
back a count that was withheld; medians and percentiles need at least the threshold of cases.

`build_content` turns a protected release and the few statistics that are not counts into the report's plain JSON
(`fairhearing.transparency` stores it, and renders it as HTML, CSV, JSON and PDF).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from fairhearing.analytics.disclosure import THRESHOLD, TOTAL, Microdata, ProtectedTable, Release, TableSpec
from fairhearing.analytics.disclosure import may_summarise as _enough

FORMAT = 1

RECEIVED, DISMISSED, DECIDED = "received", "dismissed", "decided"
SUSPENSIONS, APPEALS, EVIDENCE, MEMBERS = "suspensions", "appeals", "evidence", "members"

# Categories the loading gives records, named here once so the report and the loading agree.
NOT_PROVEN = "No allegation proven"
SENIOR_OFFICE, OTHER_OFFICE, NO_OFFICE = "Senior office holder", "Other office holder", "No office"
OFFICES = (SENIOR_OFFICE, OTHER_OFFICE, NO_OFFICE)
IN_FORCE = "Still in force at the end of the period"
LIFTED_OPEN = "Lifted, case still open"
LIFTED_NO_SANCTION = "Lifted, no sanction imposed"
ENDED_WITH_SANCTION = "Case ended with a sanction"
ENDINGS = (IN_FORCE, LIFTED_OPEN, LIFTED_NO_SANCTION, ENDED_WITH_SANCTION)
REVIEWED_ON_TIME = "Reviewed or lifted on time"
REVIEW_MISSED = "Review missed"
REVIEW_NOT_DUE = "Review not yet due"
REVIEWS = (REVIEWED_ON_TIME, REVIEW_MISSED, REVIEW_NOT_DUE)
APPEAL_DISMISSED, APPEAL_VARIED, APPEAL_OVERTURNED = "Appeal dismissed", "Sanction varied", "Decision overturned"
APPEAL_PENDING = "Not yet decided"
APPEAL_RESULTS = (APPEAL_DISMISSED, APPEAL_VARIED, APPEAL_OVERTURNED, APPEAL_PENDING)
EXCLUSION_MONITORING = "Obtained by systematic monitoring"
EXCLUSION_ATTRIBUTION = "Account not proven to be the member's"
EXCLUSION_PRIVATE = "Private content"
EXCLUSION_OTHER = "Other reasons"
EXCLUSION_REASONS = (EXCLUSION_MONITORING, EXCLUSION_ATTRIBUTION, EXCLUSION_PRIVATE, EXCLUSION_OTHER)


def spec(
    key: str, title: str, universe: str, rows: str, columns: str | None = None, *, stock: bool = False
) -> TableSpec:
    return TableSpec(key, title, universe, rows, columns, stock=stock)


TABLES: tuple[TableSpec, ...] = (
    spec("received_by_category", "Cases received by kind of conduct", RECEIVED, "category"),
    spec("received_by_body", "Cases received by the body dealing with them", RECEIVED, "body"),
    spec("received_by_region", "Cases received by the respondent's region", RECEIVED, "region"),
    spec("received_by_office", "Cases received by the respondent's office", RECEIVED, "office"),
    spec("members_by_region", "Members by region", MEMBERS, "region", stock=True),
    spec("dismissed_by_body", "Cases dismissed at triage by body", DISMISSED, "body"),
    spec("dismissed_by_category", "Cases dismissed at triage by kind of conduct", DISMISSED, "category"),
    spec("decided_by_body_outcome", "Decisions by body and outcome", DECIDED, "body", "outcome"),
    spec("decided_by_category", "Decisions by kind of conduct", DECIDED, "category"),
    spec("decided_by_region", "Decisions by the respondent's region", DECIDED, "region"),
    spec("decided_by_office_outcome", "Decisions by the respondent's office and outcome", DECIDED, "office", "outcome"),
    spec("suspensions_by_body_ending", "Interim suspensions by body and how they ended", SUSPENSIONS, "body", "ending"),
    spec("suspensions_by_review", "Interim suspensions by review", SUSPENSIONS, "review"),
    spec("appeals_by_body_result", "Appeals by the body whose decision was appealed", APPEALS, "body", "result"),
    spec("excluded_by_reason", "Evidence ruled inadmissible by reason", EVIDENCE, "reason"),
)


@dataclass(frozen=True)
class ReportFacts:
    """Everything a report counts for one period, as the loading found it; nothing here names a person."""

    organisation: str
    microdata: tuple[Microdata, ...]
    # Days from receipt to first-instance decision, by body (every decision in the period).
    decision_days: Mapping[str, Sequence[int]]
    target_days: int | None  # the rulebook's target from receipt to decision
    # Days each interim suspension lifted in the period had lasted, by body.
    suspension_days: Mapping[str, Sequence[int]]
    review_days: int  # the rulebook's time before an interim suspension must be reviewed
    consistency: Mapping[str, Any] | None = None
    checkpoint: Mapping[str, Any] | None = None
    notes: tuple[str, ...] = field(default=())


def build_content(facts: ReportFacts, release: Release, *, published_at: datetime) -> dict[str, Any]:
    """The report as plain JSON (see the module docstring); order lives in lists, because PostgreSQL's jsonb sorts
    a stored object's keys."""
    counts = release.counts()
    return {
        "format": FORMAT,
        "organisation": facts.organisation,
        "period": {
            "label": release.period.label,
            "slug": release.period.slug,
            "start": release.period.start.isoformat(),
            "end": release.period.end.isoformat(),
        },
        "published_at": published_at.isoformat(),
        "disclosure": {
            "threshold": release.threshold,
            "rounding": release.rounding,
            "withheld": {status.value: counts[status] for status in counts if status.value != "published"},
            "differenced_with": list(release.differenced_with),
            "notes": [*release.notes, *facts.notes],
        },
        "sections": [
            _volumes(release),
            _outcomes(release, facts),
            _suspensions(release, facts),
            _appeals(release),
            _evidence(release),
        ],
        "consistency": dict(facts.consistency) if facts.consistency else None,
        "checkpoint": dict(facts.checkpoint) if facts.checkpoint else None,
    }


# Sections.


def _volumes(release: Release) -> dict[str, Any]:
    received_by_region = release.table("received_by_region")
    members = release.table("members_by_region")
    region_rows = []
    for row in received_by_region.rows:
        cases, people = received_by_region.published(row), members.published(row)
        region_rows.append(_row(row, [cases, people, _per_thousand(cases, people)]))
    return {
        "key": "volumes",
        "title": "Cases received, dismissed at triage and decided",
        "intro": (
            "How many complaints came in during the period, how many were dismissed at triage as not needing a "
            "case, and how many were decided, broken down by the kind of conduct, the body dealing with them and "
            "the region of the member complained about. A case is counted under the kind of conduct of its first "
            "allegation, so each case is counted once."
        ),
        "tables": [
            _one_way(release.table("received_by_category"), "Kind of conduct", "Cases received"),
            _one_way(release.table("received_by_body"), "Body", "Cases received"),
            {
                "key": "received_by_region",
                "title": received_by_region.spec.title,
                "description": (
                    "Cases received by the region of the member complained about, against the members in that region "
                    "at the end of the period. The rate is worked out from the published, rounded figures."
                ),
                "row_heading": "Region",
                "columns": [_column("Cases received"), _column("Members"), _column("Per 1,000 members", "rate")],
                "rows": region_rows,
                "chart": {"kind": "bar", "column": 2},
            },
            _one_way(release.table("received_by_office"), "Office held at the time", "Cases received"),
            _one_way(release.table("dismissed_by_body"), "Body", "Dismissed at triage"),
            _one_way(release.table("dismissed_by_category"), "Kind of conduct", "Dismissed at triage"),
            _one_way(release.table("decided_by_category"), "Kind of conduct", "Decisions"),
            _one_way(release.table("decided_by_region"), "Region", "Decisions"),
        ],
    }


def _outcomes(release: Release, facts: ReportFacts) -> dict[str, Any]:
    by_body = release.table("decided_by_body_outcome")
    target = facts.target_days
    time_rows = []
    for body in by_body.rows:
        days = _all_days(facts.decision_days) if body == TOTAL else list(facts.decision_days.get(body, ()))
        median, p90 = _median_p90(days)
        time_rows.append(_row(body, [median, p90, target]))
    return {
        "key": "outcomes",
        "title": "Outcomes, sanctions and time to a decision",
        "intro": (
            "What the first-instance decisions of the period decided, and how long cases took from the complaint "
            "to the decision against the target the rulebook sets. A median or percentile is shown only where at "
            f"least {THRESHOLD} cases stand behind it."
        ),
        "tables": [
            _two_way(by_body, "Body", "Decisions by body and outcome: how many of each outcome each body decided."),
            _two_way(
                release.table("decided_by_office_outcome"),
                "Office held at the time",
                "Decisions by the office the member held at the time of the conduct: whether senior people are "
                "treated like everyone else.",
            ),
            {
                "key": "time_to_decision",
                "title": "Time from receipt to decision by body",
                "description": (
                    "Days from the complaint to the first-instance decision, for the decisions of the period: the "
                    "median (half took longer), the 90th percentile (one in ten took longer) and the rulebook's "
                    "target. No share within the target is given: with the number of decisions it would give back "
                    "how many missed it, a count that may be under the threshold."
                ),
                "row_heading": "Body",
                "columns": [
                    _column("Median", "days"),
                    _column("90th percentile", "days"),
                    _column("Target", "days"),
                ],
                "rows": time_rows,
                "chart": {"kind": "bar", "column": 0},
            },
        ],
    }


def _suspensions(release: Release, facts: ReportFacts) -> dict[str, Any]:
    by_ending = release.table("suspensions_by_body_ending")
    duration_rows = []
    for body in by_ending.rows:
        days = _all_days(facts.suspension_days) if body == TOTAL else list(facts.suspension_days.get(body, ()))
        median, p90 = _median_p90(days)
        duration_rows.append(_row(body, [median, p90]))
    return {
        "key": "suspensions",
        "title": "Interim suspensions",
        "intro": (
            "Interim (administrative) suspensions imposed during the period while a case was pending: how they had "
            "ended by the end of the period, whether each was reviewed within the rulebook's "
            f"{facts.review_days} days, and how long those lifted had lasted. An interim suspension is never a "
            "sanction: one lifted without any sanction restricted a member who was not found to have done wrong."
        ),
        "tables": [
            _two_way(by_ending, "Body", "Interim suspensions imposed in the period by how they stood at its end."),
            _one_way(release.table("suspensions_by_review"), "Review", "Interim suspensions"),
            {
                "key": "suspension_duration",
                "title": "How long lifted interim suspensions lasted",
                "description": "Days from imposing to lifting, for the suspensions of the period lifted by its end.",
                "row_heading": "Body",
                "columns": [_column("Median", "days"), _column("90th percentile", "days")],
                "rows": duration_rows,
                "chart": None,
            },
        ],
    }


def _appeals(release: Release) -> dict[str, Any]:
    table = release.table("appeals_by_body_result")
    rows = []
    for body in table.rows:
        values = [table.published(body, result) for result in APPEAL_RESULTS]
        decided = values[:3]
        total = None if any(v is None for v in decided) else sum(v for v in decided if v is not None)
        overturned = values[2]
        rate = overturned / total if overturned is not None and total else None
        rows.append(_row(body, [*values, table.published(body), rate]))
    return {
        "key": "appeals",
        "title": "Appeals",
        "intro": (
            "Appeals lodged during the period against first-instance decisions, by the body whose decision was "
            "appealed, and what became of them. The overturn rate is the share of decided appeals that overturned "
            "the decision; it is worked out from the published figures and shown only where none of them is withheld."
        ),
        "tables": [
            {
                "key": "appeals_by_body_result",
                "title": table.spec.title,
                "description": "Appeals lodged in the period by the body whose decision was appealed, and the result.",
                "row_heading": "Body appealed from",
                "columns": [
                    *(_column(result) for result in APPEAL_RESULTS),
                    _column("Total"),
                    _column("Overturn rate", "percent"),
                ],
                "rows": rows,
                "chart": {"kind": "bar", "column": len(APPEAL_RESULTS) + 1},
            }
        ],
    }


def _evidence(release: Release) -> dict[str, Any]:
    return {
        "key": "evidence",
        "title": "Evidence ruled inadmissible",
        "intro": (
            "Evidence the data protection officer excluded during the period, by the reason it needed a ruling: "
            "material from systematic monitoring of members, from accounts never proven to be the member's, or "
            "private content."
        ),
        "tables": [_one_way(release.table("excluded_by_reason"), "Reason", "Items excluded")],
    }


# Pieces.


def _column(label: str, kind: str = "count") -> dict[str, str]:
    return {"label": label, "kind": kind}


def _row(label: str, values: Sequence[Any]) -> dict[str, Any]:
    return {"label": label, "total": label == TOTAL, "values": list(values)}


def _one_way(table: ProtectedTable, row_heading: str, counted: str) -> dict[str, Any]:
    return {
        "key": table.spec.key,
        "title": table.spec.title,
        "description": table.spec.description or f"{counted} in the period by {row_heading.lower()}.",
        "row_heading": row_heading,
        "columns": [_column(counted)],
        "rows": [_row(row, [table.published(row)]) for row in table.rows],
        "chart": {"kind": "bar", "column": 0},
    }


def _two_way(table: ProtectedTable, row_heading: str, description: str) -> dict[str, Any]:
    return {
        "key": table.spec.key,
        "title": table.spec.title,
        "description": description,
        "row_heading": row_heading,
        "columns": [_column(column) for column in table.columns],
        "rows": [_row(row, [table.published(row, column) for column in table.columns]) for row in table.rows],
        "chart": {"kind": "bar", "column": len(table.columns) - 1},
    }


def _per_thousand(cases: int | None, members: int | None) -> float | None:
    if cases is None or not members:
        return None
    return round(1000 * cases / members, 1)


def _all_days(by_group: Mapping[str, Sequence[int]]) -> list[int]:
    return [d for days in by_group.values() for d in days]


def _median_p90(days: Sequence[int]) -> tuple[float | None, float | None]:
    if not _enough(len(days)):
        return None, None
    median, p90 = np.percentile(np.asarray(days, dtype=float), [50, 90])
    return _finite(median), _finite(p90)


def _finite(value: float) -> float | None:
    return round(float(value), 1) if math.isfinite(value) else None
