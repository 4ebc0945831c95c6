"""Checking one row of a historical case file against the rulebook in force on its conduct date. Pure Python:
the database is asked beforehand (which rulebook versions, regions and branches exist), so every rule here is
tested without one, and a 50,000-row file is checked without a query per row.

Every problem is reported at its row and column, in words a volunteer fixing the spreadsheet can act on; a row
with problems gives no `CaseRow`. Rules that need several rows (a case_ref used twice, a case already in the
database) are `fairhearing.imports.cases`' job.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import cached_property

from fairhearing.procedure.jurisdiction import case_seriousness
from fairhearing.procedure.rulebook import Rulebook
from fairhearing.tables import cells
from fairhearing.tables.cells import CellError
from fairhearing.tables.problems import Report

COLUMNS = (
    "case_ref",
    "membership_number",
    "respondent_offices",
    "region",
    "branch",
    "body",
    "received_date",
    "conduct_date",
    "clauses",
    "category",
    "aggravating",
    "mitigating",
    "allegation",
    "outcome",
    "suspension_days",
    "decided_date",
    "decided_by",
    "appeal_outcome",
    "closed_date",
)
# A file without one of these cannot describe a decided case; the others may be left out (read as empty).
REQUIRED = frozenset(
    {
        "case_ref",
        "membership_number",
        "branch",
        "body",
        "received_date",
        "conduct_date",
        "clauses",
        "category",
        "outcome",
        "decided_date",
        "closed_date",
    }
)
APPEAL_OUTCOMES = ("none", "dismissed", "varied", "overturned")
# A suspension is written in days in the file and stored in whole months, as decisions made here are.
DAYS_PER_MONTH = 365.25 / 12
# References appear in web addresses (/cases/<ref>/) and on letters: letters, digits and a few separators.
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
NO_PARTICULARS = "The particulars are not in the imported record."


@dataclass(frozen=True)
class Units:
    """The regions and branches that exist: region codes, and each branch code's region code."""

    regions: frozenset[str]
    branch_region: Mapping[str, str]


# The rulebook version in force on a day, as (its version id, the rulebook), or None when none was.
RulebookOn = Callable[[date], tuple[str, Rulebook] | None]


@dataclass(frozen=True)
class CaseRow:
    """A row that passed every check, in the terms the case records use."""

    row: int
    case_ref: str
    membership_number: str
    respondent_offices: tuple[str, ...]
    region: str  # the branch's region code
    branch: str
    body: str  # rulebook body id
    received: date
    conduct: date
    decided: date
    closed: date
    clauses: tuple[str, ...]
    category: str
    seriousness: str
    aggravating: tuple[str, ...]
    mitigating: tuple[str, ...]
    allegation: str
    outcome: str  # the sanction decided at first instance
    suspension_days: int | None
    suspension_months: int | None
    decided_by: str
    appeal_outcome: str  # one of APPEAL_OUTCOMES
    appeal_body: str  # rulebook body id that heard the appeal; "" without one
    final_outcome: str  # the sanction after any appeal; "" when an appeal varied it to one the file does not give
    rulebook_version: str

    @cached_property
    def fingerprint(self) -> str:
        """What the row says (not how it was written, nor where it was in the file), to recognise a re-import."""
        said = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "row"}
        return hashlib.sha256(json.dumps(said, sort_keys=True, default=str).encode()).hexdigest()


def check_header(columns: list[str], report: Report) -> bool:
    """Missing required columns are problems (nothing can be read); unknown columns are warnings (ignored)."""
    missing = [name for name in COLUMNS if name in REQUIRED and name not in columns]
    for name in missing:
        report.problem(0, name, "this required column is missing from the first row; add it (see docs/import.md)")
    extra = [name for name in columns if name and name not in COLUMNS]
    if extra:
        report.warn(0, "", f"these columns are not used and were ignored: {', '.join(extra)}")
    return not missing


class _Row:
    """One row being checked: reads cells, reporting each problem at this row and the cell's column."""

    def __init__(self, number: int, values: Mapping[str, str], report: Report) -> None:
        self.number = number
        self.values = values
        self.report = report
        self.ok = True

    def problem(self, column: str, message: str) -> None:
        self.ok = False
        self.report.problem(self.number, column, message)

    def cell(self, column: str) -> str | None:
        """The cell's text, or None (with a problem) when it looks like a formula."""
        value = self.values.get(column) or ""
        if cells.looks_like_formula(value):
            self.problem(
                column,
                f"'{value.strip()[:60]}' looks like a spreadsheet formula. fairhearing never runs formulas; remove "
                "the leading = + - or @ (or type an apostrophe before it) so the cell holds plain text",
            )
            return None
        return value

    def read[T](self, column: str, parse: Callable[[str], T]) -> T | None:
        value = self.cell(column)
        if value is None:
            return None
        try:
            return parse(value)
        except CellError as exc:
            self.problem(column, str(exc))
            return None


