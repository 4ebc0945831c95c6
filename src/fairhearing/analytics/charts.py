"""The analysis report's charts as server-side SVG strings: a funnel plot, an interval (forest) plot and a bar chart.

Drawn here rather than by a JavaScript library so that the oversight page needs no script (its CSP allows only our
own), the self-contained HTML report prints the same charts, and a test can read every chart as XML. Colours, fonts
and line styles are SVG presentation attributes, not CSS: the site's CSP refuses inline styles, and the standalone
report must look right with no stylesheet at all.

Each chart is `role="img"` with a <title> and a <desc> that says in words what the picture shows, so a screen
reader user gets the finding and not a list of shapes; the pages also give the figures as a table. Every piece of
text is escaped: labels come from the organisation's own data (body names, panel names) and are not trusted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from html import escape
from itertools import pairwise
from typing import Any

from fairhearing.analytics.results import Funnel

# The site's palette (web/static/fairhearing/site.css), every colour at least 4.5:1 on white.
INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#d5dae1"
ACCENT = "#0b5cad"
ALERT = "#a4161a"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"

# Where a funnel point lies against its control limits; what the table beside a funnel plot also says.
WITHIN = "within"
ABOVE_95 = "above 95%"
ABOVE_998 = "above 99.8%"
BELOW_95 = "below 95%"
BELOW_998 = "below 99.8%"
OUTSIDE = frozenset({ABOVE_95, ABOVE_998, BELOW_95, BELOW_998})
# Round values for a log axis (1, 2 and 5 times a power of ten), and a generous width of one 12px character, bold
# included: labels are measured without a font, so they get room for the widest.
LOG_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
CHAR_W = 7.2
# The scales of an interval plot: ratios on a log scale around 1, differences on a linear scale around 0.
LOG = "log"
LINEAR = "linear"
SCALES = (LOG, LINEAR)


@dataclass(frozen=True)
class IntervalRow:
    """One line of an interval plot: an estimate of a ratio and its interval."""

    label: str
    estimate: float
    low: float
    high: float
    highlight: bool = False  # drawn in the alert colour: the differences the analysis reports


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # a share from 0 to 1, or an amount (bar_chart's maximum); None when there is no figure


def funnel_plot(
    funnel: Funnel | Mapping[str, Any],
    *,
    chart_id: str,
    title: str,
    unit: str = "unit",
    units: str = "units",
    outcome: str = "cases suspended or expelled",
) -> str:
    """Observed ÷ expected against expected, one point per unit, inside its 95% and 99.8% control limits.

    `funnel` is a `results.Funnel` or its JSON form (what the stored report holds). Points outside the 95% limits
    are labelled with their name; points beyond 99.8% are also drawn as diamonds, so the chart does not depend on
    colour alone. A unit with nothing expected cannot be placed on a ratio scale and is left out (the desc says so).
    """
    data = _mapping(funnel)
    limits = _limit_table(data.get("limits", ()))
    points = [_mapping(p) for p in data.get("points", ())]
    plotted = [p for p in points if _plottable(p)]
    positions = funnel_positions(data)

    width, height = 640, 420
    left, right, top, bottom = 60, 24, 16, 96
    plot_w, plot_h = width - left - right, height - top - bottom

    x_max = max([float(p["expected"]) for p in plotted] or [1.0]) * 1.08
    # Show every point, and enough above 1 that the upper limits are visible where most units sit; the limits
    # near zero expected run off to infinity and are cut at the top edge rather than squashing everything else.
    y_max = max([float(p["ratio"]) for p in plotted] + [2.0]) * 1.1
    x_ticks, y_ticks = _nice_ticks(0.0, x_max), _nice_ticks(0.0, y_max)
    x_max, y_max = max(x_max, x_ticks[-1]), max(y_max, y_ticks[-1])

    def sx(value: float) -> float:
        return left + plot_w * min(max(value, 0.0), x_max) / x_max

    def sy(value: float) -> float:
        return top + plot_h * (1 - min(max(value, 0.0), y_max) / y_max)

    parts: list[str] = []
    parts += _grid_and_axes(x_ticks, y_ticks, sx, sy, left, top, plot_w, plot_h)
    inside = [row for row in limits if row[0] <= x_max]
    edge = _limits_at(limits, x_max)
    if inside and edge is not None and inside[-1][0] < x_max < limits[-1][0]:
        # Carry the curves to the right-hand edge, where the table has a row beyond it.
        inside.append((x_max, *edge))
    for column, dash, name in ((1, "2 3", "99.8%"), (2, "6 4", "95%"), (3, "6 4", "95%"), (4, "2 3", "99.8%")):
        if len(inside) >= 2:
            path = " ".join(f"{sx(row[0]):.1f},{sy(row[column]):.1f}" for row in inside)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{MUTED}" stroke-width="1.5" '
                f'stroke-dasharray="{dash}" data-limit="{name}"/>'
            )
    parts.append(
        f'<line x1="{left}" y1="{sy(1):.1f}" x2="{left + plot_w}" y2="{sy(1):.1f}" stroke="{INK}" stroke-width="1.5"/>'
    )
    for p in plotted:
        x, y = sx(float(p["expected"])), sy(float(p["ratio"]))
        where = positions[str(p["label"])]
        label = escape(str(p["label"]))
        hover = (
            f"<title>{label}: {int(p['observed'])} observed, {_num(float(p['expected']))} expected, "
            f"{int(p['decisions'])} decisions</title>"
        )
        if where in (ABOVE_998, BELOW_998):
            parts.append(
                f'<path class="point" d="M{x:.1f},{y - 6:.1f} L{x + 6:.1f},{y:.1f} L{x:.1f},{y + 6:.1f} '
                f'L{x - 6:.1f},{y:.1f} Z" fill="{ALERT}" data-label="{label}">{hover}</path>'
            )
        elif where in OUTSIDE:
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{ALERT}" data-label="{label}">'
                f"{hover}</circle>"
            )
        else:
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{ACCENT}" fill-opacity="0.75" '
                f'data-label="{label}">{hover}</circle>'
            )
        if where in OUTSIDE:
            # Labels near the right edge go to the left of their point so they stay inside the picture.
            anchor, dx = ("end", -8) if x > left + plot_w * 0.7 else ("start", 8)
            parts.append(
                f'<text class="point-label" x="{x + dx:.1f}" y="{y - 6:.1f}" text-anchor="{anchor}" '
                f'fill="{INK}" font-weight="600">{label}</text>'
            )
    parts += _axis_labels(
        left, top, plot_w, plot_h, f"Expected number of {outcome} (allowing for the cases)", "Observed ÷ expected"
    )
    parts += _funnel_legend(left, height - 34)

    outside = sorted((str(p["label"]), float(p["ratio"])) for p in plotted if positions[str(p["label"])] in OUTSIDE)
    missing = len(points) - len(plotted)
    desc = [
        f"{len(plotted)} {units if len(plotted) != 1 else unit} plotted. Each point is one {unit}: across, how "
        f"many {outcome} its caseload would lead us to expect; up, how many there were, as a multiple of that "
        "(1 means as expected). The dashed curves are the 95% limits and the dotted curves the 99.8% limits: by "
        "chance alone about 1 point in 20 falls outside the first and 1 in 500 outside the second."
    ]
    if outside:
        desc.append(
            "Outside the 95% limits: "
            + "; ".join(
                f"{label} ({_num(ratio)} times expected, "
                f"{'above' if positions[label].startswith('above') else 'below'}"
                f"{', beyond 99.8%' if positions[label] in (ABOVE_998, BELOW_998) else ''})"
                for label, ratio in outside
            )
            + "."
        )
    else:
        desc.append(f"No {unit} lies outside the 95% limits.")
    if missing:
        desc.append(f"{missing} {units if missing != 1 else unit} with nothing expected could not be plotted.")
    return _svg(chart_id, width, height, title, " ".join(desc), parts)


def funnel_positions(funnel: Funnel | Mapping[str, Any]) -> dict[str, str]:
    """Where each unit's point lies against the limits (WITHIN, ABOVE_95, ...), as the funnel plot draws it.

    Units with nothing expected are absent, as they are from the plot.
    """
    data = _mapping(funnel)
    limits = _limit_table(data.get("limits", ()))
    points = [_mapping(p) for p in data.get("points", ())]
    return {
        str(p["label"]): _position(float(p["ratio"]), _limits_at(limits, float(p["expected"])))
        for p in points
        if _plottable(p)
    }


def _plottable(point: Mapping[str, Any]) -> bool:
    # A ratio to nothing expected is no ratio: such a unit cannot be placed on the chart.
    return _finite(point.get("expected")) and point["expected"] > 0 and _finite(point.get("ratio"))


@dataclass(frozen=True)
class _Axis:
    """Where an interval plot's values go across the plot, and which of them get a labelled grid line."""

    lo: float
    hi: float
    reference: float  # no difference: 1 for a ratio, 0 for a difference
    ticks: tuple[float, ...]
    position: Callable[[float], float]  # a value to a share of the plot's width, 0 to 1, clamped to the range
    label: Callable[[float], str]


