from __future__ import annotations

import pytest

from tests.cases.organisation import Org, build_org


@pytest.fixture
def org(settings, tmp_path, example_source) -> Org:
    # Evidence files go to a fresh vault per test, so a test can see exactly which blobs were written.
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_org(example_source)
