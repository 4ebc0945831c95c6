"""The consistency and fairness analysis with a full report in Chromium, at desktop and phone sizes: no serious or
critical accessibility problem, no CSP violation, charts that fit the screen, and the standalone HTML document too.

The tour of every page (test_every_page.py) opens /oversight/analysis/ with no run stored, so it sees the empty
state; this one stores a realistic report first, so the tables, charts and their text alternatives are checked.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, ViewportSize

from fairhearing.analysis.models import AnalysisRun, AnalysisTrigger
from fairhearing.analysis.rendering import render_report_html
from tests.analytics.sample_report import stored
from tests.browser.support import VIEWPORTS, check_accessibility, screenshot
from tests.cases.organisation import build_org
from tests.signin import sign_in


def _signed_in(context: BrowserContext, live_server, user) -> None:
    client = Client()
    sign_in(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_report_page_is_accessible_and_fits(
    page: Page, browser_context: BrowserContext, live_server, viewport: ViewportSize, example_source
):
    org = build_org(example_source)
    report = stored()
    now = timezone.now()
    AnalysisRun.objects.create(
        started_at=now,
        finished_at=now,
        trigger=AnalysisTrigger.SCHEDULE,
        cases=report["cases"],
        decisions=report["decisions"],
        outliers=len(report["outliers"]),
        report=report,
    )
    _signed_in(browser_context, live_server, org.users["oversight"])
    response = page.goto("/oversight/analysis/")
    assert response is not None and response.status == 200
    check_accessibility(page)
    charts = page.locator("svg[role=img]")
    assert charts.count() == 7
    # Every chart scales down to the screen instead of making the page scroll sideways.
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["x"] + box["width"] <= viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    size = "phone" if viewport["width"] < 600 else "desktop"
    screenshot(page, f"analysis-report-{size}")


def test_the_standalone_document_is_accessible(page: Page):
    # Loaded as a document of its own, as someone opening the mailed or archived file would.
    page.set_content(render_report_html(stored()))
    check_accessibility(page)
    assert page.locator("svg[role=img]").count() == 7
    screenshot(page, "analysis-report-document")