def _log_axis(values: Sequence[float]) -> _Axis:
    # From a round value at or below the lowest bound to one at or above the highest, at least 0.5 to 2 so a tight
    # interval around 1 is not blown up, and at most 0.01 to 100.
    low_end, high_end = min([*values, 1.0]), max([*values, 1.0])
    lo = max([t for t in LOG_TICKS if t <= min(low_end, 0.5)], default=LOG_TICKS[0])
    hi = min([t for t in LOG_TICKS if t >= max(high_end, 2.0)], default=LOG_TICKS[-1])
    ticks = [t for t in LOG_TICKS if lo <= t <= hi]
    if len(ticks) > 7:
        # A wide range: the powers of ten and the ends only, or the labels run into each other.
        ticks = [t for t in ticks if t in (lo, hi) or math.log10(t).is_integer()]

    def position(value: float) -> float:
        clamped = min(max(value, lo), hi)
        return (math.log(clamped) - math.log(lo)) / (math.log(hi) - math.log(lo))

    return _Axis(lo, hi, 1.0, tuple(ticks), position, _ratio)


def _linear_axis(values: Sequence[float]) -> _Axis:
    # Round values either side of 0, at least -0.5 to 0.5 so a tight interval around 0 is not blown up. No outer
    # bound: a difference is bounded by what it measures (steps of the sanction scale), not by the chart.
    low_end, high_end = min([*values, -0.5]), max([*values, 0.5])
    ticks = _nice_ticks(low_end, high_end)
    # "+ 0.0" turns a tick of -0.0 into 0, so the reference line is not labelled "-0".
    ticks = [t + 0.0 for t in ticks]
    lo, hi = ticks[0], ticks[-1]

    def position(value: float) -> float:
        return (min(max(value, lo), hi) - lo) / (hi - lo)

    return _Axis(lo, hi, 0.0, tuple(ticks), position, _signed)


