"""The transparency report of the demo organisation, as `fairhearing demo` builds and publishes it, in Chromium.

The other browser tests of the report (test_transparency_report.py) use a sample release with every kind of figure;
this one is the real thing: the demo at the size `fairhearing demo` builds it, its last full year published through
disclosure control, read on the public page and as the downloaded document. A screenshot of the document's first
screen is kept with the CI artefacts.
"""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page
from weasyprint import HTML

from fairhearing.analytics.periods import parse
from fairhearing.demo.build import build_demo
from fairhearing.transparency.files import render_pdf
from fairhearing.transparency.rendering import render_document
from fairhearing.transparency.services import publish_release
from tests.browser.support import check_accessibility, screenshot

TODAY = date(2026, 11, 25)


def test_the_demo_organisations_report_renders_and_is_accessible(page: Page, live_server, example_source: str):
    # One test, because building the demo at full size takes most of a minute.
    build_demo(example_source, seed=1, today=TODAY, members=5000, cases=300)
    release = publish_release(parse("2025")).release
    content = release.content

    response = page.goto("/statistics/")
    assert response is not None and response.status == 200
    page.get_by_role("link", name="2025").first.click()
    page.wait_for_url("**/statistics/2025/")
    check_accessibility(page)
    assert page.get_by_role("heading", name="Transparency report 2025").first.is_visible()
    # The figures on the page are the release's: the cases received in 2025, rounded to 5.
    received = next(t for s in content["sections"] for t in s["tables"] if t["key"] == "received_by_body")
    total = received["rows"][-1]["values"][0]
    assert total is not None and total % 5 == 0 and total >= 10
    assert page.locator("table", has=page.locator("caption", has_text="Cases received by the body")).count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    # The standalone document, as a reader who downloaded it opens it: in a blank page, outside the site's policy.
    page.goto("about:blank")
    page.set_content(render_document(content))
    check_accessibility(page)
    assert page.title() == "Transparency report 2025 - Example Party"
    # The signed note exactly, its final newline included: a reader copies it from here to check it.
    assert page.locator("pre").first.inner_text() == content["checkpoint"]["note"]
    screenshot(page, "demo-transparency-report-first-page", full_page=False)

    # And on paper: the PDF, printed from the same document, runs to several pages.
    assert render_pdf(content).startswith(b"%PDF-")
    assert len(HTML(string=render_document(content)).render().pages) >= 3
