"""The API's interactive docs in Chromium: Swagger UI from fairhearing's own static files, within the CSP."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.support import check_accessibility, screenshot


def test_the_interactive_api_docs_render_within_the_csp(page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto("/api/v1/docs")
    assert response is not None and response.ok
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("fairhearing API")
    expect(page.get_by_text("/api/v1/cases/{reference}/actions/record_decision").first).to_be_visible()
    # Everything from here: no CDN, no other origin.
    origin = page.url.split("/api/")[0]
    assert requested and all(url.startswith((origin, "data:")) for url in requested), requested
    check_accessibility(page)
    screenshot(page, "api-docs")
