"""The vendored front-end files are exactly the ones pinned in static/vendor/package.json (scripts/vendor-assets)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
MANIFEST = json.loads((ROOT / "src/fairhearing/web/static/vendor/package.json").read_text(encoding="utf-8"))
FILES = [
    pytest.param(entry, id=f"{name}@{package['version']}:{entry['from']}")
    for name, package in MANIFEST["vendored"].items()
    for entry in package["files"]
]


@pytest.mark.parametrize("entry", FILES)
def test_vendored_file_matches_its_pinned_hash(entry: dict) -> None:
    # A hand edit or a half-done upgrade shows here, without the network; scripts/vendor-assets fetches them again.
    assert hashlib.sha256((ROOT / entry["to"]).read_bytes()).hexdigest() == entry["sha256"]


def test_every_package_is_pinned_to_an_exact_version_and_tarball() -> None:
    for name, package in MANIFEST["vendored"].items():
        version = package["version"]
        assert version.replace(".", "").isdigit(), f"{name}: {version} is not an exact version"
        assert package["tarball"] == f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"
        assert package["integrity"].startswith("sha512-")
