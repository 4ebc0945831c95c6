"""A transparency release as people read it: its stored public content (`Release.content`, plain JSON, also
published as report.json) put into words, tables and charts, for the public web page and for a self-contained
HTML document, which is also what the PDF is printed from.

Both show the same partial (`transparency/_report.html`) built from `report_context`, so the page, the document
and the PDF can never disagree. The readers are members, journalists and volunteers: every table says what it
counts in plain words, every withheld figure is marked "[c]" and never shown as a number, and the section on
disclosure control says why figures are withheld and rounded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from fairhearing.analytics import charts
from fairhearing.report_parts import as_date as _date
from fairhearing.report_parts import as_datetime as _datetime
from fairhearing.report_parts import inline_stylesheet, words
from fairhearing.report_parts import number as _number
from fairhearing.report_parts import safe_svg as _safe

# The report's rules on the site's pages; the standalone document inlines the same file so the two cannot drift.
SHARED_STYLESHEET = "fairhearing/transparency.css"
WITHHELD = "[c]"
WITHHELD_MEANING = "withheld to protect individuals"
# Kinds of column that can be drawn as bars from 0: a count, a rate, a number of days, a share (percent).
CHARTABLE = frozenset({"count", "rate", "days", "percent"})
WITHHELD_REASONS = {
    "primary": "too few to publish: fewer than the threshold, so they could point to individuals",
    "secondary": "withheld as well so that the first could not be worked out by subtraction from a total",
    "differencing": (
        "withheld because comparing them with an earlier report would reveal a figure below the threshold"
    ),
}


@dataclass(frozen=True)
class CellView:
    text: str
    withheld: bool
    numeric: bool


@dataclass(frozen=True)
class ColumnView:
    label: str
    numeric: bool


@dataclass(frozen=True)
class RowView:
    label: str
    total: bool
    cells: tuple[CellView, ...]


@dataclass(frozen=True)
class ChartView:
    chart: SafeString
    column: str
    withheld: int
    totals_left_out: bool


@dataclass(frozen=True)
class TableView:
    key: str
    title: str
    description: str
    row_heading: str
    columns: tuple[ColumnView, ...]
    rows: tuple[RowView, ...]
    withheld: int
    chart: ChartView | None

    @property
    def csv_name(self) -> str:
        return f"{self.key}.csv"


@dataclass(frozen=True)
class SectionView:
    key: str
    title: str
    intro: str
    tables: tuple[TableView, ...]


@dataclass(frozen=True)
class WithheldView:
    kind: str
    count: int
    reason: str


@dataclass(frozen=True)
class DisclosureView:
    threshold: int | None
    rounding: int | None
    withheld: tuple[WithheldView, ...]
    withheld_total: int
    differenced_with: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class ConsistencyRowView:
    label: str
    explained_share: str
    neighbour_agreement: str
    like_case_spread: str


@dataclass(frozen=True)
class ConsistencyView:
    generated_at: datetime | None
    note: str
    rows: tuple[ConsistencyRowView, ...]


@dataclass(frozen=True)
class CheckpointView:
    origin: str
    size: int | None
    size_text: str
    root: str
    note: str
    verifier_key: str
    made_at: datetime | None


def render_document(content: Mapping[str, Any]) -> str:
    """The whole release as one HTML document with its styles inline and no script, link or external reference
    of any kind, so it opens offline exactly as published, and can be mailed, archived or printed as it is."""
    return render_to_string(
        "transparency/document.html",
        {
            "r": report_context(content),
            "document": True,
            "shared_css": inline_stylesheet(SHARED_STYLESHEET, "the transparency report"),
        },
    )


def report_context(content: Mapping[str, Any]) -> dict[str, Any]:
    """What the report partial shows, worked out once from the release's stored content."""
    period = content.get("period") or {}
    label = str(period.get("label") or "")
    sections = tuple(_section(s) for s in content.get("sections") or ())
    return {
        "title": f"Transparency report {label}".strip(),
        "organisation": str(content.get("organisation") or ""),
        "period_label": label,
        "starts_on": _date(period.get("start")),
        "ends_on": _date(period.get("end")),
        "published_at": _datetime(content.get("published_at")),
        "sections": sections,
        "withheld_sign": WITHHELD,
        "withheld_meaning": WITHHELD_MEANING,
        "disclosure": _disclosure(content.get("disclosure") or {}),
        "consistency": _consistency(content.get("consistency")),
        "checkpoint": _checkpoint(content.get("checkpoint")),
    }


# Each part of the report.


def _section(section: Mapping[str, Any]) -> SectionView:
    return SectionView(
        key=str(section.get("key") or ""),
        title=str(section.get("title") or ""),
        intro=str(section.get("intro") or ""),
        tables=tuple(_table(t) for t in section.get("tables") or ()),
    )


def _table(table: Mapping[str, Any]) -> TableView:
    columns = list(table.get("columns") or ())
    kinds = [str(c.get("kind") or "text") for c in columns]
    rows = tuple(
        RowView(
            label=str(row.get("label") or ""),
            total=bool(row.get("total")),
            cells=tuple(
                CellView(format_value(value, kind), value is None, kind != "text")
                for value, kind in zip(row.get("values") or (), kinds, strict=False)
            ),
        )
        for row in table.get("rows") or ()
    )
    key = str(table.get("key") or "")
    return TableView(
        key=key,
        title=str(table.get("title") or ""),
        description=str(table.get("description") or ""),
        row_heading=str(table.get("row_heading") or ""),
        columns=tuple(
            ColumnView(str(c.get("label") or ""), kind != "text") for c, kind in zip(columns, kinds, strict=True)
        ),
        rows=rows,
        withheld=sum(cell.withheld for row in rows for cell in row.cells),
        chart=_chart(table, key, columns, kinds),
    )


