from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from fairhearing.procedure.rulebook import Rulebook, load_rulebook

# Whole installations in child processes, for tests/backups and tests/reliability.
pytest_plugins = ["tests.installation"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "rulebooks" / "example-party.toml"


@pytest.fixture(scope="session")
def example_source() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_rulebook(example_source: str) -> Rulebook:
    return load_rulebook(example_source)


@pytest.fixture
def example_data(example_source: str) -> dict:
    """The example rulebook as a fresh dict, for tests that break one thing in it."""
    return tomllib.loads(example_source)


@pytest.fixture
def sar_case(settings, tmp_path, example_source):
    """A member who is respondent in one case and complainant in another, with evidence (tests/privacy/sar_case)."""
    from tests.privacy.sar_case import build_sar_case

    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_sar_case(example_source)


@pytest.fixture
def org(example_source, settings, tmp_path):
    """The small organisation of tests/cases/organisation.py, its evidence files kept in a throwaway folder. A test
    module that needs another organisation defines its own `org`."""
    from tests.cases.organisation import build_org

    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_org(example_source)


@pytest.fixture
def clock(monkeypatch):
    """Today's date for the services and pages, moved by `clock.day(n)` (tests/cases/pages.py)."""
    from tests.cases.pages import Clock

    return Clock(monkeypatch)


@pytest.fixture(autouse=True)
def fresh_precedent_index():
    """The decision form looks up comparable decisions through an index cached in memory and keyed by the count and
    last id of the decisions (fairhearing.analysis.precedent_lookup). Each test rolls its database back, so ids repeat
    between tests and one test's index could pass for the next one's: drop it after every test that built one."""
    yield
    lookup = sys.modules.get("fairhearing.analysis.precedent_lookup")
    if lookup is not None:
        lookup.forget_index()
