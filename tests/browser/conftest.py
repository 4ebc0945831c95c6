"""Browser tests: the real pages, served by pytest-django's live server, in Debian's Chromium driven by Playwright.

Fixtures:
- `chromium` (package scope): one Chromium for all browser tests; never downloaded, /usr/bin/chromium or the
  executable named by FAIRHEARING_CHROMIUM.
- `viewport`: the window size (desktop 1280x800 unless a test parametrizes `viewport`, e.g. over support.VIEWPORTS).
- `browser_context` and `page`: a fresh context per test with `base_url` set to the live server, so
  `page.goto("/rules/")` works; every page is watched, and the test fails at the end if the page broke the CSP or
  threw an uncaught error. A failing test leaves a screenshot named FAILED-<test>.png beside the others.
Every test here is marked `browser` (select with `-m browser`, leave out with `-m "not browser"`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, ViewportSize, sync_playwright

from tests.browser.support import DESKTOP, PageWatcher, screenshot, screenshot_dir

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # tests run as root in CI, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines have no way out: without these Chromium keeps trying to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    # Keep the outcome of the test's own body, so the page fixture knows whether to save a failure screenshot.
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="package")
def chromium(django_db_setup: None, live_server) -> Iterator[Browser]:
    """One Chromium for the browser tests, closed when they are done.

    Package scope, not session: Playwright's sync API keeps an asyncio event loop running in the main thread while
    it is started, so Django would take every later test's database access for async code and refuse it (and
    asyncio.run would refuse to start). Stopping Playwright when this package is done leaves the rest of the suite
    as it was. Asking for the test database and the live server first means they exist before that loop starts;
    and since every browser test then uses live_server, pytest-django orders them together, so Chromium starts once.
    """
    executable = os.environ.get("FAIRHEARING_CHROMIUM") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        pytest.fail(
            f"Chromium was not found at {executable}. Browser tests drive Debian's Chromium: install it with "
            "`apt-get install chromium` (or point FAIRHEARING_CHROMIUM at a Chromium executable). "
            "Never run `playwright install`.",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as patch:
        # While Playwright runs, its event loop makes Django's async-safety check refuse database access from the
        # test's own code (building data, flushing the database after each test). That code is plain synchronous
        # code in the main thread, so the check is wrong here; allow it for the browser tests only.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # Playwright's own browsers are never used; make sure nothing tries to fetch one.
        patch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        playwright: Playwright
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def viewport() -> ViewportSize:
    return DESKTOP


@pytest.fixture
def browser_context(chromium: Browser, live_server, viewport: ViewportSize) -> Iterator[BrowserContext]:
    context = chromium.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
    # Fail fast: a page of this site that needs more than ten seconds is a failure in itself.
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser_context: BrowserContext) -> Iterator[Page]:
    failure_shot = "FAILED-" + re.sub(r"[^A-Za-z0-9]+", "-", request.node.nodeid.split("::", 1)[-1])
    # A screenshot of an earlier failure would be taken for this run's: remove it.
    (screenshot_dir() / f"{failure_shot}.png").unlink(missing_ok=True)
    page = browser_context.new_page()
    watcher = PageWatcher()
    watcher.attach(page)
    yield page
    if request.node.stash.get(CALL_FAILED, False):
        screenshot(page, failure_shot)
    if problems := watcher.problems():
        pytest.fail(f"the page broke the CSP or threw ({page.url}):\n" + "\n".join(problems), pytrace=False)