def forest_plot(
    rows: Sequence[IntervalRow],
    *,
    chart_id: str,
    title: str,
    axis_label: str | None = None,
    summary: str = "",
    scale: str = LOG,
    directions: tuple[str, str] = ("lower", "higher"),
) -> str:
    """Each row's estimate and interval, with a reference line where there is no difference.

    `scale` is LOG for ratios, with the reference at 1: ratios are symmetric on a log scale, so half the odds sits
    as far from 1 as double the odds. It is LINEAR for differences (say, in steps of the sanction scale), with the
    reference at 0 and negative values to its left. `directions` name the two sides ("more lenient", "harsher").
    Rows are drawn in the order given; the caller orders them by what they are, never by the size of the effect.
    An interval running past the drawn range, or open on one side, ends in an arrow instead of being squeezed.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use {LOG!r} or {LINEAR!r}")
    linear = scale == LINEAR
    if axis_label is None:
        axis_label = (
            "Difference (linear scale): 0 means no difference"
            if linear
            else "Odds ratio (log scale): 1 means no difference"
        )
    bounds = [_bounds(r, linear) for r in rows]
    label_w = min(max((len(r.label) for r in rows), default=10) * CHAR_W + 18, 380)
    max_chars = int((label_w - 18) / CHAR_W)
    plot_w, row_h = 360, 26
    value_w = max((len(_interval(r, linear)) for r in rows), default=10) * CHAR_W + 16
    left, top, bottom = label_w, 28, 52
    width = int(left + plot_w + value_w)
    height = top + bottom + row_h * max(len(rows), 1)

    finite = [v for r in rows for v in (r.estimate, r.low, r.high) if _finite(v) and (linear or v > 0)]
    axis = _linear_axis(finite) if linear else _log_axis(finite)

    def sx(value: float) -> float:
        return left + plot_w * axis.position(value)

    parts: list[str] = []
    plot_bottom = top + row_h * max(len(rows), 1)
    for tick in axis.ticks:
        x = sx(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" fill="{MUTED}">{axis.label(tick)}</text>'
        )
    reference = sx(axis.reference)
    parts.append(
        f'<line class="reference" x1="{reference:.1f}" y1="{top - 6}" x2="{reference:.1f}" y2="{plot_bottom}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    below, above = (escape(d) for d in directions)
    parts.append(f'<text x="{left:.1f}" y="{top - 12}" fill="{MUTED}">← {below}</text>')
    parts.append(f'<text x="{left + plot_w:.1f}" y="{top - 12}" text-anchor="end" fill="{MUTED}">{above} →</text>')
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{plot_bottom + 38}" text-anchor="middle" fill="{INK}">'
        f"{escape(axis_label)}</text>"
    )
    if not rows:
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + row_h / 2 + 4:.1f}" text-anchor="middle" '
            f'fill="{MUTED}">Nothing to show</text>'
        )
    for index, (row, (low, high)) in enumerate(zip(rows, bounds, strict=True)):
        y = top + row_h * index + row_h / 2
        colour = ALERT if row.highlight else ACCENT
        text = row.label if len(row.label) <= max_chars else row.label[: max_chars - 1] + "…"
        weight = ' font-weight="700"' if row.highlight else ""
        parts.append(
            f'<text x="{left - 10:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}"{weight}>'
            f"<title>{escape(row.label)}</title>{escape(text)}</text>"
        )
        x1, x2 = sx(low), sx(high)
        parts.append(
            f'<line class="interval" x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" stroke="{colour}" '
            f'stroke-width="2"/>'
        )
        if low < axis.lo:
            parts.append(_arrow(x1, y, -1, colour))
        if high > axis.hi:
            parts.append(_arrow(x2, y, 1, colour))
        if _finite(row.estimate) and (linear or row.estimate > 0):
            xe = sx(row.estimate)
            parts.append(
                f'<rect class="estimate" x="{xe - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}" '
                f'data-estimate="{_num(row.estimate)}"/>'
            )
        parts.append(
            f'<text x="{left + plot_w + 12:.1f}" y="{y + 4:.1f}" fill="{INK}"{weight}>{_interval(row, linear)}</text>'
        )

    lines = [f"{r.label}: {_interval(r, linear)}{' (reported)' if r.highlight else ''}" for r in rows]
    desc = (
        f"{summary + ' ' if summary else ''}{len(rows)} "
        f"{'comparison' if len(rows) == 1 else 'comparisons'} on a {scale} scale; a square is the estimate, its line "
        f"the range the true value probably lies in, and the vertical line at {axis.label(axis.reference)} means no "
        "difference. " + ("; ".join(lines) + "." if lines else "")
    )
    return _svg(chart_id, width, height, title, desc, parts)


def _bounds(row: IntervalRow, linear: bool) -> tuple[float, float]:
    """The row's interval with a missing bound open on that side: to minus infinity for a difference, and to 0 (the
    least a ratio can be) for a ratio; a missing upper bound is infinity either way."""
    if linear:
        low = row.low if _finite(row.low) else -math.inf
    else:
        low = row.low if _finite(row.low) and row.low > 0 else 0.0
    high = row.high if _finite(row.high) else math.inf
    return low, high


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    summary: str = "",
    maximum: float | None = None,
    value_text: Callable[[float], str] | None = None,
    missing: str = "too few to judge",
) -> str:
    """Horizontal bars: shares from 0 to 1 (the consistency indices), or with `maximum` amounts from 0 up to it
    (the counts, rates and days of a transparency report), each value written by `value_text`. A bar with no value
    says `missing` in words rather than being drawn as zero: a figure too small to judge, or withheld, is not none.
    """
    label_w = min(max((len(b.label) for b in bars), default=10) * CHAR_W + 18, 280)
    max_chars = int((label_w - 18) / CHAR_W)
    plot_w, value_w, row_h, top, bottom = 300, 130, 24, 12, 36
    left = label_w
    width = int(left + plot_w + value_w)
    plot_bottom = top + row_h * max(len(bars), 1)
    height = plot_bottom + bottom
    if maximum is None:
        ticks, tick_text = [0.0, 0.25, 0.5, 0.75, 1.0], _percent
        text_of = value_text or _percent
    else:
        # Round ticks up to at least the largest value, so the longest bar ends on or before the last line.
        ticks = _nice_ticks(0.0, maximum if _finite(maximum) and maximum > 0 else 1.0)
        tick_text, text_of = _amount, value_text or _amount
    scale = ticks[-1]

    parts: list[str] = []
    for tick in ticks:
        x = left + plot_w * tick / scale
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{plot_bottom}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{plot_bottom + 16}" text-anchor="middle" fill="{MUTED}">'
            f"{escape(tick_text(tick))}</text>"
        )
    for index, bar in enumerate(bars):
        y = top + row_h * index
        text = bar.label if len(bar.label) <= max_chars else bar.label[: max_chars - 1] + "…"
        parts.append(
            f'<text x="{left - 10:.1f}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"<title>{escape(bar.label)}</title>{escape(text)}</text>"
        )
        if bar.value is None or not _finite(bar.value):
            parts.append(
                f'<text x="{left + 6}" y="{y + row_h / 2 + 4:.1f}" fill="{MUTED}" font-style="italic">'
                f"{escape(missing)}</text>"
            )
            continue
        value = min(max(float(bar.value), 0.0), scale)
        parts.append(
            f'<rect class="bar" x="{left:.1f}" y="{y + 4}" width="{plot_w * value / scale:.1f}" '
            f'height="{row_h - 8}" fill="{ACCENT}" data-value="{_data_value(value, maximum is None)}"/>'
        )
        parts.append(
            f'<text x="{left + plot_w + 10:.1f}" y="{y + row_h / 2 + 4:.1f}" fill="{INK}">'
            f"{escape(text_of(float(bar.value)))}</text>"
        )
    lines = [f"{b.label}: {text_of(float(b.value)) if _finite(b.value) else missing}" for b in bars]
    desc = f"{summary + ' ' if summary else ''}" + ("; ".join(lines) + "." if lines else "Nothing to show.")
    return _svg(chart_id, width, height, title, desc, parts)


def _percent(value: float) -> str:
    return f"{value:.0%}"


def _amount(value: float) -> str:
    # Whole numbers with a thousands separator (1,200), as the tables beside the charts print counts.
    return f"{value:,.0f}" if float(value).is_integer() else _num(value)


def _data_value(value: float, share: bool) -> str:
    return f"{value:.3f}" if share else f"{value:g}"


# Helpers.


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, parts: Iterable[str]) -> str:
    # No xmlns: inside HTML the parser puts <svg> in the SVG namespace itself, and the report must carry no URL.
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "-", chart_id) or "chart"
    return (
        f'<svg class="chart" role="img" aria-labelledby="{safe_id}-title {safe_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="12" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{safe_id}-title">{escape(title)}</title><desc id="{safe_id}-desc">{escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return value


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _limit_table(rows: Iterable[Sequence[float]]) -> list[tuple[float, float, float, float, float]]:
    table = []
    for row in rows:
        if len(row) == 5 and _finite(row[0]):
            # Near zero expected the upper limits run to infinity (or are missing): drawn at the top edge, which
            # the scale clamps to. A missing lower limit is zero, the least a ratio can be.
            low998, low95 = (float(v) if _finite(v) else 0.0 for v in row[1:3])
            high95, high998 = (float(v) if _finite(v) else math.inf for v in row[3:5])
            table.append((float(row[0]), low998, low95, high95, high998))
    return sorted(table)


def _limits_at(
    limits: Sequence[tuple[float, float, float, float, float]], expected: float
) -> tuple[float, float, float, float] | None:
    """The four limits at `expected`, interpolated linearly between the tabulated rows (held at the ends)."""
    if not limits:
        return None
    if expected <= limits[0][0]:
        return limits[0][1:]
    for before, after in pairwise(limits):
        if before[0] <= expected <= after[0]:
            span = after[0] - before[0]
            t = 0.0 if span == 0 else (expected - before[0]) / span
            low998, low95, high95, high998 = (
                a + (b - a) * t if math.isfinite(a) and math.isfinite(b) else max(a, b)
                for a, b in zip(before[1:], after[1:], strict=True)
            )
            return low998, low95, high95, high998
    return limits[-1][1:]


def _position(ratio: float, at: tuple[float, float, float, float] | None) -> str:
    if at is None:
        return WITHIN
    low998, low95, high95, high998 = at
    if ratio > high998:
        return ABOVE_998
    if ratio > high95:
        return ABOVE_95
    if ratio < low998:
        return BELOW_998
    if ratio < low95:
        return BELOW_95
    return WITHIN


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) from `low` to at least `high`."""
    raw = max(high - low, 1e-9) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    steps = math.ceil((high - first) / step - 1e-9)
    return [round(first + i * step, 10) for i in range(steps + 1)]


