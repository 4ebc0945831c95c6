"""The transparency report as people read it: the standalone document (also what the PDF is printed from).

What a reader relies on: the document opens offline and refers to nothing outside itself; every figure is the
one in the release, formatted as the format says; a withheld figure reads "[c]", is explained, and is never drawn
as a zero bar; the disclosure control is described with this release's own numbers; and the signed checkpoint is
shown so exactly that it still verifies when copied out of the page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from fairhearing.procedure import checkpoint as notes
from fairhearing.transparency.rendering import format_value, render_document
from tests.transparency.reading import read, table
from tests.transparency.sample_content import LOG_SIZE, ORIGIN, sample_content


@pytest.fixture(scope="module")
def document() -> str:
    return render_document(sample_content())


def svgs(html: str) -> list[ET.Element]:
    # The charts are our own markup (fairhearing.analytics.charts); parsed as XML to prove they are well formed.
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]  # noqa: S314


def chart_titled(html: str, title: str) -> ET.Element:
    found = [svg for svg in svgs(html) if (svg.findtext("title") or "").startswith(title)]
    assert len(found) == 1, f"{len(found)} charts titled {title!r}"
    return found[0]


def test_the_document_refers_to_nothing_outside_itself(document):
    reader = read(document)
    tags = {tag for tag, _ in reader.tags}
    assert "script" not in tags and "link" not in tags and "iframe" not in tags and "img" not in tags
    assert "style" in tags, "the styles travel inside the file"
    for tag, attrs in reader.tags:
        assert "src" not in attrs, f"<{tag}> loads {attrs['src']}"
        href = attrs.get("href")
        # Links only within the document: a file opened offline has nowhere else to go.
        assert href is None or href.startswith("#"), f"<{tag}> links to {href}"
    assert not re.search(r"https?://|url\(|@import", document)


def test_the_document_has_a_page_title_language_and_one_heading():
    html = render_document(sample_content())
    reader = read(html)
    assert ("html", {"lang": "en-GB"}) in reader.tags
    assert "<title>Transparency report 2026Q3 - Example Party</title>" in html
    assert [tag for tag, _ in reader.tags].count("h1") == 1


def test_every_table_has_a_caption_and_scoped_headers(document):
    reader = read(document)
    captions = [t.caption for t in reader.tables]
    assert captions[:4] == [
        "Cases received by region, 2026Q3",
        "Where cases ended, 2026Q3",
        "Days from complaint to decision, 2026Q3",
        "Interim suspensions, 2026Q3",
    ]
    headers = [attrs for tag, attrs in reader.tags if tag == "th"]
    assert headers and all(attrs.get("scope") in ("col", "row") for attrs in headers)


def test_figures_are_formatted_by_their_kind(document):
    region = table(document, "Cases received by region")
    assert region.rows[0] == ["Region", "Cases received", "Members", "Per 1,000 members"]
    assert region.row("North") == ["North", "35", "12,040", "2.9"]
    assert region.row("Total") == ["Total", "120", "50,110", "2.4"]
    ended = table(document, "Where cases ended")
    assert ended.row("Dismissed at triage") == ["Dismissed at triage", "40", "40%", "Case officers"]
    days = table(document, "Days from complaint to decision")
    assert days.row("National disputes panel") == ["National disputes panel", "25", "43 days", "68%"]


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (None, "count", "[c]"),
        (None, "text", "[c]"),
        (1234567, "count", "1,234,567"),
        (0, "count", "0"),
        (2.45, "rate", "2.5"),
        (1234.5, "rate", "1,234.5"),
        (0.625, "percent", "62%"),
        (1, "percent", "100%"),
        (1, "days", "1 day"),
        (43.5, "days", "43.5 days"),
        (43.0, "days", "43 days"),
        ("Hearing panels", "text", "Hearing panels"),
    ],
)
def test_format_value(value, kind, text):
    assert format_value(value, kind) == text


def test_a_withheld_figure_reads_c_and_is_explained(document):
    region = table(document, "Cases received by region")
    assert region.row("South") == ["South", "[c]", "9,000", "[c]"]
    assert region.row("West") == ["West", "[c]", "13,840", "[c]"]
    assert "<strong>[c]</strong> means a figure withheld to protect individuals" in document
    # Each table with a withheld figure says what it means right under it; the one without says nothing.
    assert document.count("[c] withheld to protect individuals.") == 4


def test_a_chart_leaves_out_the_total_and_draws_no_bar_for_a_withheld_figure(document):
    chart = chart_titled(document, "Cases received by region: Cases received")
    bars = chart.findall(".//rect[@class='bar']")
    assert [float(b.get("data-value")) for b in bars] == [35, 45]
    assert float(bars[1].get("width")) == pytest.approx(float(bars[0].get("width")) * 45 / 35)
    texts = [t.text for t in chart.iter("text")]
    assert texts.count("[c] withheld") == 2 and "Total" not in texts
    desc = chart.findtext("desc")
    assert "North: 35" in desc and "South: [c] withheld" in desc and "Total" not in desc
    assert "2 withheld figures are marked [c] and have no bar: they are not zero." in document


def test_a_share_is_charted_on_a_scale_to_100_percent_and_days_in_days(document):
    shares = chart_titled(document, "Where cases ended: Share of cases ended")
    ticks = [t.text for t in shares.iter("text") if t.text and t.text.endswith("%")]
    assert "100%" in ticks and "40%" in ticks
    days = chart_titled(document, "Days from complaint to decision: Median time")
    assert "43 days" in [t.text for t in days.iter("text")]


def test_only_the_tables_that_ask_for_a_chart_get_one(document):
    assert len(svgs(document)) == 3
    content = sample_content()
    ended = content["sections"][0]["tables"][1]
    ended["chart"] = {"kind": "bar", "column": 2}  # a text column: nothing to draw
    content["sections"][0]["tables"][0]["chart"] = {"kind": "bar", "column": 7}  # no such column
    assert len(svgs(render_document(content))) == 1


def test_the_disclosure_control_is_described_with_this_releases_numbers(document):
    assert "A count of fewer than 10 is not published" in document
    assert "rounded</strong> to the nearest 5" in document
    assert "compared with the earlier reports 2026Q2, 2026H1" in document
    withheld = table(document, "Figures withheld in this report")
    assert [row[-1] for row in withheld.rows[1:]] == ["6", "3", "1", "10"]
    assert "Cases still open at the end of the quarter are counted at the stage they had reached." in document


def test_a_first_release_says_there_was_nothing_to_check_against():
    content = sample_content()
    content["disclosure"]["differenced_with"] = []
    assert "There was no earlier report whose figures could be compared" in render_document(content)


def test_the_consistency_indices_are_shown_and_too_few_is_said_in_words(document):
    indices = table(document, "Consistency of decisions")
    assert indices.row("Whole organisation") == ["Whole organisation", "62%", "81%", "0.7 steps"]
    assert indices.row("Branch executives") == ["Branch executives", *["Too few to judge"] * 3]


def test_without_consistency_or_checkpoint_their_sections_are_left_out():
    html = render_document(sample_content(consistency=None, checkpoint=None))
    assert 'id="consistency"' not in html and 'id="checkpoint"' not in html
    assert 'href="#consistency"' not in html and 'href="#checkpoint"' not in html


def test_the_checkpoint_shown_verifies_as_copied_from_the_document(document):
    content = sample_content()
    [note] = read(document).pre
    assert note == content["checkpoint"]["note"]
    key = content["checkpoint"]["verifier_key"]
    assert f'<code class="key">{key}</code>' in document
    opened = notes.open_checkpoint(note, notes.Verifier.parse(key), origin=ORIGIN)
    assert opened.size == LOG_SIZE
    assert "the log held 48,211 entries" in document
    for path in (f"/audit/consistency?old={LOG_SIZE}", "/audit/checkpoint", "/audit/key"):
        assert f"<code>{path}</code>" in document


def test_text_from_the_organisation_is_escaped():
    hostile = '<script>alert("x")</script>'
    content = sample_content(organisation=hostile)
    first = content["sections"][0]
    first["title"] = hostile
    first["tables"][0]["rows"][0]["label"] = hostile
    html = render_document(content)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_document_prints_on_a4_with_page_numbers_and_no_navigation(document):
    assert "size: A4" in document and 'counter(page) " of " counter(pages)' in document
    media_print = document[document.index("@media print") :]
    assert ".toc { display: none; }" in media_print
    assert "break-inside: avoid" in document and "table-header-group" in document
