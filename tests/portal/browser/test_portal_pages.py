"""The portal in Chromium, on a desktop and on a 390px phone: accessible (axe, WCAG 2.2 AA), within the CSP,
nothing wider than the screen, and the forms usable with the keyboard and without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.support import VIEWPORTS, check_accessibility, screenshot, sign_in_through_form
from tests.cases.organisation import build_org
from tests.portal.cases import Journey

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def org(settings, tmp_path, example_source):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_org(example_source)


def fits(page: Page) -> None:
    """Nothing on the page is wider than the window (WCAG 1.4.10 reflow: no sideways scrolling at 320 CSS px+)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the window"


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_the_respondents_pages(page: Page, viewport: ViewportSize, org) -> None:
    notice = Journey(org, days_ago=5).notice().suspend(days=3)
    decided = Journey(org, days_ago=40).notify()
    size = f"{viewport['width']}x{viewport['height']}"
    sign_in_through_form(page, org.users["respondent"])
    expect(page).to_have_url(re.compile(r"/portal/$"))
    check_accessibility(page)
    fits(page)
    screenshot(page, f"portal-list-{size}")

    page.get_by_role("link", name=f"Case {notice.case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {notice.case.reference}")
    expect(page.get_by_text("Not a sanction", exact=True)).to_be_visible()
    check_accessibility(page)
    fits(page)
    screenshot(page, f"portal-case-respondent-{size}")

    page.get_by_role("link", name="Reply to the allegations").click()
    check_accessibility(page)
    fits(page)
    # Sent with a file but no description: the error summary names the field, and its link goes to it.
    page.get_by_label("Your reply to the allegations").fill("I deny it.")
    page.get_by_label("File 1", exact=True).set_input_files(
        files=[{"name": "screenshot.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Send my reply").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Say what file 1 is.")
    expect(page.get_by_label("What file 1 is")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
    fits(page)
    screenshot(page, f"portal-respond-error-{size}")
    alert.get_by_role("link", name="Say what file 1 is.").click()
    expect(page).to_have_url(re.compile(r"#id_description_1$"))
    # A browser never sends a file again after an error: choose it again, describe it, and send.
    page.get_by_label("File 1", exact=True).set_input_files(
        files=[{"name": "screenshot.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_label("What file 1 is").fill("Screenshot of the conversation")
    page.get_by_role("button", name="Send my reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your reply with 1 file was received.")
    check_accessibility(page)

    page.goto(f"/portal/cases/{decided.case.reference}/appeal/")
    check_accessibility(page)
    fits(page)
    screenshot(page, f"portal-appeal-{size}")
    page.get_by_role("button", name="Lodge my appeal").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick at least one ground of appeal.")
    check_accessibility(page)
    page.get_by_label("The sanction is too severe for what was found").check()
    page.get_by_label("Why you are appealing").fill("One message does not merit a final warning.")
    page.get_by_role("button", name="Lodge my appeal").click()
    expect(page.get_by_role("status")).to_contain_text("Your appeal was lodged.")


@pytest.mark.parametrize("viewport", [VIEWPORTS["phone"]], ids=["phone"])
def test_the_complainants_case_page(page: Page, viewport: ViewportSize, org) -> None:
    case = Journey(org, days_ago=40).notify().case
    sign_in_through_form(page, org.users["complainant"])
    page.goto(f"/portal/cases/{case.reference}/")
    expect(page.get_by_role("heading", name="Outcome")).to_be_visible()
    check_accessibility(page)
    fits(page)
    screenshot(page, "portal-case-complainant-390x844")
