"""The browser fixtures of tests/browser (one Chromium, a watched page that fails on any CSP violation), for the
portal's own browser tests. They live in this sub-package so that Chromium, package-scoped, stops when these are
done and leaves the rest of tests/portal as it was."""

from __future__ import annotations

import pytest

from tests.browser.conftest import browser_context, chromium, page, viewport  # noqa: F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/portal/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