def _chart(
    table: Mapping[str, Any], key: str, columns: Sequence[Mapping[str, Any]], kinds: Sequence[str]
) -> ChartView | None:
    """Bars for the column the table names, one per row but the totals: a total would dwarf the rows it adds up
    and flatten the differences the chart is there to show. A withheld figure gets no bar, and says so; with fewer
    than two figures to draw there is no chart."""
    spec = table.get("chart")
    if not isinstance(spec, Mapping) or spec.get("kind") != "bar":
        return None
    column = spec.get("column")
    if not isinstance(column, int) or isinstance(column, bool) or not 0 <= column < len(columns):
        return None
    kind = kinds[column]
    if kind not in CHARTABLE:
        return None
    rows = [r for r in table.get("rows") or () if not r.get("total")]
    values = [_cell(r, column) for r in rows]
    bars = [charts.Bar(str(r.get("label") or ""), v) for r, v in zip(rows, values, strict=True)]
    shown = [v for v in values if v is not None]
    if len(shown) < 2:
        # Nothing to compare: a chart of withheld bars, or of one, says less than the table under it.
        return None
    label = str(columns[column].get("label") or "")
    title = str(table.get("title") or "")
    svg = charts.bar_chart(
        bars,
        chart_id=f"chart-{key}",
        title=f"{title}: {label}" if label else title,
        summary=str(table.get("description") or ""),
        maximum=None if kind == "percent" else max([*shown, 0.0]),
        value_text=lambda value: format_value(value, kind),
        missing=f"{WITHHELD} withheld",
    )
    return ChartView(
        chart=_safe(svg),
        column=label,
        withheld=len(values) - len(shown),
        totals_left_out=len(rows) < len(table.get("rows") or ()),
    )


def _cell(row: Mapping[str, Any], column: int) -> float | None:
    values = row.get("values") or ()
    return _number(values[column]) if column < len(values) else None


def _disclosure(disclosure: Mapping[str, Any]) -> DisclosureView:
    withheld = disclosure.get("withheld") or {}
    kinds = [k for k in WITHHELD_REASONS if k in withheld] + sorted(k for k in withheld if k not in WITHHELD_REASONS)
    views = tuple(
        WithheldView(kind=k, count=_whole(withheld.get(k)), reason=WITHHELD_REASONS.get(k, words(k))) for k in kinds
    )
    threshold, rounding = disclosure.get("threshold"), disclosure.get("rounding")
    return DisclosureView(
        threshold=threshold if isinstance(threshold, int) and not isinstance(threshold, bool) else None,
        rounding=rounding if isinstance(rounding, int) and not isinstance(rounding, bool) else None,
        withheld=views,
        withheld_total=sum(v.count for v in views),
        differenced_with=tuple(str(label) for label in disclosure.get("differenced_with") or ()),
        notes=tuple(str(note) for note in disclosure.get("notes") or ()),
    )


def _consistency(consistency: Any) -> ConsistencyView | None:
    if not isinstance(consistency, Mapping):
        return None
    return ConsistencyView(
        generated_at=_datetime(consistency.get("generated_at")),
        note=str(consistency.get("note") or ""),
        rows=tuple(
            ConsistencyRowView(
                label=str(row.get("label") or ""),
                explained_share=_judged(row.get("explained_share"), "percent"),
                neighbour_agreement=_judged(row.get("neighbour_agreement"), "percent"),
                like_case_spread=_judged(row.get("like_case_spread"), "steps"),
            )
            for row in consistency.get("rows") or ()
        ),
    )


def _judged(value: Any, kind: str) -> str:
    # The analysis leaves a measure out where there were too few decisions for it to mean anything.
    if _number(value) is None:
        return "Too few to judge"
    if kind == "steps":
        number = float(value)
        return f"{number:.1f} {'step' if round(number, 1) == 1 else 'steps'}"
    return format_value(value, kind)


def _checkpoint(checkpoint: Any) -> CheckpointView | None:
    if not isinstance(checkpoint, Mapping):
        return None
    size = checkpoint.get("size")
    return CheckpointView(
        origin=str(checkpoint.get("origin") or ""),
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
        size_text=format_value(size, "count") if _number(size) is not None else "an unknown number of",
        root=str(checkpoint.get("root") or ""),
        note=str(checkpoint.get("note") or ""),
        verifier_key=str(checkpoint.get("verifier_key") or ""),
        made_at=_datetime(checkpoint.get("made_at")),
    )


# Formatting.


def format_value(value: Any, kind: str) -> str:
    """A table's value as printed: withheld as "[c]"; a count 12,040; a rate 2.9; a share 62%; 43 days."""
    if value is None:
        return WITHHELD
    if kind == "text":
        return str(value)
    number = _number(value)
    if number is None:
        return str(value)
    if kind == "count":
        return f"{round(number):,}"
    if kind == "rate":
        return f"{number:,.1f}"
    if kind == "percent":
        return f"{number:.0%}"
    if kind == "days":
        days = f"{round(number):,}" if abs(number - round(number)) < 0.05 else f"{number:,.1f}"
        return f"{days} {'day' if days == '1' else 'days'}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def _whole(value: Any) -> int:
    number = _number(value)
    return 0 if number is None else round(number)
