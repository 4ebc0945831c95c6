"""The analysis report as a self-contained HTML document (fairhearing.analysis.rendering.render_report_html)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string

from fairhearing.analysis.rendering import render_report_html, report_context
from fairhearing.analytics.results import Interval
from tests.analytics.sample_report import sample_report, stored

SECTIONS = [
    "Decisions that stand out",
    "Outside the sanction guideline",
    "Consistency by body and year",
    "Differences between groups",
    "Bodies and decision-makers compared with their cases",
    "How this was worked out",
]


class Outline(HTMLParser):
    """The headings, the table rows' cells and every attribute of a document, read as a browser would."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.rows: list[list[str]] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.attributes += [(tag, name, value) for name, value in attrs]
        if tag in ("h1", "h2", "h3"):
            self._heading = []
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self._cell = []
        elif tag == "li" and self._cell is not None:
            self._cell.append(" ")  # list items read apart, as they show

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)
        if self._cell is not None:
            self._cell.append(data)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def table_rows(html: str, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption (up to its first bracket)."""
    start = html.index(f">{caption}")
    table = html[start : html.index("</table>", start)]
    return outline("<table>" + table[table.index("<tbody>") :]).rows


def test_the_document_has_every_section_in_order():
    html = render_report_html(stored())
    headings = outline(html).headings
    assert headings[0] == "Consistency and fairness analysis"
    assert [h for h in headings if h in SECTIONS] == SECTIONS
    assert "Figures worked out on 2 March 2026 at 09:15" in html


def test_the_document_is_self_contained_with_no_script_and_no_url():
    html = render_report_html(stored())
    assert html.startswith("<!doctype html>")
    assert "<script" not in html.lower()
    assert not re.search(r"https?://", html)
    assert "<link" not in html and "@import" not in html and "url(" not in html
    # Every attribute that could fetch something points nowhere outside the document.
    for tag, name, value in outline(html).attributes:
        if name in ("src", "href", "srcset", "action", "xlink:href"):
            assert value is not None and value.startswith("#"), (tag, name, value)
    # The styles are inline, the shared rules of the oversight page's stylesheet included, and print-friendly.
    assert "<style>" in html and ".analysis-report .too-few" in html and "@media print" in html
    assert "&gt;" not in html[html.index("<style>") : html.index("</style>")]


def test_every_chart_is_well_formed_and_described():
    html = render_report_html(stored())
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    # Two consistency bar charts, one interval plot per outcome compared, one funnel per funnel in the report.
    assert len(svgs) == 7
    for svg in svgs:
        root = ET.fromstring(svg)  # noqa: S314 - our own output
        assert root.get("role") == "img" and root.find("title").text and root.find("desc").text


@pytest.fixture
def names(example_rulebook) -> dict[str, str]:
    """The example rulebook's sanction names by id, as the oversight page passes them."""
    return {s.id: s.name for s in example_rulebook.sanctions}


def test_decisions_that_stand_out_with_their_precedents(names):
    html = render_report_html(stored(), sanction_names=names)
    rows = table_rows(html, "Decisions that stand out from cases like them")
    assert rows[0] == [
        "FH-2025-0042",
        "Branch Executive",
        "14 Jun 2025",
        "Suspension from membership",
        "Advice",
        "Harsher than expected",
        "0.003",
        "FH-2024-0107: Advice FH-2025-0013: No further action FH-2024-0090: Warning",
    ]
    assert rows[1][5:7] == ["More lenient than expected", "0.01"]
    # In the document a case reference is text, not a link into a site the reader may not be signed in to.
    assert 'href="/cases/' not in html


def test_outside_the_guideline_shows_the_range_and_the_reason(names):
    rows = table_rows(render_report_html(stored(), sanction_names=names), "Decisions outside the guideline range")
    assert rows == [
        [
            "FH-2025-0042",
            "Branch Executive",
            "14 Jun 2025",
            "Suspension from membership",
            "Advice to Warning",
            "Above the range",
            "The member's post was widely shared.",
        ]
    ]


def test_sanctions_are_named_from_the_report_itself_or_shown_as_ids():
    report = stored()
    # What `fairhearing analyse --out` writes: the report names its own sanctions, everywhere it shows one.
    html = render_report_html(report)
    assert table_rows(html, "Decisions outside the guideline range")[0][3:5] == [
        "Suspension from membership",
        "Advice to Warning",
    ]
    assert table_rows(html, "Decisions that stand out from cases like them")[0][3:5] == [
        "Suspension from membership",
        "Advice",
    ]
    assert "Sanction names" not in html and "final warning: Final warning" not in html  # used, not listed
    # The scale is spelled out where severity is explained in steps.
    assert "0 = No further action, 1 = Advice, 2 = Warning, 3 = Final warning, 4 = Suspension from membership, " in html
    del report["settings"]["sanction_names"]
    html = render_report_html(report)
    assert table_rows(html, "Decisions outside the guideline range")[0][3:5] == ["suspension", "advice to warning"]
    assert "0 is no action, and each heavier sanction is one step more" in html


def test_the_reports_own_sanction_names_win_and_other_names_only_fill_gaps():
    report = stored()
    report["settings"]["sanction_names"] = {"suspension": "Suspension (as named then)", "advice": "Advice"}
    html = render_report_html(report, sanction_names={"suspension": "Suspension (renamed since)", "warning": "Warning"})
    # The report's names are what its ids meant when it ran; the names given fill in what it does not name.
    assert table_rows(html, "Decisions outside the guideline range")[0][3:5] == [
        "Suspension (as named then)",
        "Advice to Warning",
    ]


def test_consistency_indices_explained_and_too_few_decisions_not_judged():
    html = render_report_html(stored())
    for explanation in (
        "How much of the difference between outcomes the recorded facts of the case explain",
        "The average difference in sanction steps between cases with the same facts",
        "How close each decision came to the sanctions given in the five cases most like it",
    ):
        assert explanation in html
    rows = table_rows(html, "Consistency measures by body and year")
    # The whole organisation first, then each body with all its years before each year.
    assert [row[:2] for row in rows] == [
        ["Whole organisation", "All years"],
        ["Branch Executive", "All years"],
        ["Branch Executive,", "2025"],
        ["National Disputes Panel", "All years"],
        ["National Disputes Panel,", "2024"],
        ["National Disputes Panel,", "2025"],
    ]
    assert rows[0][2:] == ["187", "68%", "0.6 steps (31 groups of like cases)", "78%"]
    assert rows[2][2:] == ["6", "Too few to judge"]


def test_every_comparison_listed_by_group_with_too_small_ones_not_judged():
    html = render_report_html(stored())
    rows = table_rows(html, "Every comparison between groups")
    # By attribute then group, never by the size of the difference.
    assert [(row[0], row[1]) for row in rows] == [
        ("Office held: senior office", "Days to decision"),
        ("Office held: senior office", "Sanction severity"),
        ("Office held: senior office", "Suspended or expelled"),
        ("Region: London", "Suspended or expelled"),
        ("Region: North", "Sanction severity"),
        ("Region: North", "Suspended or expelled"),
        ("Region: Wales", "Suspended or expelled"),
    ]
    assert rows[6] == ["Region: Wales", "Suspended or expelled", "4", "Too few to judge", "Not judged"]
    assert rows[2] == [
        "Office held: senior office",
        "Suspended or expelled",
        "48",
        "4.2% (1.2% to 14.0%)",
        "21.3%",
        "0.16 (0.04 to 0.68)",
        "0.21 (0.05 to 0.83)",
        "0.01",
        "Reported",
    ]
    assert rows[0][3:5] == ["median 41 days", "median 63 days"]
    # Severity in steps of the sanction scale: means, and differences that carry their sign.
    assert rows[1][3:8] == [
        "mean 1.10 steps",
        "mean 2.31 steps",
        "\u22121.21 steps (\u22121.52 to \u22120.90)",
        "\u22120.31 steps (\u22120.42 to \u22120.20)",
        "0.001",
    ]
    assert rows[4][3:9] == [
        "mean 2.44 steps",
        "mean 2.27 steps",
        "+0.18 steps (\u22120.12 to +0.47)",
        "+0.06 steps (\u22120.15 to +0.28)",
        "0.71",
        "No",
    ]
    assert "1 comparison had too few cases to judge" in html
    # Only the reported comparisons are highlighted, in the table and in the list of differences reported.
    assert html.count('<tr class="reported">') == 3 + 2  # three comparisons, and two funnel units outside the limits
    reported = re.findall(r"<li>(Office held: senior office.*?)</li>", html)
    assert "their cases took 0.71 times as long" in reported[0]
    assert reported[1] == (
        "Office held: senior office (48 cases), sanction severity: mean 1.10 steps against mean 2.31 steps for "
        "everyone else. After allowing for the facts of the cases, their sanctions were 0.31 steps more lenient "
        "than everyone else&#x27;s (probably between 0.20 and 0.42); adjusted p 0.001."
    )
    assert reported[2].startswith("Office held: senior office (48 cases), suspended or expelled: 4.2% (1.2% to 14.0%)")
    assert "the odds were 0.21 times those of everyone else (probably between 0.05 and 0.83)" in reported[2]


@pytest.mark.parametrize(
    ("adjusted", "effect"),
    [
        (
            Interval(0.3112, 0.1988, 0.4236),
            "their sanctions were 0.31 steps harsher than everyone else's (probably between 0.20 and 0.42)",
        ),
        (
            Interval(-0.3112, -0.4236, -0.1988),
            "their sanctions were 0.31 steps more lenient than everyone else's (probably between 0.20 and 0.42)",
        ),
        # Not reported, so it may cross 0: each end is named for the side it lies on.
        (
            Interval(0.0614, -0.1523, 0.2751),
            "their sanctions were 0.06 steps harsher than everyone else's "
            "(probably between 0.15 steps more lenient and 0.28 steps harsher)",
        ),
        (
            Interval(0.0012, -0.1, 0.1),
            "their sanctions were no harsher and no more lenient than everyone else's "
            "(probably between 0.10 steps more lenient and 0.10 steps harsher)",
        ),
    ],
)
def test_a_difference_in_steps_is_put_in_words_either_way(adjusted, effect):
    severity = replace(sample_report().comparisons[5], adjusted=adjusted)
    assert severity.measure == "steps"
    (view,) = report_context(stored(sample_report(comparisons=(severity,))))["comparisons"]
    assert f"After allowing for the facts of the cases, {effect}; adjusted p 0.001." in view.sentence


def test_a_too_small_group_is_never_drawn_or_reported_even_if_marked():
    report = sample_report()
    wales = replace(report.comparisons[1], reported=True, adjusted=None, raw=None)
    html = render_report_html(
        stored(replace(report, comparisons=(*report.comparisons[:1], wales, *report.comparisons[2:])))
    )
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert svgs and not any("Region: Wales" in svg for svg in svgs)  # no row in any interval plot
    wales_row = next(r for r in table_rows(html, "Every comparison between groups") if r[0] == "Region: Wales")
    assert wales_row[3:] == ["Too few to judge", "Not judged"]


def test_one_interval_plot_per_outcome_open_where_something_is_reported():
    report = sample_report()
    north = replace(report.comparisons[2], outcome="dismissed at triage")
    html = render_report_html(stored(replace(report, comparisons=(*report.comparisons, north))))
    summaries = re.findall(r"<summary>(.*?)</summary>", html)
    # Rates first, then severity, then time; the too small group (Wales) is not drawn.
    assert summaries[:4] == [
        "Dismissed at triage: each group against everyone else (1 group)",
        "Suspended or expelled: each group against everyone else (3 groups, 1 reported)",
        "Sanction severity: each group against everyone else (2 groups, 1 reported)",
        "Days to decision: each group against everyone else (1 group, 1 reported)",
    ]
    assert html.count('<details class="forest" open>') == 4  # the document prints them all
    page = render_to_string(
        "analysis/_report.html",
        {"r": report_context(stored(replace(report, comparisons=(*report.comparisons, north))))},
    )
    # On the page only the plots with a reported difference start open.
    assert re.findall(r'<details class="forest"( open)?><summary>([^:<]+)', page) == [
        ("", "Dismissed at triage"),
        (" open", "Suspended or expelled"),
        (" open", "Sanction severity"),
        (" open", "Days to decision"),
    ]


def test_severity_is_drawn_as_a_difference_on_a_linear_scale_and_ratios_on_a_log_scale():
    html = render_report_html(stored())
    svgs = {
        ET.fromstring(svg).find("title").text.split(":")[0]: ET.fromstring(svg)  # noqa: S314 - our own output
        for svg in re.findall(r'<svg[^>]*aria-labelledby="forest-.*?</svg>', html, flags=re.S)
    }
    assert sorted(svgs) == ["Days to decision", "Sanction severity", "Suspended or expelled"]
    severity = svgs["Sanction severity"]
    assert "on a linear scale" in severity.find("desc").text
    assert "Difference in sanction steps (linear scale): 0 = no difference" in [t.text for t in severity.iter("text")]
    estimates = {r.get("data-estimate") for r in severity.iter("rect") if r.get("class") == "estimate"}
    assert estimates == {"-0.31", "0.06"}  # the adjusted differences, below and above 0
    (reference,) = [line for line in severity.iter("line") if line.get("class") == "reference"]
    (zero,) = [t for t in severity.iter("text") if t.text == "0"]
    assert float(zero.get("x")) == pytest.approx(float(reference.get("x1")))
    for ratio in ("Days to decision", "Suspended or expelled"):
        assert "on a log scale" in svgs[ratio].find("desc").text
    # The steps are explained beside the ratios, for a reader who meets them in the table.
    assert "<dt>Difference after allowing for the facts</dt>" in html
    assert "0 means no difference, +0.3 means the group's sanctions were on average 0.3 of a step harsher" in html


def test_funnel_plots_for_bodies_and_decision_makers_with_their_figures():
    html = render_report_html(stored())
    headings = outline(html).headings
    assert "Bodies: suspended or expelled" in headings and "Decision-makers: suspended or expelled" in headings
    rows = table_rows(html, "Bodies: suspended or expelled, observed and expected")
    # Alphabetical, not ranked; the unit with nothing expected is listed but not plotted.
    assert [row[0] for row in rows] == [
        "Branch Executive",
        "Constitutional Committee",
        "National Disputes Panel",
        "Regional Office",
    ]
    assert rows[0] == ["Branch Executive", "19", "9", "3.10", "2.90", "Above the 99.8% limit"]
    assert rows[1][-1] == "Nothing expected: not plotted"
    # Printed open: the figures behind each chart are part of the document.
    assert html.count('<details class="figures-behind" open>') == 2


def test_the_model_settings_and_notes():
    html = render_report_html(stored())
    assert "A decision is listed when its adjusted p is below 0.05." in html
    assert "<dt>Kind of model</dt><dd>proportional-odds (cumulative logit), ridge-penalised" in html
    assert (
        "<dt>Facts the model uses</dt><dd>guideline start, seriousness, aggravating, mitigating, allegations</dd>"
    ) in html
    assert "<dt>Weight of each fact</dt><dd>guideline start: 1.841; seriousness: 0.4127</dd>" in html
    assert "<dt>The fitting converged</dt><dd>yes</dd>" in html
    assert "<dt>False discovery rate (alpha)</dt><dd>0.05</dd>" in html
    assert "<dt>Special category</dt><dd>none</dd>" in html
    assert "Appeal decisions are not included" in html


def test_text_from_the_data_is_escaped():
    report = sample_report()
    hostile = "Smith & Jones <script>alert(1)</script>"
    outlier = replace(report.outliers[0], body=hostile)
    funnel = replace(report.funnels[0], points=(replace(report.funnels[0].points[0], label=hostile),))
    html = render_report_html(stored(replace(report, outliers=(outlier,), funnels=(funnel,), notes=(hostile,))))
    assert "<script" not in html
    assert "Smith &amp; Jones &lt;script&gt;" in html


def test_an_empty_report_says_so_in_every_section():
    empty = replace(
        sample_report(),
        cases=0,
        decisions=0,
        assessed=0,
        outliers=(),
        outside_guideline=(),
        indices=(),
        disparities=(),
        comparisons=(),
        funnels=(),
        notes=(),
    )
    html = render_report_html(stored(empty))
    for message in (
        "No decision stands out from the decisions in cases like it.",
        "Every decision assessed against the guideline is within its range.",
        "There were no decisions to measure.",
        "No difference between groups is clear enough to report",
        "No comparison between groups was made.",
        "No funnel plot: there were no decisions to compare.",
    ):
        assert message in html
    assert "<svg" not in html


def test_the_context_reads_the_report_as_computed_and_as_stored_alike():
    # `fairhearing analyse --out` renders what it just computed; the page renders what was stored as JSON (lists
    # for tuples, null for infinity). Both must read the same.
    assert report_context(sample_report().as_dict()) == report_context(stored())
