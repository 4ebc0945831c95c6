from __future__ import annotations

from pathlib import Path

import pytest

from tests.cases.organisation import build_org


@pytest.fixture
def vault_dir(settings, tmp_path) -> Path:
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.FAIRHEARING_EVIDENCE_DIR


@pytest.fixture
def org(example_source, vault_dir):
    return build_org(example_source)
