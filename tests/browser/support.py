"""Helpers for browser tests: accessibility checks with axe-core, screenshots, the CSP watcher, signing in by the form.

Fixtures that hand these out live in tests/browser/conftest.py; test modules import the helpers from here.
"""

from __future__ import annotations

import json
import os
import re
import weakref
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, ViewportSize

from fairhearing.accounts.models import User

ROOT = Path(__file__).resolve().parent.parent.parent
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PASSWORD = "a long test password"  # what tests/cases/organisation.build_org gives every user

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
VIEWPORTS: dict[str, ViewportSize] = {"desktop": DESKTOP, "phone": PHONE}

# axe has no "wcag22a" tag (WCAG 2.2 added no level-A rule it can test), so 2.2 is "wcag22aa" alone.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = {"serious", "critical"}


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def check_accessibility(page: Page, *, context: str | None = None) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA) on the page as it is now; fail listing every serious or critical
    violation. `context` is an optional CSS selector to check only part of the page. Returns all violations (the
    minor and moderate ones too) for tests that want to look at them.

    axe goes in through page.evaluate, which runs over the DevTools protocol and is not subject to the page's CSP:
    an injected <script> (add_script_tag) would be refused by our script-src, and bypass_csp=True would switch the
    CSP off for the page under test, hiding exactly the inline code the CSP watcher is there to catch.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Wrapped as a function body so Playwright calls it rather than guessing whether the source is a function.
        page.evaluate("() => {\n" + _axe_source() + "\n}")
    results = page.evaluate(
        """([context, tags]) => axe.run(context ?? document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        [context, WCAG_TAGS],
    )
    violations: list[dict] = results["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"{len(blocking)} serious or critical accessibility violation(s) on {page.url}:"]
        for violation in blocking:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"]:
                lines.append(f"    at {json.dumps(node['target'])}: {node.get('failureSummary', '').strip()}")
        pytest.fail("\n".join(lines), pytrace=False)
    return violations


def screenshot_dir() -> Path:
    return Path(os.environ.get("FAIRHEARING_SCREENSHOTS") or ROOT / "artifacts" / "screenshots")


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG as <FAIRHEARING_SCREENSHOTS or artifacts/screenshots>/<name>.png; returns its path. The whole
    page, or with `full_page=False` only what the window shows: the first screen a reader sees."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
    path = screenshot_dir() / f"{safe}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=full_page)
    return path


@dataclass
class PageWatcher:
    """What a page said in its console and which uncaught errors it threw, for the CSP check at the end of a test."""

    console: list[ConsoleMessage] = field(default_factory=list)
    page_errors: list[Error] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        # Bound methods, not list.append: Playwright tags each handler with an attribute, which builtins refuse.
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        WATCHERS[page] = self

    def _on_console(self, message: ConsoleMessage) -> None:
        self.console.append(message)

    def _on_page_error(self, error: Error) -> None:
        self.page_errors.append(error)

    def csp_violations(self) -> list[str]:
        """Console errors and uncaught errors that mention the Content Security Policy (Chromium's wording is
        "Refused to ... because it violates the following Content Security Policy directive")."""
        messages = [m.text for m in self.console if m.type == "error"]
        messages += [str(e) for e in self.page_errors]
        return [m for m in messages if "content security policy" in m.lower()]

    def problems(self) -> list[str]:
        """CSP violations, and any uncaught JavaScript error: a page that throws is broken even if CSP is happy."""
        csp = self.csp_violations()
        problems = [f"CSP violation: {m}" for m in csp]
        problems += [f"uncaught error: {e}" for e in self.page_errors if str(e) not in csp]
        return problems


WATCHERS: weakref.WeakKeyDictionary[Page, PageWatcher] = weakref.WeakKeyDictionary()


def assert_no_csp_violations(page: Page) -> None:
    """Fail now (rather than at the end of the test) if the page has broken the CSP or thrown an uncaught error."""
    watcher = WATCHERS.get(page)
    if watcher is None:
        raise RuntimeError("this page was not made by the `page` fixture of tests/browser/conftest.py")
    if problems := watcher.problems():
        pytest.fail(f"{page.url}:\n" + "\n".join(problems), pytrace=False)


TWO_FACTOR_PATH = "/accounts/two-factor/"


def sign_in_through_form(page: Page, user: User, password: str = PASSWORD, *, next_path: str | None = None) -> None:
    """Sign in through the real sign-in page, as a person would; fail if the site does not let the user in.

    Staff may be asked for a one-time code after the password (at /accounts/two-factor/): the code comes from
    tests.signin.current_code(user) when that helper exists. The page is left wherever the site sends the user.
    """
    page.goto("/accounts/login/" + (f"?next={quote(next_path)}" if next_path else ""))
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if TWO_FACTOR_PATH in page.url:
        from tests import signin

        current_code = getattr(signin, "current_code", None)
        if current_code is None:
            pytest.fail(f"the site asked {user} for a one-time code, and tests.signin has no current_code(user)")
        if device_for := getattr(signin, "device_for", None):
            # Sign in as someone who set up their authenticator app before (the first-time set-up is its own test).
            device_for(user)
        code_input = page.locator("input[name='code']")
        if code_input.count() == 0:
            code_input = page.get_by_label(re.compile("code", re.IGNORECASE))
        code_input.fill(str(current_code(user)))
        with page.expect_navigation():
            code_input.press("Enter")  # submits the code's own form, whatever its button says
    if "/accounts/login/" in page.url or TWO_FACTOR_PATH in page.url:
        pytest.fail(f"signing in as {user} through the form did not get past {page.url}", pytrace=False)