def _one_of(rulebook: str, known: list[str], what: str) -> Callable[[str], str]:
    return lambda value: cells.choice(value, known, what=f"{what} of rulebook {rulebook}")


def check_row(
    number: int, values: Mapping[str, str], *, rulebook_on: RulebookOn, units: Units, today: date, report: Report
) -> CaseRow | None:
    """The row as a CaseRow, or None after reporting each of its problems."""
    r = _Row(number, values, report)
    ref = r.read("case_ref", lambda v: cells.text(v, required=True, max_length=32))
    if ref and not _REFERENCE.fullmatch(ref):
        r.problem("case_ref", f"'{ref}' may hold only letters, digits, '.', '_' and '-' (no spaces or slashes)")
    number_ = r.read("membership_number", lambda v: cells.text(v, required=True, max_length=32))
    branch, region = _units(r, units)
    dates = {
        column: r.read(column, lambda v: cells.iso_date(v, required=True))
        for column in ("conduct_date", "received_date", "decided_date", "closed_date")
    }
    _check_order(r, dates, today)
    allegation = r.read("allegation", cells.text) or NO_PARTICULARS
    decided_by = r.read("decided_by", lambda v: cells.text(v, max_length=200)) or ""
    appeal = r.read(
        "appeal_outcome", lambda v: cells.choice(v.lower(), APPEAL_OUTCOMES, what="appeal outcome", required=False)
    )
    appeal = appeal or "none"
    conduct = dates["conduct_date"]
    found = rulebook_on(conduct) if conduct else None
    if conduct and found is None:
        r.problem("conduct_date", f"no rulebook version was in force on {conduct.isoformat()}; load the one that was")
    if found is None:
        return None  # everything else is checked against the rulebook of that day
    version, rulebook = found
    decision = _decision(r, version, rulebook, appeal)
    if not r.ok or decision is None:
        return None
    assert ref and number_ and branch and region and None not in dates.values()
    return CaseRow(
        row=number,
        case_ref=ref,
        membership_number=number_,
        region=region,
        branch=branch,
        received=dates["received_date"],
        conduct=dates["conduct_date"],
        decided=dates["decided_date"],
        closed=dates["closed_date"],
        allegation=allegation,
        decided_by=decided_by,
        appeal_outcome=appeal,
        rulebook_version=version,
        **decision,
    )


def _units(r: _Row, units: Units) -> tuple[str | None, str | None]:
    """(branch code, its region code), checking the region column against the branch's region when given."""
    branch = r.read("branch", lambda v: cells.text(v, required=True))
    region = r.read("region", cells.text)
    if region and region not in units.regions:
        r.problem("region", f"there is no region with the code '{region}'; import it first or correct the code")
        region = None
    if not branch:
        return None, None
    if branch not in units.branch_region:
        r.problem("branch", f"there is no branch with the code '{branch}'; import it first or correct the code")
        return None, None
    own = units.branch_region[branch]
    if region and region != own:
        r.problem("region", f"branch '{branch}' is in region '{own}', not '{region}'")
    return branch, own


def _check_order(r: _Row, dates: Mapping[str, date | None], today: date) -> None:
    """Conduct, then receipt, then decision, then closure: each reported at the later date, which is usually the
    one mistyped."""
    steps = [
        ("conduct_date", "the conduct"),
        ("received_date", "the complaint was received"),
        ("decided_date", "the decision"),
        ("closed_date", "the case closed"),
    ]
    last: tuple[str, str, date] | None = None  # the latest step with a readable date
    for column, words in steps:
        day = dates[column]
        if day is None:
            continue
        if last is not None and day < last[2]:
            before, before_words, first = last
            r.problem(
                column,
                f"{day.isoformat()} is before the {before} {first.isoformat()}: {words} cannot come before "
                f"{before_words}",
            )
        else:
            last = (column, words, day)
    for column, day in dates.items():
        if day and day > today:
            r.problem(column, f"{day.isoformat()} is in the future: only cases already decided and closed are imported")


