from __future__ import annotations

import pytest

from tests.installation import Installation, Installations, demo_template


@pytest.fixture
def installations(tmp_path):
    made = Installations(tmp_path)
    yield made
    made.close()


@pytest.fixture
def demo(installations) -> Installation:
    """A copy of the small demo organisation, this test's own."""
    return installations.new(template=demo_template())
