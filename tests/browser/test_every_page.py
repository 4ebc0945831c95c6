"""Every page of the site in Chromium, at desktop and phone sizes: no serious or critical accessibility problem
(axe-core, WCAG 2.2 A/AA), no Content Security Policy violation, and a screenshot of each.

The pages are the access matrix's (tests/web/test_access_matrix.py), so a page added to the site is checked here
too; each is opened as someone allowed to see it, signed in by session cookie (the sign-in pages themselves have
their own tests) so the whole tour stays quick.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, ViewportSize

from tests.browser.support import VIEWPORTS, check_accessibility, screenshot
from tests.signin import sign_in
from tests.web.test_access_matrix import MATRIX, build_world

# Not pages: data, downloads, fragments; and Django's own admin, whose markup is not ours.
NOT_PAGES = {
    "web:health",
    "audit:checkpoint",
    "audit:key",
    "audit:consistency",
    "audit:inclusion",
    "web:portal_bundle_zip",
    "evidence:file",
    "cases:guideline",
    "transparency:release_pdf",
    "transparency:release_json",
    "transparency:release_document",
    "transparency:table_csv",
    "admin:index",
}
# Whom to show each page to: the first of these it allows.
VIEWERS = [
    "officer",
    "dpo",
    "oversight",
    "body_officer",
    "panellist",
    "admin",
    "mp",
    "complainant",
    "respondent",
    "anonymous",
]
PAGES = sorted(name for name, row in MATRIX.items() if row.method == "get" and name not in NOT_PAGES)


def _viewer(name: str) -> str:
    return next(who for who in VIEWERS if who in MATRIX[name].allowed)


def _as(context: BrowserContext, live_server, user) -> None:
    client = Client()
    sign_in(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_every_page_is_accessible(
    page: Page, browser_context: BrowserContext, live_server, viewport: ViewportSize, example_source, settings, tmp_path
):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    users, ids = build_world(example_source)
    size = "phone" if viewport["width"] < 600 else "desktop"
    for name in PAGES:
        who = _viewer(name)
        browser_context.clear_cookies()
        if who != "anonymous":
            _as(browser_context, live_server, users[who])
        response = page.goto(MATRIX[name].path.format(**ids))
        assert response is not None and response.status == 200, f"{name} as {who}: {response and response.status}"
        check_accessibility(page)
        screenshot(page, f"page-{name.replace(':', '-')}-{size}")