def _decision(r: _Row, version: str, rulebook: Rulebook, appeal: str) -> dict | None:
    """Clauses, category, body, offices, factors and the sanction, against the rulebook in force on the conduct
    date. The fields of CaseRow that depend on it, or None when the clauses are unusable."""
    clause_ids = {c.id: c for c in rulebook.clauses}
    clauses = r.read("clauses", cells.listed)
    if clauses is not None and not clauses:
        r.problem("clauses", "is empty: list the clause ids the case was about, separated by ';'")
    clauses = list(dict.fromkeys(clauses or ()))
    for clause in clauses:
        if clause not in clause_ids:
            r.problem(
                "clauses",
                f"clause '{clause}' is not in rulebook {version}, which was in force on the conduct date; "
                "check the clause id",
            )
    clauses = [c for c in clauses if c in clause_ids]
    category = r.read("category", _one_of(version, [c.id for c in rulebook.categories], "category"))
    if category and clauses and category not in {clause_ids[c].category for c in clauses}:
        placed = ", ".join(f"clause {c} is in '{clause_ids[c].category}'" for c in clauses)
        r.problem("category", f"'{category}' is not the category of any clause listed: {placed}")
    bodies = [b.id for b in rulebook.bodies]
    body = r.read("body", _one_of(version, bodies, "body"))
    offices = _listed(r, "respondent_offices", [o.id for o in rulebook.offices], version, "office")
    aggravating = _listed(
        r, "aggravating", [f.id for f in rulebook.guidelines.aggravating], version, "aggravating factor"
    )
    mitigating = _listed(r, "mitigating", [f.id for f in rulebook.guidelines.mitigating], version, "mitigating factor")
    outcome = r.read("outcome", _one_of(version, [s.id for s in rulebook.sanctions], "sanction"))
    months, days = _suspension(r, rulebook, outcome)
    appeal_body, final = _appeal(r, rulebook, body, outcome, appeal)
    if not clauses or not r.ok:
        return None
    return {
        "respondent_offices": tuple(offices),
        "body": body,
        "clauses": tuple(clauses),
        "category": category,
        "seriousness": case_seriousness(rulebook, clauses),
        "aggravating": tuple(aggravating),
        "mitigating": tuple(mitigating),
        "outcome": outcome,
        "suspension_days": days,
        "suspension_months": months,
        "appeal_body": appeal_body,
        "final_outcome": final,
    }


def _listed(r: _Row, column: str, known: list[str], version: str, what: str) -> list[str]:
    values = r.read(column, cells.listed) or []
    article = "an" if what[0] in "aeiou" else "a"
    for value in values:
        if value not in known:
            shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
            r.problem(column, f"'{value}' is not {article} {what} of rulebook {version}; use ids from: {shown}")
    return list(dict.fromkeys(values))


def _suspension(r: _Row, rulebook: Rulebook, outcome: str | None) -> tuple[int | None, int | None]:
    """(months, days): a time-limited sanction needs its length; any other sanction must not have one."""
    days = r.read("suspension_days", lambda v: cells.whole_number(v, minimum=1))
    if outcome is None:
        return None, days
    sanction = rulebook.sanction(outcome)
    if not sanction.time_limited:
        if days is not None:
            r.problem("suspension_days", f"must be empty: '{outcome}' is not a time-limited sanction")
        return None, None
    if days is None:
        if not (r.values.get("suspension_days") or "").strip():  # a cell that is not a number is reported already
            r.problem(
                "suspension_days",
                f"is empty, and '{outcome}' is time-limited: give its length in days, such as 180",
            )
        return None, None
    months = max(1, round(days / DAYS_PER_MONTH))
    if sanction.max_months is not None and months > sanction.max_months:
        r.problem(
            "suspension_days",
            f"{days} days is about {months} months, longer than the {sanction.max_months} months at most that "
            f"'{outcome}' may last",
        )
    return months, days


def _appeal(r: _Row, rulebook: Rulebook, body: str | None, outcome: str | None, appeal: str) -> tuple[str, str]:
    """(the body that heard the appeal, the final sanction). The procedure's rules: a dismissed appeal leaves the
    sanction, an overturned one leaves the mildest outcome, a varied one a milder sanction the file does not give."""
    if appeal == "none" or body is None or outcome is None:
        return "", outcome or ""
    appeals_to = rulebook.body(body).appeals_to
    if appeals_to is None:
        r.problem(
            "appeal_outcome",
            f"'{appeal}', but the rulebook names no body that hears appeals against the {rulebook.body(body).name}; "
            "use 'none' or check the body",
        )
        return "", outcome
    if appeal == "dismissed":
        return appeals_to, outcome
    if appeal == "overturned":
        return appeals_to, rulebook.sanctions[0].id
    if rulebook.sanction_rank(outcome) == 0:
        r.problem("appeal_outcome", f"'varied', but '{outcome}' is the mildest outcome: there is nothing milder")
    return appeals_to, ""
