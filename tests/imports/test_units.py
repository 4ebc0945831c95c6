"""Importing regions and branches: upsert by code, all rows or none, and the rulebook's regional and local bodies
made for new units."""

from __future__ import annotations

from pathlib import Path

import pytest

from fairhearing.audit.models import AuditEvent
from fairhearing.imports.units import import_units
from fairhearing.organisation.models import Body, Branch, Region

pytestmark = pytest.mark.django_db

HEADER = "region_code,region_name,branch_code,branch_name"
ROWS = [
    "north,North,north-1,North One",
    "north,North,north-2,North Two",
    "south,South,south-1,South One",
    "wales,Wales,,",  # a region with no branches yet
]


@pytest.fixture
def rulebook(example_source):
    from fairhearing.organisation.services import load_rulebook_version

    return load_rulebook_version(example_source)


def _csv(tmp_path: Path, lines: list[str], name: str = "units.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _state() -> tuple:
    return (
        sorted(Region.objects.values_list("code", "name")),
        sorted(Branch.objects.values_list("code", "name", "region__code")),
        Body.objects.count(),
        AuditEvent.objects.count(),
    )


def _import(path: Path, **options):
    return import_units(path, actor=None, label="an administrator at the command line", **options)


def test_units_are_imported_with_their_bodies_and_one_audit_entry(rulebook, tmp_path):
    events = AuditEvent.objects.count()
    result = _import(_csv(tmp_path, [HEADER, *ROWS]))
    assert result.ok, result.report.problems
    assert (result.rows, result.created, result.updated, result.unchanged) == (4, 6, 0, 0)
    assert sorted(Region.objects.values_list("code", "name")) == [
        ("north", "North"),
        ("south", "South"),
        ("wales", "Wales"),
    ]
    assert sorted(Branch.objects.values_list("code", "region__code")) == [
        ("north-1", "north"),
        ("north-2", "north"),
        ("south-1", "south"),
    ]
    # The regional body for each region, the local body for each branch.
    assert Body.objects.filter(kind="regional-office").count() == 3
    assert set(Body.objects.filter(kind="branch-executive").values_list("branch__code", flat=True)) == {
        "north-1",
        "north-2",
        "south-1",
    }
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("index")
    assert event.action == "units.imported" and event.actor_label == "an administrator at the command line"
    assert event.data["created"] == 6 and event.data["bodies_created"] == 6 and len(event.data["file_sha256"]) == 64


def test_a_second_import_updates_by_code(rulebook, tmp_path):
    assert _import(_csv(tmp_path, [HEADER, *ROWS])).ok
    again = [
        "north,North,north-1,North One",
        "north,North,north-2,Northern Two",  # renamed
        "wales,Cymru,south-1,South One",  # region renamed, branch moved
    ]
    result = _import(_csv(tmp_path, [HEADER, *again], name="again.csv"))
    assert (result.created, result.updated, result.unchanged) == (0, 3, 2)
    assert Branch.objects.get(code="north-2").name == "Northern Two"
    assert Branch.objects.get(code="south-1").region.code == "wales"
    assert Body.objects.get(kind="regional-office", region__code="wales").name.endswith("Cymru")


def test_a_dry_run_writes_nothing(rulebook, tmp_path):
    before = _state()
    result = _import(_csv(tmp_path, [HEADER, *ROWS]), dry_run=True)
    assert result.ok and result.created == 6
    assert _state() == before


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [HEADER, ROWS[0], "north,The North,north-2,North Two"],
            "row 3, column region_name: region 'north' is named 'North' on row 2 but 'The North' here",
        ),
        (
            [HEADER, ROWS[0], "north,North,north-1,North One again"],
            "row 3, column branch_code: branch 'north-1' appears twice in the file: first on row 2",
        ),
        (
            ["region_code,branch_code,branch_name", "north,north-1,North One"],
            "the file, column region_name: the required column 'region_name' is missing",
        ),
        (
            [HEADER, ROWS[0], "south,South,south-1,@SUM(A1:A9)"],
            "row 3, column branch_name: '@SUM(A1:A9)' looks like a spreadsheet formula; fairhearing never runs",
        ),
        ([HEADER, "north,North,north 1,North One"], "row 2, column branch_code: 'north 1' is not a code"),
        ([HEADER, "north,North,north-1,"], "row 2, column branch_name: is empty, and the branch needs a name"),
        ([HEADER, ",North,north-1,North One"], "row 2, column region_code: is empty, and a value is needed here"),
        (
            [HEADER, "east,Old Region,,"],
            "row 2, column region_name: the name 'Old Region' is already used by the stored region 'old'",
        ),
    ],
    ids=[
        "region named twice",
        "duplicate branch",
        "missing column",
        "formula",
        "bad code",
        "no branch name",
        "no region code",
        "name taken",
    ],
)
def test_a_bad_row_stops_the_whole_import(rulebook, tmp_path, lines, expected):
    Region.objects.create(code="old", name="Old Region")
    before = _state()
    result = _import(_csv(tmp_path, lines))
    shown = [str(p) for p in result.report.problems]
    assert any(text.startswith(expected) for text in shown), shown
    assert _state() == before


def test_without_a_rulebook_units_are_imported_and_bodies_wait(tmp_path):
    result = _import(_csv(tmp_path, [HEADER, *ROWS]))
    assert result.ok and Branch.objects.count() == 3 and not Body.objects.exists()
    assert any("no rulebook is in force" in str(w) for w in result.report.warnings)


def test_extra_columns_are_ignored_with_a_warning(rulebook, tmp_path):
    result = _import(_csv(tmp_path, [f"{HEADER},notes", "north,North,north-1,North One,call Jo"]))
    assert result.ok
    assert [str(w) for w in result.report.warnings] == ["the file: these columns are not imported: notes"]