def _grid_and_axes(
    x_ticks: Sequence[float],
    y_ticks: Sequence[float],
    sx: Callable[[float], float],
    sy: Callable[[float], float],
    left: int,
    top: int,
    plot_w: int,
    plot_h: int,
) -> list[str]:
    parts = []
    for tick in y_ticks:
        y = sy(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{_num(tick)}</text>')
    for tick in x_ticks:
        x = sx(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="{MUTED}">{_num(tick)}</text>'
        )
    parts.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="{MUTED}"/>')
    return parts


def _axis_labels(left: int, top: int, plot_w: int, plot_h: int, x_label: str, y_label: str) -> list[str]:
    y_mid = top + plot_h / 2
    return [
        f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 38}" text-anchor="middle" fill="{INK}">'
        f"{escape(x_label)}</text>",
        f'<text x="16" y="{y_mid:.1f}" text-anchor="middle" fill="{INK}" transform="rotate(-90 16 {y_mid:.1f})">'
        f"{escape(y_label)}</text>",
    ]


def _funnel_legend(left: int, y: int) -> list[str]:
    """Two rows: the lines, then the marks for points outside the limits."""
    rows = [
        [
            (f'<line x1="0" y1="0" x2="24" y2="0" stroke="{INK}" stroke-width="1.5"/>', "as expected (1)"),
            (
                f'<line x1="0" y1="0" x2="24" y2="0" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="6 4"/>',
                "95% limits",
            ),
            (
                f'<line x1="0" y1="0" x2="24" y2="0" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="2 3"/>',
                "99.8% limits",
            ),
        ],
        [
            (f'<circle cx="12" cy="0" r="4" fill="{ACCENT}" fill-opacity="0.75"/>', "within the limits"),
            (f'<circle cx="12" cy="0" r="5" fill="{ALERT}"/>', "outside 95%"),
            (f'<path d="M12,-6 L18,0 L12,6 L6,0 Z" fill="{ALERT}"/>', "outside 99.8%"),
        ],
    ]
    parts = []
    for line, items in enumerate(rows):
        x = left
        for mark, text in items:
            parts.append(
                f'<g transform="translate({x:.0f},{y + 20 * line})">{mark}'
                f'<text x="30" y="4" fill="{INK}">{text}</text></g>'
            )
            x += 30 + len(text) * CHAR_W + 20
    return parts


