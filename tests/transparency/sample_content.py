"""A realistic transparency release's public content, in the stored format (Release.content, report.json).

Several sections; withheld figures (null) in tables with a chart, among text and totals; every kind of column; a
table whose chart column is a share; the consistency indices, one body too small to judge; and a checkpoint that is
a real signed note, so a test can check that the note shown can still be verified.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from hashlib import sha256
from typing import Any

from fairhearing.procedure import checkpoint as notes
from fairhearing.transparency.models import Release

ORIGIN = "discipline.example.org/audit-log"
# A fixed seed: Ed25519 signatures are deterministic, so the note is the same on every run.
SIGNER = notes.Signer(ORIGIN, sha256(b"fairhearing transparency test key").digest())
LOG_SIZE = 48_211


def signed_checkpoint() -> dict[str, Any]:
    head = notes.Checkpoint(ORIGIN, LOG_SIZE, sha256(b"the tree at 48211 entries").digest())
    return {
        "origin": ORIGIN,
        "size": LOG_SIZE,
        "root": head.text.split("\n")[2],
        "note": notes.sign_checkpoint(head, SIGNER),
        "verifier_key": SIGNER.verifier.verifier_key,
        "made_at": "2026-10-05T08:59:30+00:00",
    }


def _counts(label: str, *values: int | float | None, total: bool = False) -> dict[str, Any]:
    return {"label": label, "total": total, "values": list(values)}


SAMPLE: dict[str, Any] = {
    "format": 1,
    "organisation": "Example Party",
    "period": {"label": "2026Q3", "slug": "2026q3", "start": "2026-07-01", "end": "2026-09-30"},
    "published_at": "2026-10-05T09:00:00+00:00",
    "disclosure": {
        "threshold": 10,
        "rounding": 5,
        "withheld": {"primary": 6, "secondary": 3, "differencing": 1},
        "differenced_with": ["2026Q2", "2026H1"],
        "notes": ["Cases still open at the end of the quarter are counted at the stage they had reached."],
    },
    "sections": [
        {
            "key": "volumes",
            "title": "Cases received, dismissed and decided",
            "intro": (
                "Every complaint received in the quarter, where the member complained about lives, and what had "
                "happened to it by the end of the quarter."
            ),
            "tables": [
                {
                    "key": "received_by_region",
                    "title": "Cases received by region",
                    "description": "Complaints received in the quarter, by the region of the member complained about.",
                    "row_heading": "Region",
                    "columns": [
                        {"label": "Cases received", "kind": "count"},
                        {"label": "Members", "kind": "count"},
                        {"label": "Per 1,000 members", "kind": "rate"},
                    ],
                    "rows": [
                        _counts("North", 35, 12040, 2.9),
                        _counts("South", None, 9000, None),
                        _counts("East", 45, 15230, 3.0),
                        _counts("West", None, 13840, None),
                        _counts("Total", 120, 50110, 2.4, total=True),
                    ],
                    "chart": {"kind": "bar", "column": 0},
                },
                {
                    "key": "outcomes_by_stage",
                    "title": "Where cases ended",
                    "description": "Cases that ended in the quarter, by the last stage they reached.",
                    "row_heading": "Stage",
                    "columns": [
                        {"label": "Cases", "kind": "count"},
                        {"label": "Share of cases ended", "kind": "percent"},
                        {"label": "Decided by", "kind": "text"},
                    ],
                    "rows": [
                        _counts("Dismissed at triage", 40, 0.4, "Case officers"),
                        _counts("Withdrawn", None, None, "The complainant"),
                        _counts("Decided at a hearing", 50, 0.5, "Hearing panels"),
                        _counts("Total", 100, 1.0, "", total=True),
                    ],
                    "chart": {"kind": "bar", "column": 1},
                },
            ],
        },
        {
            "key": "timeliness",
            "title": "How long cases took",
            "intro": "The time from a complaint being received to the decision on it, for the quarter's decisions.",
            "tables": [
                {
                    "key": "days_to_decision",
                    "title": "Days from complaint to decision",
                    "description": "The median number of days, by the body that decided.",
                    "row_heading": "Body",
                    "columns": [
                        {"label": "Cases decided", "kind": "count"},
                        {"label": "Median time", "kind": "days"},
                        {"label": "Decided within the target", "kind": "percent"},
                    ],
                    "rows": [
                        _counts("National disputes panel", 25, 43, 0.68),
                        _counts("Regional panels", 20, 61, 0.45),
                        _counts("Branch executives", None, None, None),
                        _counts("Total", 50, 52, 0.56, total=True),
                    ],
                    "chart": {"kind": "bar", "column": 1},
                },
            ],
        },
        {
            "key": "suspensions",
            "title": "Interim suspensions",
            "intro": "Members suspended while their case was decided, and whether each suspension was reviewed.",
            "tables": [
                {
                    "key": "interim_suspensions",
                    "title": "Interim suspensions",
                    "description": "Suspensions in force at any time in the quarter.",
                    "row_heading": "Suspension",
                    "columns": [{"label": "Suspensions", "kind": "count"}],
                    "rows": [
                        _counts("Reviewed in time", 15),
                        _counts("Not reviewed in time", None),
                        _counts("Total", 20, total=True),
                    ],
                    "chart": None,
                },
            ],
        },
    ],
    "consistency": {
        "generated_at": "2026-10-04T02:00:00+00:00",
        "note": "Over every decision made since the rulebook came into force, not only this quarter's.",
        "rows": [
            {
                "label": "Whole organisation",
                "explained_share": 0.62,
                "neighbour_agreement": 0.81,
                "like_case_spread": 0.7,
            },
            {
                "label": "National disputes panel",
                "explained_share": 0.71,
                "neighbour_agreement": 0.86,
                "like_case_spread": 0.5,
            },
            {
                "label": "Branch executives",
                "explained_share": None,
                "neighbour_agreement": None,
                "like_case_spread": None,
            },
        ],
    },
    "checkpoint": signed_checkpoint(),
}


def sample_content(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the sample (tests may change it freely), with any top-level keys replaced."""
    content = copy.deepcopy(SAMPLE)
    content.update(changes)
    return content


def store(content: dict[str, Any] | None = None) -> Release:
    """A published release holding `content` (the sample by default), as the release log stores one.

    Made directly, not through the publishing service: these tests are about showing a release, whatever
    produced it."""
    content = content or sample_content()
    period = content["period"]
    return Release.objects.create(
        label=period["label"],
        slug=period["slug"],
        starts_on=date.fromisoformat(period["start"]),
        ends_on=date.fromisoformat(period["end"]),
        published_at=datetime.fromisoformat(content["published_at"]),
        published_by_label="Ada Administrator",
        content=content,
    )


def quarter(year: int, number: int) -> dict[str, Any]:
    """The sample content, for another quarter."""
    start = date(year, 3 * number - 2, 1)
    end = (date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)) - timedelta(days=1)
    label = f"{year}Q{number}"
    return sample_content(
        period={"label": label, "slug": label.lower(), "start": start.isoformat(), "end": end.isoformat()},
        published_at=f"{end + timedelta(days=5)}T09:00:00+00:00",
    )
