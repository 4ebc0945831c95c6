"""The analysis report as people read it: a stored report (`results.Report.as_dict()`) put into words, tables and
charts, for the oversight page and for a self-contained HTML document.

Both show the same partial (`analysis/_report.html`) built from `report_context`, so the page and the document
can never disagree. The readers are mostly volunteers, so every figure comes with what it means in plain words,
and nothing is ranked by the size of a difference: a league table of groups invites reading noise as fact.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from fairhearing.analytics import charts
from fairhearing.report_parts import as_date as _date
from fairhearing.report_parts import as_datetime as _datetime
from fairhearing.report_parts import inline_stylesheet, words
from fairhearing.report_parts import number as _number
from fairhearing.report_parts import safe_svg as _safe

SHARED_STYLESHEET = "fairhearing/oversight.css"
DIRECTIONS = {"harsh": "Harsher than expected", "lenient": "More lenient than expected"}
DEPARTURES = {"above": "Above the range", "below": "Below the range"}
# How each funnel's units are named: (one, many, heading).
FUNNEL_UNITS = {
    "body": ("body", "bodies", "Bodies"),
    "decision_maker": ("decision-maker", "decision-makers", "Decision-makers"),
}
# Names the analytics give attributes and settings (analytics.disparities, analytics.analyse), as words; anything
# not named here is shown as its identifier in words.
ATTRIBUTES = {
    "region": "Region",
    "body": "Body",
    "decision_maker": "Decision-maker",
    "office": "Office held",
    "special_category": "Special category",
}
LABELS = {
    "alpha": "False discovery rate (alpha)",
    "min_group": "Fewest cases to judge a group or a body",
    "precedents_shown": "Similar cases shown for each decision",
    "kind": "Kind of model",
    "features": "Facts the model uses",
    "folds": "Cross-fitting folds",
    "trim_tail": "Set aside while fitting when the model gives its outcome a chance below",
    "penalty": "Ridge penalty",
    "coefficients": "Weight of each fact",
    "trimmed_while_fitting": "Decisions left out while fitting",
    "converged": "The fitting converged",
}


@dataclass(frozen=True)
class Measure:
    """How the comparisons of one measure (analytics.results.Comparison.measure) are drawn."""

    order: int  # rates first, then sanction severity, then time
    scale: str  # charts.LOG for a ratio, charts.LINEAR for a difference
    axis: str
    directions: tuple[str, str]  # what lies left and right of no difference


MEASURES = {
    "rate": Measure(0, charts.LOG, "Odds ratio (log scale): 1 = no difference", ("lower", "higher")),
    "steps": Measure(
        1, charts.LINEAR, "Difference in sanction steps (linear scale): 0 = no difference", ("more lenient", "harsher")
    ),
    "time": Measure(2, charts.LOG, "Ratio of typical times (log scale): 1 = the same", ("quicker", "slower")),
}
# A measure this code does not know yet is drawn as a ratio, after the rest, rather than left out.
OTHER_MEASURE = Measure(3, charts.LOG, "Ratio (log scale): 1 = no difference", ("lower", "higher"))
POSITIONS = {
    charts.WITHIN: "Within the limits",
    charts.ABOVE_95: "Above the 95% limit",
    charts.ABOVE_998: "Above the 99.8% limit",
    charts.BELOW_95: "Below the 95% limit",
    charts.BELOW_998: "Below the 99.8% limit",
}


@dataclass(frozen=True)
class PrecedentView:
    case_ref: str
    sanction: str


@dataclass(frozen=True)
class OutlierView:
    case_ref: str
    body: str
    decided_on: date | None
    sanction: str
    expected: str
    direction: str
    harsh: bool
    p_adjusted: str
    precedents: tuple[PrecedentView, ...]


@dataclass(frozen=True)
class DepartureView:
    case_ref: str
    body: str
    decided_on: date | None
    sanction: str
    lowest: str
    highest: str
    direction: str
    departure_reason: str


@dataclass(frozen=True)
class IndexView:
    body: str
    year: str
    first_of_body: bool  # the row that names the body; the years under it repeat it only for screen readers
    decisions: int
    too_few: bool
    explained_share: str
    like_case_spread: str
    neighbour_agreement: str


@dataclass(frozen=True)
class ComparisonView:
    group: str
    outcome: str
    cases: int
    too_small: bool
    reported: bool
    value: str
    reference: str
    raw: str
    adjusted: str
    p_adjusted: str
    sentence: str


@dataclass(frozen=True)
class FunnelRowView:
    label: str
    decisions: int
    observed: int
    expected: str
    ratio: str
    position: str
    outside: bool


@dataclass(frozen=True)
class FunnelView:
    heading: str
    outcome: str
    chart: SafeString
    rows: tuple[FunnelRowView, ...]
    outside: int


@dataclass(frozen=True)
class ChartView:
    heading: str
    chart: SafeString
    groups: int = 0
    reported: int = 0


def render_report_html(report: Mapping[str, Any], *, sanction_names: Mapping[str, str] | None = None) -> str:
    """The whole report as one HTML document with its styles inline and no script or external reference, so it
    can be mailed, archived or printed as it is. `sanction_names` as for `report_context`."""
    context = report_context(report, sanction_names=sanction_names)
    return render_to_string(
        "analysis/report.html",
        {"r": context, "document": True, "shared_css": inline_stylesheet(SHARED_STYLESHEET, "the analysis report")},
    )


def report_context(report: Mapping[str, Any], *, sanction_names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """What the report partial shows, worked out once from the stored report's plain data.

    The analytics name sanctions by their rulebook ids ("final-warning"); readers know them by name ("Final
    warning"). A report carries the names of the scale it was worked out on (`settings["sanction_names"]`, in
    the scale's order), and those win: they are what the ids meant when the analysis ran. `sanction_names` names
    the ids the report does not - a report stored before reports carried names - and an id named by neither is
    shown as it is.
    """
    settings = report.get("settings", {})
    own = settings.get("sanction_names")
    own_names = {str(k): str(v) for k, v in own.items()} if isinstance(own, Mapping) else {}
    names = {**(sanction_names or {}), **own_names}
    comparisons = [_comparison(c) for c in _in_order(report.get("comparisons", ()))]
    reported = [_comparison(c) for c in _in_order(report.get("disparities", ()))]
    indices = _indices(report.get("indices", ()))
    return {
        "generated_at": _datetime(report.get("generated_at")),
        "cases": report.get("cases", 0),
        "decisions": report.get("decisions", 0),
        "assessed": report.get("assessed", 0),
        "outliers": [_outlier(o, names) for o in report.get("outliers", ())],
        "departures": [_departure(d, names) for d in report.get("outside_guideline", ())],
        "indices": indices,
        "index_charts": _index_charts(report.get("indices", ())),
        "reported": reported,
        "comparisons": comparisons,
        "too_small": sum(1 for c in comparisons if c.too_small),
        "forests": _forests(report.get("comparisons", ())),
        "funnels": [_funnel(f, n) for n, f in enumerate(report.get("funnels", ()))],
        "model": _facts(report.get("model", {})),
        # The names are used throughout, so listing them among the settings would only repeat them.
        "settings": _facts({k: v for k, v in settings.items() if k not in {"sanction_names", "sanction_scale"}}),
        "alpha": _number(settings.get("alpha")),
        "scale_steps": _scale_steps(_scale_names(settings.get("sanction_scale"), own_names or sanction_names or {})),
        "notes": list(report.get("notes", ())),
    }


def _scale_names(order: Any, names: Mapping[str, str]) -> list[str]:
    """The sanctions' names, mildest first. The report's `sanction_scale` list gives the order; a stored object's
    keys do not keep theirs (PostgreSQL's jsonb sorts them), so without the list only unstored names are in order."""
    if isinstance(order, list) and names:
        return [names.get(str(s), str(s)) for s in order]
    return list(names.values())


# Each part of the report.


def _outlier(o: Mapping[str, Any], names: Mapping[str, str]) -> OutlierView:
    return OutlierView(
        case_ref=o["case_ref"],
        body=o["body"],
        decided_on=_date(o.get("decided_on")),
        sanction=names.get(o["sanction"], o["sanction"]),
        expected=names.get(o["expected"], o["expected"]),
        direction=DIRECTIONS.get(o["direction"], words(o["direction"]).capitalize()),
        harsh=o["direction"] == "harsh",
        p_adjusted=p_text(o.get("p_adjusted")),
        precedents=tuple(
            PrecedentView(ref, names.get(sanction, sanction))
            for ref, sanction in zip(o.get("precedents", ()), o.get("precedent_sanctions", ()), strict=False)
        ),
    )


def _departure(d: Mapping[str, Any], names: Mapping[str, str]) -> DepartureView:
    return DepartureView(
        case_ref=d["case_ref"],
        body=d["body"],
        decided_on=_date(d.get("decided_on")),
        sanction=names.get(d["sanction"], d["sanction"]),
        lowest=names.get(d["lowest"], d["lowest"]),
        highest=names.get(d["highest"], d["highest"]),
        direction=DEPARTURES.get(d["direction"], words(d["direction"]).capitalize()),
        departure_reason=d.get("departure_reason", ""),
    )


def _index_order(index: Mapping[str, Any]) -> tuple[bool, str, bool, int]:
    # The whole organisation first, then each body; within one, all years together before each year in turn.
    year = index.get("year")
    return (bool(index.get("body")), index.get("body") or "", year is not None, year or 0)


def _indices(indices: Iterable[Mapping[str, Any]]) -> list[IndexView]:
    rows, previous = [], None
    for index in sorted(indices, key=_index_order):
        body = index.get("body") or "Whole organisation"
        rows.append(
            IndexView(
                body=body,
                year="All years" if index.get("year") is None else str(index["year"]),
                first_of_body=body != previous,
                decisions=index.get("decisions", 0),
                too_few=bool(index.get("too_few")),
                explained_share=_share(index.get("explained_share")),
                like_case_spread=_steps(index.get("like_case_spread"), index.get("like_case_groups", 0)),
                neighbour_agreement=_share(index.get("neighbour_agreement")),
            )
        )
        previous = body
    return rows


def _index_charts(indices: Iterable[Mapping[str, Any]]) -> list[ChartView]:
    """Two of the three indices are shares, so they share a 0-100% scale; the spread is in steps and stays in
    the table."""
    overall = [i for i in sorted(indices, key=_index_order) if i.get("year") is None]
    if not overall:
        return []

    def bars(key: str) -> list[charts.Bar]:
        return [
            charts.Bar(i.get("body") or "Whole organisation", None if i.get("too_few") else _number(i.get(key)))
            for i in overall
        ]

    return [
        ChartView(
            "Explained share, all years",
            _safe(
                charts.bar_chart(
                    bars("explained_share"),
                    chart_id="index-explained",
                    title="Explained share by body, all years",
                    summary="How much of the difference between outcomes the recorded facts of the case explain.",
                )
            ),
        ),
        ChartView(
            "Neighbour agreement, all years",
            _safe(
                charts.bar_chart(
                    bars("neighbour_agreement"),
                    chart_id="index-neighbours",
                    title="Neighbour agreement by body, all years",
                    summary=(
                        "How close decisions came to the sanctions given in the five most similar cases, where 100% "
                        "means exactly the same."
                    ),
                )
            ),
        ),
    ]


def _in_order(comparisons: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """By what is compared, never by how big the difference is."""
    return sorted(
        comparisons,
        key=lambda c: (
            str(c.get("attribute", "")).casefold(),
            str(c.get("group", "")).casefold(),
            str(c.get("outcome", "")),
            str(c.get("measure", "")),
        ),
    )


def group_label(c: Mapping[str, Any]) -> str:
    attribute = ATTRIBUTES.get(c["attribute"], words(c["attribute"]).capitalize())
    return f"{attribute}: {c['group']}"


def _comparison(c: Mapping[str, Any]) -> ComparisonView:
    measure = c.get("measure")
    too_small = bool(c.get("too_small"))
    if measure == "time":
        value, reference = _days(c.get("value")), _days(c.get("reference_value"))
    elif measure == "steps":
        value, reference = _mean_steps(c.get("value")), _mean_steps(c.get("reference_value"))
    else:
        value, reference = _rate(c.get("value"), c.get("value_interval")), _rate(c.get("reference_value"), None)
    return ComparisonView(
        group=group_label(c),
        outcome=words(c["outcome"]).capitalize(),
        cases=c.get("cases", 0),
        too_small=too_small,
        reported=bool(c.get("reported")) and not too_small,
        value=value,
        reference=reference,
        raw=_effect(c.get("raw"), measure),
        adjusted=_effect(c.get("adjusted"), measure),
        p_adjusted=p_text(c.get("p_adjusted")),
        sentence="" if too_small else _sentence(c, value, reference),
    )


def _sentence(c: Mapping[str, Any], value: str, reference: str) -> str:
    """A reported difference in one plain sentence."""
    what = words(c["outcome"])
    head = f"{group_label(c)} ({c.get('cases', 0)} cases), {what}: {value} against {reference} for everyone else."
    if c.get("measure") == "steps":
        effect = _steps_effect(c.get("adjusted"))
        if effect is None:
            return head
    else:
        adjusted = _interval_parts(c.get("adjusted"))
        if adjusted is None:
            return head
        estimate, low, high = adjusted
        if c.get("measure") == "time":
            effect = f"their cases took {estimate} times as long as everyone else's"
        else:
            effect = f"the odds were {estimate} times those of everyone else"
        effect += f" (probably between {low} and {high})"
    return f"{head} After allowing for the facts of the cases, {effect}; adjusted p {p_text(c.get('p_adjusted'))}."


def _steps_effect(interval: Mapping[str, Any] | None) -> str | None:
    """A difference in sanction steps in words, each side of 0 named: harsher or more lenient."""
    estimate, low, high = (_number((interval or {}).get(k)) for k in ("estimate", "low", "high"))
    if estimate is None:
        return None
    if round(estimate, 2) == 0:
        effect = "their sanctions were no harsher and no more lenient than everyone else's"
    else:
        effect = f"their sanctions were {_harsher(estimate)} than everyone else's"
    if low is None or high is None:
        return effect
    if estimate > 0 and low >= 0:
        return f"{effect} (probably between {low:.2f} and {high:.2f})"
    if estimate < 0 and high <= 0:
        return f"{effect} (probably between {-high:.2f} and {-low:.2f})"
    # The interval runs across 0: say which way each end lies.
    return f"{effect} (probably between {_harsher(low)} and {_harsher(high)})"


def _harsher(steps: float) -> str:
    return f"{abs(steps):.2f} steps {'harsher' if steps >= 0 else 'more lenient'}"


def _measure(c: Mapping[str, Any]) -> Measure:
    return MEASURES.get(str(c.get("measure", "")), OTHER_MEASURE)


def _forests(comparisons: Iterable[Mapping[str, Any]]) -> list[ChartView]:
    """One interval plot per outcome, each group in the table's order: an odds ratio for a rate and a ratio of
    typical times for time to a decision, on a log scale around 1; a difference in steps for sanction severity, on
    a linear scale around 0. Too small comparisons are left out: they have no estimate worth drawing (the table
    says so). A plot with a reported difference is shown open on the page; the others are a click away, so dozens
    of groups that differ in nothing do not bury the few that do."""
    judged = [c for c in _in_order(comparisons) if not c.get("too_small")]

    def kind(c: Mapping[str, Any]) -> tuple[int, str, str]:
        return (_measure(c).order, str(c.get("outcome", "")), str(c.get("measure", "")))

    views = []
    for number, (_, outcome, measure_name) in enumerate(sorted({kind(c) for c in judged})):
        measure = MEASURES.get(measure_name, OTHER_MEASURE)
        linear = measure.scale == charts.LINEAR
        rows = []
        for c in judged:
            interval = c.get("adjusted") or c.get("raw")
            estimate, low, high = (_number((interval or {}).get(k)) for k in ("estimate", "low", "high"))
            if kind(c)[1:] != (outcome, measure_name) or estimate is None:
                continue
            unadjusted = "" if c.get("adjusted") else " (before adjusting)"
            rows.append(
                charts.IntervalRow(
                    label=f"{group_label(c)}{unadjusted}",
                    estimate=estimate,
                    # A missing bound is an interval open on that side: drawn to the edge, with an arrow. A ratio
                    # cannot go below 0; a difference can go either way.
                    low=(-math.inf if linear else 0.0) if low is None else low,
                    high=math.inf if high is None else high,
                    highlight=bool(c.get("reported")),
                )
            )
        if not rows:
            continue
        heading = f"{words(outcome).capitalize()}: each group against everyone else"
        chart = charts.forest_plot(
            rows,
            chart_id=f"forest-{number}",
            title=f"{heading}, after allowing for the facts of the cases",
            axis_label=measure.axis,
            summary="Differences reported are in bold and red.",
            scale=measure.scale,
            directions=measure.directions,
        )
        reported = sum(r.highlight for r in rows)
        views.append(ChartView(heading, _safe(chart), groups=len(rows), reported=reported))
    return views


def _funnel(funnel: Mapping[str, Any], number: int) -> FunnelView:
    unit, units, heading = FUNNEL_UNITS.get(
        funnel["attribute"], (words(funnel["attribute"]), words(funnel["attribute"]) + "s", words(funnel["attribute"]))
    )
    outcome = words(funnel["outcome"])
    positions = charts.funnel_positions(funnel)
    rows = tuple(
        FunnelRowView(
            label=str(p["label"]),
            decisions=p["decisions"],
            observed=p["observed"],
            expected=_decimal(p.get("expected")),
            ratio=_decimal(p.get("ratio")) if str(p["label"]) in positions else "-",
            position=POSITIONS.get(positions.get(str(p["label"]), ""), "Nothing expected: not plotted"),
            outside=positions.get(str(p["label"])) in charts.OUTSIDE,
        )
        # Alphabetical: the order of a list is read as a ranking, and the chart already shows who stands apart.
        for p in sorted(funnel.get("points", ()), key=lambda p: str(p["label"]).casefold())
    )
    chart = charts.funnel_plot(
        funnel,
        chart_id=f"funnel-{number}-{funnel['attribute']}",
        title=f"{heading}: {outcome}, observed against expected",
        unit=unit,
        units=units,
        outcome=f"cases {outcome}",
    )
    return FunnelView(
        heading=heading, outcome=outcome, chart=_safe(chart), rows=rows, outside=sum(r.outside for r in rows)
    )


def _facts(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(LABELS.get(key, words(key).capitalize()), _value(value)) for key, value in values.items()]


# Formatting.


def p_text(p: Any) -> str:
    value = _number(p)
    if value is None:
        return "-"
    if value < 0.001:
        return "less than 0.001"
    return f"{value:.3f}" if value < 0.01 else f"{value:.2f}"


def _decimal(value: Any) -> str:
    number = _number(value)
    return "-" if number is None else f"{number:.2f}"


def _share(value: Any) -> str:
    number = _number(value)
    return "-" if number is None else f"{number:.0%}"


def _steps(value: Any, groups: int) -> str:
    number = _number(value)
    if number is None:
        return "-"
    unit = "step" if round(number, 1) == 1 else "steps"
    return f"{number:.1f} {unit} ({groups} {'group' if groups == 1 else 'groups'} of like cases)"


def _rate(value: Any, interval: Mapping[str, Any] | None) -> str:
    number = _number(value)
    if number is None:
        return "-"
    text = f"{number:.1%}"
    if interval and _number(interval.get("low")) is not None and _number(interval.get("high")) is not None:
        text += f" ({interval['low']:.1%} to {interval['high']:.1%})"
    return text


def _mean_steps(value: Any) -> str:
    number = _number(value)
    return "-" if number is None else f"mean {number:.2f} steps"


def _signed(value: float) -> str:
    # A difference always shows its sign; below 0 the true minus sign, which screen readers read as "minus".
    text = f"{abs(value):.2f}"
    if float(text) == 0:
        return "0.00"
    return ("+" if value > 0 else "\u2212") + text


def _effect(interval: Mapping[str, Any] | None, measure: Any) -> str:
    """An estimate and its interval: a ratio for a rate or a time, a signed difference in steps for severity."""
    if measure != "steps":
        return _interval(interval)
    estimate, low, high = (_number((interval or {}).get(k)) for k in ("estimate", "low", "high"))
    if estimate is None:
        return "-"
    ends = "" if low is None or high is None else f" ({_signed(low)} to {_signed(high)})"
    return f"{_signed(estimate)} steps{ends}"


def _scale_steps(names: Sequence[str]) -> str:
    """The sanction scale as steps, mildest first: "0 = No further action, 1 = Advice, ..."."""
    return ", ".join(f"{step} = {name}" for step, name in enumerate(names))


def _days(value: Any) -> str:
    number = _number(value)
    return "-" if number is None else f"median {number:.0f} days"


def _ratio(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def _interval_parts(interval: Mapping[str, Any] | None) -> tuple[str, str, str] | None:
    if not interval or _number(interval.get("estimate")) is None:
        return None
    high = _number(interval.get("high"))
    return (
        _ratio(_number(interval.get("estimate"))),
        _ratio(_number(interval.get("low"))),
        "no upper bound" if high is None else _ratio(high),
    )


def _interval(interval: Mapping[str, Any] | None) -> str:
    parts = _interval_parts(interval)
    return "-" if parts is None else f"{parts[0]} ({parts[1]} to {parts[2]})"


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, Mapping):
        return "; ".join(f"{words(k)}: {_value(v)}" for k, v in value.items()) or "none"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(_value(v) for v in value) or "none"
    return str(value)