def _arrow(x: float, y: float, direction: int, colour: str) -> str:
    tip = x + 6 * direction
    return f'<path d="M{tip:.1f},{y:.1f} L{x:.1f},{y - 4:.1f} L{x:.1f},{y + 4:.1f} Z" fill="{colour}"/>'


def _num(value: float) -> str:
    """Two significant decimals at most, without trailing zeros: 1, 1.5, 0.25, 12.3."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _ratio(value: float) -> str:
    return _num(value) if value >= 0.1 else f"{value:.3g}"


def _signed(value: float) -> str:
    """A difference with its sign, so which side of 0 it lies is never in doubt ("+0.5", "0").

    Below 0 it takes the true minus sign (U+2212), which screen readers read as "minus" where a hyphen may be
    read as "dash" or skipped."""
    text = _num(abs(value))
    if text == "0":
        return "0"
    return ("+" if value > 0 else "\u2212") + text


def _interval(row: IntervalRow, signed: bool = False) -> str:
    # Fixed decimals, as the tables beside the charts print them; a difference carries its sign.
    def part(value: float) -> str:
        if not _finite(value):
            return "\u2212∞" if signed and value < 0 else "∞"
        text = f"{abs(value):.2f}" if abs(value) < 10 else f"{abs(value):.1f}"
        if not signed:
            return text if value >= 0 else f"-{text}"
        if float(text) == 0:
            return "0.00"
        return ("+" if value > 0 else "\u2212") + text

    return f"{part(row.estimate)} ({part(row.low)} to {part(row.high)})"
