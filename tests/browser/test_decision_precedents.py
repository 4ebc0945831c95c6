"""The decision form with comparable past decisions beside it (REQ 22), in Chromium at desktop and phone sizes: no
serious or critical accessibility problem or CSP violation, with the list and after a refused submit; beside the form
on a wide screen, above it on a phone, and nothing wider than the screen.

The tour of every page (test_every_page.py) opens another action's form; this one builds decided cases first, so the
comparable decisions and the box that records them are there to check.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect

from fairhearing.organisation.models import Member, OfficeHolding
from tests.analysis.casework import decided, heard
from tests.browser.support import VIEWPORTS, check_accessibility, screenshot
from tests.cases.organisation import build_org
from tests.signin import sign_in


def _signed_in(context: BrowserContext, live_server, user) -> None:
    client = Client()
    sign_in(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_decision_form_with_comparable_decisions(
    page: Page, browser_context: BrowserContext, live_server, viewport: ViewportSize, example_source, settings, tmp_path
):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    org = build_org(example_source)
    other = Member.objects.create(
        membership_number="M0999", name="Other Mp", branch=org.members["respondent"].branch, joined=date(2012, 1, 1)
    )
    OfficeHolding.objects.create(member=other, office="mp", since=date(2019, 12, 12))
    org.members["other_mp"] = other
    decided(org, who="other_mp")
    decided(org, sanction="warning", particulars="Rude messages to the branch secretary.")
    case, _ = heard(org)

    _signed_in(browser_context, live_server, org.users["panellist"])
    response = page.goto(f"/cases/{case.reference}/act/record_decision/")
    assert response is not None and response.status == 200
    check_accessibility(page)
    comparables, form = page.locator("section.comparables"), page.locator("form.action-form")
    expect(comparables.locator("li.comparable")).to_have_count(2)
    placed, main = comparables.bounding_box(), form.bounding_box()
    assert placed is not None and main is not None
    if viewport["width"] >= 960:
        assert placed["x"] >= main["x"] + main["width"]  # beside the form
    else:
        assert placed["y"] + placed["height"] <= main["y"]  # read before the form
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    size = "phone" if viewport["width"] < 600 else "desktop"
    screenshot(page, f"decision-form-comparables-{size}")

    # Submitted without the box ticked (nor anything else): the errors, the list and the box are all still usable.
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box to record that the panel considered")
    expect(page.locator("section.comparables li.comparable")).to_have_count(2)
    check_accessibility(page)
    # The summary links to the box, which is labelled by what it records.
    expect(page.locator('.error-summary a[href="#id_precedents_considered"]')).to_be_visible()
    expect(page.get_by_label("The panel considered these comparable decisions")).not_to_be_checked()
    screenshot(page, f"decision-form-comparables-refused-{size}")
