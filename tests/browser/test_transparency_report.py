"""A published transparency report in Chromium, at desktop and phone sizes: the public page and the standalone
document a reader downloads from it. No serious or critical accessibility problem, no CSP violation, charts that
fit the screen, a document that opens from disk without asking for anything, and a page that prints as the
report alone.

The tour of every page (test_every_page.py) opens the same pages too; this one looks at the charts and the
document, and keeps a screenshot of the document's first screen with the CI artefacts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize

from tests.browser.support import VIEWPORTS, check_accessibility, screenshot
from tests.transparency.sample_content import store

CHARTS = 3  # the sample's tables that ask for a chart


def _charts_fit(page: Page, viewport: ViewportSize) -> None:
    charts = page.locator("svg[role=img]")
    assert charts.count() == CHARTS
    # Every chart scales down to the screen instead of making the page scroll sideways.
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_release_page_is_accessible_and_its_charts_fit(page: Page, live_server, viewport: ViewportSize):
    store()
    response = page.goto("/statistics/2026q3/")
    assert response is not None and response.status == 200
    check_accessibility(page)
    _charts_fit(page, viewport)
    assert page.get_by_role("cell", name="[c]").count() == 10
    size = "phone" if viewport["width"] < 600 else "desktop"
    screenshot(page, f"transparency-report-page-{size}")


def test_the_release_page_prints_as_the_report_alone(page: Page, live_server):
    store()
    page.goto("/statistics/2026q3/")
    assert page.locator("header.site").is_visible()
    page.emulate_media(media="print")
    for hidden in ("header.site", "footer.site", ".downloads", ".transparency-report .toc"):
        assert not page.locator(hidden).is_visible(), f"{hidden} is printed"
    assert page.get_by_role("heading", name="Transparency report 2026Q3").is_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_downloaded_document_opens_offline(page: Page, live_server, viewport: ViewportSize, tmp_path: Path):
    store()
    page.goto("/statistics/2026q3/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Web page, to keep (HTML)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "transparency-report-2026q3.html"

    # Opened from disk, as someone who kept the file would: the file is the only thing the browser asks for.
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(saved.as_uri())
    assert requests == [saved.as_uri()]
    assert page.title() == "Transparency report 2026Q3 - Example Party"
    check_accessibility(page)
    _charts_fit(page, viewport)
    if viewport["width"] >= 600:
        # What a reader first sees, kept with the CI artefacts: the window, not the whole page.
        screenshot(page, "transparency-report-first-page", full_page=False)
