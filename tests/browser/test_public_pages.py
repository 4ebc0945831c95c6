"""The public pages and the sign-in page in Chromium, at desktop and phone sizes: accessible, within the CSP."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from fairhearing.cases import services
from fairhearing.cases.models import CaseSource, ComplainantKind
from fairhearing.organisation.services import load_rulebook_version
from tests.browser.support import VIEWPORTS, check_accessibility, screenshot, sign_in_through_form
from tests.cases.organisation import START, build_org

PAGES = {"home": "/", "rules": "/rules/", "sign-in": "/accounts/login/"}


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize(("name", "path"), PAGES.items(), ids=PAGES.keys())
def test_public_page(page: Page, viewport: ViewportSize, name: str, path: str, example_source: str) -> None:
    # The rules page has most to show (and most to get wrong) with a rulebook in force.
    load_rulebook_version(example_source)
    response = page.goto(path)
    assert response is not None and response.ok
    expect(page.locator("h1").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"{name}-{viewport['width']}x{viewport['height']}")


def test_public_pages_without_a_rulebook(page: Page) -> None:
    # A new installation: the home page says how to load a rulebook instead of describing one.
    page.goto("/")
    expect(page.get_by_text("No rulebook is in force yet")).to_be_visible()
    check_accessibility(page)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_member_signs_in_through_the_form_and_sees_the_portal(
    page: Page, viewport: ViewportSize, example_source: str
) -> None:
    org = build_org(example_source)
    # One open case, so the portal shows a case (and its receipts) rather than an empty page.
    case = services.open_case(
        user=org.users["officer"],
        respondent=org.members["respondent"],
        allegations=[services.AllegationInput("2.2", "Sent abusive messages to another member.", date(2026, 2, 1))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START,
    )
    sign_in_through_form(page, org.users["respondent"])
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cases")
    expect(page.get_by_role("main")).to_contain_text(case.reference)
    expect(page.get_by_role("link", name="Your cases")).to_have_attribute("aria-current", "page")
    check_accessibility(page)
    screenshot(page, f"portal-{viewport['width']}x{viewport['height']}")


def test_a_wrong_password_is_refused_accessibly(page: Page, example_source: str) -> None:
    org = build_org(example_source)
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(org.users["respondent"].username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    expect(page.get_by_label("Password")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
