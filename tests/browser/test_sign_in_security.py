"""The sign-in hardening pages in Chromium: two-factor set-up and code, the locked-out page, password reset."""

from __future__ import annotations

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.support import VIEWPORTS, check_accessibility, screenshot, sign_in_through_form
from tests.cases.organisation import build_org


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_a_case_officer_sets_up_an_authenticator_app_at_first_sign_in(
    page: Page, viewport: ViewportSize, example_source: str
) -> None:
    officer = build_org(example_source).users["officer"]
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("a long test password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    check_accessibility(page)
    screenshot(page, f"two-factor-setup-{viewport['width']}x{viewport['height']}")

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Check the code and finish").click()
    expect(page.get_by_label("Code from your authenticator app")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
    # Past the back-off after a wrong code, the code the phone would show now lets the officer in.
    TOTPDevice.objects.filter(user=officer).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    device = TOTPDevice.objects.get(user=officer)
    page.get_by_label("Code from your authenticator app").fill(f"{totp(device.bin_key, drift=device.drift):06d}")
    page.get_by_role("button", name="Check the code and finish").click()
    expect(page).to_have_url(re.compile(r"/work/$"))


def test_staff_sign_in_with_a_code_on_later_visits(page: Page, example_source: str) -> None:
    officer = build_org(example_source).users["officer"]
    sign_in_through_form(page, officer)
    expect(page).to_have_url(re.compile(r"/work/$"))


def test_the_locked_out_page_is_accessible(page: Page, example_source: str) -> None:
    member = build_org(example_source).users["respondent"]
    for attempt in range(5):
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(member.username)
        page.get_by_label("Password").fill(f"wrong {attempt}")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused for this account")
    check_accessibility(page)
    screenshot(page, "locked-out")
    page.get_by_role("link", name="reset it by email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    check_accessibility(page)
    screenshot(page, "password-reset")
