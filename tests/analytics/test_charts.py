"""The report's SVG charts: well-formed, described in words, every point drawn, every label escaped."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import replace
from itertools import pairwise

import pytest

from fairhearing.analytics import charts
from fairhearing.analytics.results import Funnel, FunnelPoint
from tests.analytics.sample_report import funnel_limits, sample_report, stored

HOSTILE = 'Smith & Jones <b>"Panel"</b>'


def parse(svg: str) -> ET.Element:
    # Our own output, parsed to prove it is well-formed XML; nothing external is read.
    return ET.fromstring(svg)  # noqa: S314


def described(root: ET.Element) -> tuple[str, str]:
    assert root.tag == "svg" and root.get("role") == "img"
    title, desc = root.find("title"), root.find("desc")
    assert title is not None and title.text and desc is not None and desc.text
    # The accessible name and description are the chart's own title and desc.
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return title.text, desc.text


def body_funnel() -> Funnel:
    return sample_report().funnels[0]


def test_funnel_plot_draws_every_point_limits_and_the_line_at_one():
    funnel = body_funnel()
    root = parse(charts.funnel_plot(funnel, chart_id="f", title="Bodies", unit="body", units="bodies"))
    title, desc = described(root)
    assert title == "Bodies"
    points = root.findall(".//*[@class='point']")
    # The Constitutional Committee had nothing expected: it cannot be placed on a ratio scale, and the desc says so.
    assert sorted(p.get("data-label") for p in points) == [
        "Branch Executive",
        "National Disputes Panel",
        "Regional Office",
    ]
    assert "1 body with nothing expected could not be plotted" in desc
    limits = root.findall("polyline")
    assert sorted(line.get("data-limit") for line in limits) == ["95%", "95%", "99.8%", "99.8%"]
    # The reference line at 1 is one of the horizontal lines, drawn in ink across the whole plot.
    assert any(line.get("stroke") == charts.INK and line.get("y1") == line.get("y2") for line in root.findall("line"))


def test_funnel_points_outside_the_limits_are_labelled_and_named_in_the_desc():
    funnel = body_funnel()
    positions = charts.funnel_positions(funnel)
    assert positions == {
        "Branch Executive": charts.ABOVE_998,
        "National Disputes Panel": charts.WITHIN,
        "Regional Office": charts.WITHIN,
    }
    root = parse(charts.funnel_plot(funnel, chart_id="f", title="Bodies", unit="body", units="bodies"))
    labels = [t.text for t in root.findall(".//text[@class='point-label']")]
    assert labels == ["Branch Executive"]
    _, desc = described(root)
    assert "Outside the 95% limits: Branch Executive (2.9 times expected, above, beyond 99.8%)" in desc
    # Beyond 99.8% is drawn as a diamond, not only in another colour.
    (marked,) = [p for p in root.findall(".//*[@class='point']") if p.get("data-label") == "Branch Executive"]
    assert marked.tag == "path"


def test_a_point_below_the_lower_limit_is_below():
    funnel = Funnel("body", "suspension_or_more", (FunnelPoint("Quiet", 200, 2, 40.0, 0.05),), funnel_limits())
    assert charts.funnel_positions(funnel) == {"Quiet": charts.BELOW_998}
    desc = described(parse(charts.funnel_plot(funnel, chart_id="q", title="T")))[1]
    assert "Quiet (0.05 times expected, below, beyond 99.8%)" in desc


def test_funnel_plot_reads_the_stored_json_form_with_infinite_limits_as_null():
    as_stored = stored()["funnels"][0]
    assert as_stored["limits"][0][3] is None  # JSON has no infinity
    root = parse(charts.funnel_plot(as_stored, chart_id="f", title="Bodies"))
    assert len(root.findall(".//*[@class='point']")) == 3
    assert charts.funnel_positions(as_stored) == charts.funnel_positions(body_funnel())


def test_funnel_labels_and_titles_are_escaped():
    funnel = Funnel("body", "x", (FunnelPoint(HOSTILE, 20, 15, 3.0, 5.0),), funnel_limits())
    svg = charts.funnel_plot(funnel, chart_id='f"><script>', title="<Bodies & co>")
    assert "<b>" not in svg and "<script>" not in svg and "<Bodies" not in svg
    root = parse(svg)
    assert root.find("title").text == "<Bodies & co>"
    assert [t.text for t in root.findall(".//text[@class='point-label']")] == [HOSTILE]
    assert root.find(".//*[@class='point']").get("data-label") == HOSTILE


def test_forest_plot_is_on_a_log_scale_around_a_reference_line_at_one():
    rows = [
        charts.IntervalRow("Double", 2.0, 1.5, 2.5),
        charts.IntervalRow("Half", 0.5, 0.4, 0.625, highlight=True),
    ]
    root = parse(charts.forest_plot(rows, chart_id="o", title="Odds"))
    _, desc = described(root)
    estimates = root.findall(".//rect[@class='estimate']")
    assert [r.get("data-estimate") for r in estimates] == ["2", "0.5"]  # in the order given, never re-sorted
    (reference,) = root.findall(".//line[@class='reference']")
    one = float(reference.get("x1"))
    double, half = (float(r.get("x")) + 4 for r in estimates)
    # On a log scale half the odds sits as far below 1 as double the odds sits above it.
    assert double - one == pytest.approx(one - half, abs=0.2)
    assert "Double: 2.00 (1.50 to 2.50)" in desc and "Half: 0.50 (0.40 to 0.62) (reported)" in desc
    # The reported row is in the alert colour.
    assert [line.get("stroke") for line in root.findall(".//line[@class='interval']")] == [charts.ACCENT, charts.ALERT]


def test_forest_plot_draws_an_open_interval_to_the_edge_with_an_arrow():
    rows = [charts.IntervalRow("Open", 3.0, 0.0, math.inf), charts.IntervalRow("Huge", 400.0, 150.0, 900.0)]
    root = parse(charts.forest_plot(rows, chart_id="o", title="Odds"))
    _, desc = described(root)
    assert "Open: 3.00 (0.00 to ∞)" in desc
    arrows = [p for p in root.findall("path")]
    assert len(arrows) == 3  # both ends of the open interval, and the far end of the huge one


def test_forest_plot_on_a_linear_scale_puts_differences_either_side_of_zero():
    rows = [
        charts.IntervalRow("Harsher", 0.31, 0.2, 0.42, highlight=True),
        charts.IntervalRow("More lenient", -0.31, -0.42, -0.2),
        charts.IntervalRow("Unclear", 0.06, -0.15, 0.28),
    ]
    svg = charts.forest_plot(
        rows,
        chart_id="s",
        title="Severity",
        axis_label="Difference in sanction steps (linear scale): 0 = no difference",
        scale=charts.LINEAR,
        directions=("more lenient", "harsher"),
    )
    root = parse(svg)
    _, desc = described(root)
    (reference,) = root.findall(".//line[@class='reference']")
    zero = float(reference.get("x1"))
    # The reference line is at 0, and it is the tick labelled 0.
    (zero_tick,) = [t for t in root.findall("text") if t.text == "0"]
    assert float(zero_tick.get("x")) == pytest.approx(zero)
    harsher, lenient, unclear = (float(r.get("x")) + 4 for r in root.findall(".//rect[@class='estimate']"))
    # On a linear scale equal differences sit equally far either side of 0, harsher to the right.
    assert harsher - zero == pytest.approx(zero - lenient, abs=0.2)
    assert lenient < zero < unclear < harsher
    # Every tick the same distance apart, and negative ticks carry a true minus sign.
    xs = [float(line.get("x1")) for line in root.findall("line") if line.get("stroke") == charts.GRID]
    assert all(b - a == pytest.approx(xs[1] - xs[0], abs=0.2) for a, b in pairwise(xs))
    labels = [t.text for t in root.findall("text")]
    assert "\u22120.2" in labels and "+0.2" in labels
    assert "← more lenient" in labels and "harsher →" in labels
    assert "3 comparisons on a linear scale" in desc and "the vertical line at 0 means no difference" in desc
    assert "Harsher: +0.31 (+0.20 to +0.42) (reported)" in desc
    assert "More lenient: \u22120.31 (\u22120.42 to \u22120.20)" in desc
    assert "Unclear: +0.06 (\u22120.15 to +0.28)" in desc


def test_forest_plot_on_a_linear_scale_draws_open_intervals_and_a_tight_one_at_a_readable_width():
    rows = [charts.IntervalRow("Open below", -0.2, -math.inf, 0.1), charts.IntervalRow("Tight", 0.01, 0.0, 0.02)]
    root = parse(charts.forest_plot(rows, chart_id="s", title="Severity", scale=charts.LINEAR))
    _, desc = described(root)
    assert "Open below: \u22120.20 (\u2212∞ to +0.10)" in desc
    assert len(root.findall("path")) == 1  # the open end only
    # At least half a step either side of 0, so a tiny difference is not blown up to fill the chart.
    ticks = [t.text for t in root.findall("text") if t.get("fill") == charts.MUTED and t.get("text-anchor") == "middle"]
    assert ticks[0] in ("\u22120.5", "\u22120.6") and ticks[-1] in ("+0.5", "+0.6")
    with pytest.raises(ValueError, match="unknown scale"):
        charts.forest_plot(rows, chart_id="s", title="Severity", scale="square root")


def test_forest_plot_escapes_labels():
    svg = charts.forest_plot([charts.IntervalRow(HOSTILE, 1.2, 0.9, 1.6)], chart_id="o", title="A & B")
    assert "<b>" not in svg
    root = parse(svg)
    assert HOSTILE in [t.find("title").text for t in root.findall("text") if t.find("title") is not None]


def test_bar_chart_bars_are_proportional_and_a_missing_value_says_too_few():
    bars = [charts.Bar("Whole organisation", 0.8), charts.Bar("Branch", 0.4), charts.Bar("Tiny", None)]
    root = parse(charts.bar_chart(bars, chart_id="b", title="Explained share", summary="Explained share."))
    _, desc = described(root)
    widths = [float(r.get("width")) for r in root.findall(".//rect[@class='bar']")]
    assert len(widths) == 2 and widths[0] == pytest.approx(2 * widths[1])
    texts = [t.text for t in root.findall("text")]
    assert "too few to judge" in texts and "80%" in texts and "40%" in texts
    assert desc == "Explained share. Whole organisation: 80%; Branch: 40%; Tiny: too few to judge."


def test_bar_chart_of_amounts_scales_to_round_ticks_and_says_what_is_missing():
    bars = [charts.Bar("North", 35), charts.Bar("South", None), charts.Bar("East", 1200)]
    svg = charts.bar_chart(
        bars, chart_id="b", title="Cases", maximum=1200, value_text=lambda v: f"{v:,.0f} cases", missing="[c] withheld"
    )
    root = parse(svg)
    _, desc = described(root)
    widths = [float(r.get("width")) for r in root.findall(".//rect[@class='bar']")]
    assert len(widths) == 2 and widths[1] == pytest.approx(widths[0] * 1200 / 35, rel=0.01)
    texts = [t.text for t in root.findall("text")]
    # The axis ends on a round tick at or above the largest value.
    assert texts[0] == "0" and "1,250" in texts and "1,200 cases" in texts and "[c] withheld" in texts
    assert desc == "North: 35 cases; South: [c] withheld; East: 1,200 cases."


def test_bar_chart_escapes_labels():
    svg = charts.bar_chart([charts.Bar(HOSTILE, 0.5)], chart_id="b", title="T")
    assert "<b>" not in svg
    parse(svg)


def test_charts_carry_no_url_and_no_script():
    report = sample_report()
    svgs = [
        charts.funnel_plot(report.funnels[0], chart_id="f", title="F"),
        charts.forest_plot([charts.IntervalRow("A", 1.5, 1.1, 2.0)], chart_id="o", title="O"),
        charts.forest_plot([charts.IntervalRow("A", 0.5, 0.1, 0.9)], chart_id="l", title="L", scale=charts.LINEAR),
        charts.bar_chart([charts.Bar("A", 0.5)], chart_id="b", title="B"),
    ]
    for svg in svgs:
        assert "http" not in svg and "<script" not in svg and "style=" not in svg


def test_empty_charts_still_parse_and_say_so():
    forest = parse(charts.forest_plot([], chart_id="o", title="O"))
    assert "Nothing to show" in [t.text for t in forest.findall("text")]
    bars = parse(charts.bar_chart([], chart_id="b", title="B"))
    assert described(bars)[1] == "Nothing to show."
    empty = replace(body_funnel(), points=())
    _, desc = described(parse(charts.funnel_plot(empty, chart_id="f", title="F", unit="body", units="bodies")))
    assert desc.startswith("0 bodies plotted.") and "No body lies outside the 95% limits." in desc
