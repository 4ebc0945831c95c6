"""Importing members: our own columns, the CRM presets and --map; upsert by membership number; all rows or none,
with every problem at its row and column; one audit entry per import."""

from __future__ import annotations

import codecs
import hashlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import Workbook

from fairhearing.audit.models import AuditEvent
from fairhearing.imports.members import PRESETS, import_members
from fairhearing.organisation.models import Branch, Member, OfficeHolding, Region

pytestmark = pytest.mark.django_db

HEADER = "membership_number,name,email,branch,status,joined,left_on,offices"
ROWS = [
    "M1,Ada Lovelace,ada@example.org,north-1,active,2019-04-01,,councillor",
    "M2,Ben Okafor,,north-1,lapsed,2015-01-10,2020-02-01,",
    "M3,Chloé Brontë,chloe@example.org,south-1,,2021-06-30,,branch-officer;candidate",
]


@pytest.fixture
def units(example_source):
    from fairhearing.organisation.services import load_rulebook_version

    load_rulebook_version(example_source)
    north = Region.objects.create(code="north", name="North")
    south = Region.objects.create(code="south", name="South")
    Branch.objects.create(code="north-1", name="North One", region=north)
    Branch.objects.create(code="south-1", name="South One", region=south)


def _csv(tmp_path: Path, lines: list[str], *, name: str = "members.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    return path


def _state() -> tuple:
    """Everything an import may write: compared before and after a refused one."""
    members = sorted(
        Member.objects.values_list("membership_number", "name", "email", "branch__code", "status", "joined", "left_on")
    )
    offices = sorted(OfficeHolding.objects.values_list("member__membership_number", "office", "since", "until"))
    return members, offices, AuditEvent.objects.count()


def _import(path: Path, **options):
    return import_members(path, actor=None, label="an administrator at the command line", **options)


def test_a_file_in_our_own_columns_is_imported_with_one_audit_entry(units, tmp_path):
    path = _csv(tmp_path, [HEADER, *ROWS])
    events = AuditEvent.objects.count()

    result = _import(path)

    assert result.ok, result.report.problems
    assert (result.rows, result.created, result.updated, result.unchanged, result.skipped) == (3, 3, 0, 0, 0)
    assert result.summary() == "Imported 3 row(s) of members: 3 created, 0 updated, 0 unchanged, 0 skipped."
    assert result.described == "CSV, utf-8, separated by commas"
    ada = Member.objects.get(membership_number="M1")
    assert (ada.name, ada.email, ada.branch.code, ada.status, ada.joined) == (
        "Ada Lovelace",
        "ada@example.org",
        "north-1",
        "active",
        date(2019, 4, 1),
    )
    ben = Member.objects.get(membership_number="M2")
    assert (ben.email, ben.status, ben.left_on) == ("", "lapsed", date(2020, 2, 1))
    chloe = Member.objects.get(membership_number="M3")
    assert chloe.name == "Chloé Brontë" and chloe.status == "active"  # an empty status cell: active
    # A new member's offices are held since they joined.
    assert sorted(chloe.offices.values_list("office", "since", "until")) == [
        ("branch-officer", date(2021, 6, 30), None),
        ("candidate", date(2021, 6, 30), None),
    ]
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("index")
    assert (event.action, event.actor_user_id, event.actor_label) == (
        "members.imported",
        None,
        "an administrator at the command line",
    )
    assert event.data == {
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "preset": "",
        "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    }
    # No personal data on the log: not a name, an email or a membership number.
    logged = event.summary + str(event.data)
    for value in ("Ada", "Lovelace", "ada@example.org", "M1", "north-1"):
        assert value not in logged


def test_a_second_import_counts_created_updated_and_unchanged(units, tmp_path):
    assert _import(_csv(tmp_path, [HEADER, *ROWS])).ok
    today = timezone.localdate()
    again = [
        ROWS[0].replace("ada@example.org", "ada@lovelace.example").replace("councillor", "mp"),
        ROWS[1],
        ROWS[2].replace("branch-officer;candidate", "candidate"),
        "M4,Dev Patel,,south-1,active,2024-03-25,,",
    ]

    result = _import(_csv(tmp_path, [HEADER, *again], name="again.csv"))

    assert (result.created, result.updated, result.unchanged) == (1, 2, 1)
    assert Member.objects.get(membership_number="M1").email == "ada@lovelace.example"
    # Offices no longer held are ended (kept as history), new ones held from the day of the import.
    assert sorted(OfficeHolding.objects.filter(member__membership_number="M1").values_list("office", "until")) == [
        ("councillor", today),
        ("mp", None),
    ]
    assert OfficeHolding.objects.get(member__membership_number="M1", office="mp").since == today
    assert OfficeHolding.objects.get(member__membership_number="M3", office="branch-officer").until == today
    assert Member.objects.count() == 4
    # The same file once more: nothing changes, and the import is still on the log.
    third = _import(_csv(tmp_path, [HEADER, *again], name="again.csv"))
    assert (third.created, third.updated, third.unchanged) == (0, 0, 4)
    assert AuditEvent.objects.filter(action="members.imported").count() == 3


def test_columns_left_out_are_left_alone_and_an_empty_status_keeps_the_stored_one(units, tmp_path):
    assert _import(_csv(tmp_path, [HEADER, *ROWS])).ok
    Member.objects.filter(membership_number="M1").update(status="suspended")
    result = _import(
        _csv(tmp_path, ["membership_number,name,branch,joined,status", "M1,Ada Lovelace,north-1,2019-04-01,"])
    )
    assert (result.updated, result.unchanged) == (0, 1)
    ada = Member.objects.get(membership_number="M1")
    assert (ada.email, ada.status, list(ada.offices.values_list("office", flat=True))) == (
        "ada@example.org",
        "suspended",
        ["councillor"],
    )


def test_a_dry_run_counts_and_writes_nothing(units, tmp_path):
    before = _state()
    result = _import(_csv(tmp_path, [HEADER, *ROWS]), dry_run=True)
    assert result.ok and result.dry_run and result.created == 3
    assert result.summary().startswith("Would import 3 row(s) of members: 3 created")
    assert _state() == before


def test_progress_is_reported_to_the_end(units, tmp_path):
    seen = []
    assert _import(_csv(tmp_path, [HEADER, *ROWS]), progress=lambda done, total: seen.append((done, total))).ok
    assert seen[-1] == (6, 6)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            [HEADER, ROWS[0], "M2,Ben Okafor,,north-1,lapsed,10/01/2015,,"],
            "row 3, column joined: '10/01/2015' is not a date written as year-month-day, such as 2024-03-25",
        ),
        (
            [HEADER, ROWS[0], "M2,Ben Okafor,,atlantis,active,2015-01-10,,"],
            "row 3, column branch: there is no branch with the code 'atlantis'",
        ),
        (
            [HEADER, ROWS[0], ROWS[1], "M1,Ada King,,north-1,active,2019-04-01,,"],
            "row 4, column membership_number: membership number 'M1' appears twice in the file: first on row 2",
        ),
        (
            ["membership_number,name,email,status,joined", "M1,Ada,,active,2019-04-01"],
            "the file, column branch: the required column 'branch' is missing",
        ),
        (
            [HEADER, ROWS[0], 'M2,"=HYPERLINK(""http://evil.example"",""x"")",,north-1,active,2015-01-10,,'],
            'row 3, column name: \'=HYPERLINK("http://evil.example","x")\' looks like a spreadsheet formula; '
            "fairhearing never runs formulas",
        ),
        (
            [HEADER, ROWS[0], "M2,Ben Okafor,,north-1,dormant,2015-01-10,,"],
            "row 3, column status: 'dormant' is not a known membership status; use one of: active, expelled, "
            "lapsed, resigned, suspended",
        ),
        (
            [HEADER, ROWS[0], "M2,Ben Okafor,,north-1,active,2015-01-10,,councillor;pope"],
            "row 3, column offices: 'pope' is not a known office in the rulebook; use one of: branch-officer",
        ),
        (
            [HEADER, ROWS[0], "M2,Ben Okafor,ben at example,north-1,active,2015-01-10,,"],
            "row 3, column email: 'ben at example' is not an email address",
        ),
        (
            [HEADER, ROWS[0], "M2,Ben Okafor,,north-1,lapsed,2015-01-10,2014-12-31,"],
            "row 3, column left_on: membership cannot end (2014-12-31) before the member joined (2015-01-10)",
        ),
        (
            [HEADER, ROWS[0], ",Ben Okafor,,north-1,active,2015-01-10,,"],
            "row 3, column membership_number: is empty, and a membership number is needed here",
        ),
    ],
    ids=[
        "wrong date",
        "unknown branch",
        "duplicate number",
        "missing column",
        "formula",
        "unknown status",
        "unknown office",
        "bad email",
        "left before joining",
        "empty number",
    ],
)
def test_a_bad_row_stops_the_whole_import_and_says_where(units, tmp_path, lines, expected):
    assert _import(_csv(tmp_path, [HEADER, "M9,Existing Member,,south-1,active,2010-01-01,,"], name="old.csv")).ok
    before = _state()

    result = _import(_csv(tmp_path, lines))

    assert not result.ok
    assert any(str(problem).startswith(expected) for problem in result.report.problems), result.report.problems
    assert result.summary().startswith("Nothing was imported")
    # The good rows around the bad one were not written either.
    assert _state() == before


def test_a_file_in_an_unreadable_encoding_is_a_problem_of_the_whole_file(units, tmp_path):
    before = _state()
    path = tmp_path / "members.csv"
    path.write_bytes(f"{HEADER}\n".encode() + b"M1,Ada \x81\x8d,,north-1,active,2019-04-01,,\n")
    result = _import(path)
    assert [str(p) for p in result.report.problems] == [
        "the file: the file is in an encoding that is neither UTF-8 nor Windows-1252 (byte 0x81 on line 2 cannot "
        "be read). Save it from your spreadsheet as 'CSV UTF-8' (or as XLSX) and try again."
    ]
    assert _state() == before


def test_a_missing_file_is_a_problem_not_a_crash(units, tmp_path):
    result = _import(tmp_path / "nowhere.csv")
    assert not result.ok and "the file cannot be opened" in str(result.report.problems[0])


def test_changing_an_anonymised_member_is_refused(units, tmp_path):
    assert _import(_csv(tmp_path, [HEADER, *ROWS])).ok
    Member.objects.filter(membership_number="M2").update(anonymised_at=timezone.now(), name="Anonymised member")
    before = _state()
    result = _import(_csv(tmp_path, [HEADER, *ROWS], name="again.csv"))
    assert [str(p) for p in result.report.problems] == [
        "row 3, column membership_number: member 'M2' has been anonymised, so their record can no longer be "
        "changed; remove this row"
    ]
    assert _state() == before


@pytest.mark.parametrize(
    ("encoding", "delimiter", "described"),
    [
        ("utf-8", ";", "CSV, utf-8, separated by semicolons"),
        ("utf-8", "\t", "CSV, utf-8, separated by tabs"),
        ("windows-1252", ",", "CSV, windows-1252, separated by commas"),
        ("utf-8-sig", ",", "CSV, utf-8-sig, separated by commas"),
    ],
)
def test_delimiters_and_encodings(units, tmp_path, encoding, delimiter, described):
    lines = [line.replace(",", delimiter) for line in [HEADER, *ROWS]]
    path = tmp_path / "members.csv"
    raw = "\n".join(lines).encode("windows-1252" if encoding == "windows-1252" else "utf-8")
    path.write_bytes((codecs.BOM_UTF8 if encoding == "utf-8-sig" else b"") + raw)
    result = _import(path)
    assert result.ok, result.report.problems
    assert result.described == described and result.created == 3
    assert Member.objects.get(membership_number="M3").name == "Chloé Brontë"


def test_an_xlsx_workbook_with_real_dates_and_a_formula_left_as_text(units, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["M1", "Ada Lovelace", "ada@example.org", "north-1", "active", date(2019, 4, 1), None, "councillor"])
    sheet.append([1002, "Ben Okafor", None, "north-1", "lapsed", date(2015, 1, 10), date(2020, 2, 1), None])
    path = tmp_path / "members.xlsx"
    book.save(path)
    result = _import(path)
    assert result.ok and result.created == 2 and result.described == "an XLSX workbook"
    assert Member.objects.get(membership_number="1002").left_on == date(2020, 2, 1)

    sheet.append(["M3", "=1+1", None, "south-1", "active", date(2021, 1, 1), None, None])
    book.save(path)
    before = _state()
    refused = _import(path)
    assert str(refused.report.problems[0]).startswith("row 4, column name: '=1+1' looks like a")
    assert _state() == before


CIVICRM = [
    "Contact ID,External Identifier,Contact Type,First Name,Last Name,Email,Membership Type,Member Since,"
    "Membership Start Date,Membership Expiration Date,Membership Status,Branch",
    "101,M1,Individual,Ada,Lovelace,ada@example.org,Standard,2019-04-01,2025-04-01,2026-03-31,Current,north-1",
    "102,M2,Individual,Ben,Okafor,,Standard,2015-01-10 00:00:00,2019-01-10,2020-02-01,Expired,north-1",
    "103,M3,Individual,Chloé,,chloe@example.org,Student,2021-06-30,2025-06-30,2026-06-29,Grace,south-1",
]


def test_the_civicrm_preset(units, tmp_path):
    result = _import(_csv(tmp_path, CIVICRM), preset="civicrm", mapping={"Branch": "branch"})
    assert result.ok, result.report.problems
    assert result.created == 3
    rows = {m.membership_number: m for m in Member.objects.all()}
    assert (rows["M1"].name, rows["M1"].status, rows["M1"].joined, rows["M1"].left_on) == (
        "Ada Lovelace",
        "active",
        date(2019, 4, 1),
        None,  # a current member's expiration date is when they renew, not when they left
    )
    assert (rows["M2"].status, rows["M2"].joined, rows["M2"].left_on) == ("lapsed", date(2015, 1, 10), date(2020, 2, 1))
    assert (rows["M3"].name, rows["M3"].status) == ("Chloé", "active")
    warnings = [str(w) for w in result.report.warnings]
    assert (
        "the file, column Contact ID: not used: the column 'External Identifier' already gives the "
        "membership_number" in warnings
    )
    assert "the file, column Membership Start Date: not used: the column 'Member Since' already gives the joined" in (
        warnings
    )
    assert "the file: these columns are not imported: Contact Type, Membership Type" in warnings


def test_the_civicrm_preset_falls_back_to_the_contact_id_and_takes_the_display_name(units, tmp_path):
    lines = [
        "Contact ID,Display Name,Email,Member Since,Membership Status,branch",
        "101,Ms Ada Lovelace,,2019-04-01,New,north-1",
    ]
    result = _import(_csv(tmp_path, lines), preset="civicrm")
    assert result.ok, result.report.problems
    assert Member.objects.get(membership_number="101").name == "Ms Ada Lovelace"


NATIONBUILDER = [
    "nationbuilder_id,external_id,first_name,middle_name,last_name,email,phone_number,primary_city,"
    "membership_started_at,membership_expires_on,membership_status,branch_code",
    "5001,M1,Ada,,Lovelace,ada@example.org,+44 20 7946 0000,London,2019-04-01T10:15:00-08:00,2026-04-01,active,north-1",
    "5002,M2,Ben,,Okafor,,,Leeds,2015-01-10T00:00:00Z,2020-02-01,canceled,north-1",
    "5003,M3,Chloé,,Brontë,,-,Haworth,2021-06-30T09:00:00+01:00,,grace period,south-1",
]


def test_the_nationbuilder_preset(units, tmp_path):
    result = _import(_csv(tmp_path, NATIONBUILDER), preset="nationbuilder", mapping={"branch_code": "branch"})
    assert result.ok, result.report.problems
    rows = {m.membership_number: m for m in Member.objects.all()}
    assert set(rows) == {"M1", "M2", "M3"}
    assert (rows["M1"].name, rows["M1"].joined, rows["M1"].left_on, rows["M1"].status) == (
        "Ada Lovelace",
        date(2019, 4, 1),
        None,
        "active",
    )
    assert (rows["M2"].status, rows["M2"].left_on) == ("resigned", date(2020, 2, 1))
    assert (rows["M3"].name, rows["M3"].status) == ("Chloé Brontë", "active")
    assert any("middle_name, phone_number, primary_city" in str(w) for w in result.report.warnings)


def test_presets_are_the_documented_ones():
    assert set(PRESETS) == {"civicrm", "nationbuilder"}
    documented = (Path(__file__).resolve().parents[2] / "docs" / "import.md").read_text()
    for preset in PRESETS.values():
        for source, target in preset.items():
            assert f"`{source}`" in documented and f"`{target}`" in documented


def test_map_renames_columns_and_an_unknown_target_or_column_is_a_problem(units, tmp_path):
    lines = ["Member No,Full name,Joined on,Branch", "M1,Ada Lovelace,2019-04-01,north-1"]
    mapping = {"Member No": "membership_number", "Full name": "name", "Joined on": "joined", "Branch": "branch"}
    before = _state()
    bad = _import(_csv(tmp_path, lines), mapping={**mapping, "Branch": "branch_code"})
    assert str(bad.report.problems[0]).startswith(
        "the file, column Branch: --map Branch=branch_code: 'branch_code' is not a column fairhearing imports; "
        "map to one of: membership_number, name"
    )
    missing = _import(_csv(tmp_path, lines), mapping={**mapping, "Region": "branch"})
    assert "--map Region=branch: the file has no column 'Region'; its columns are: Member No, Full name" in str(
        missing.report.problems[0]
    )
    unknown_preset = _import(_csv(tmp_path, lines), preset="salesforce")
    assert str(unknown_preset.report.problems[0]) == (
        "the file: there is no preset 'salesforce'; use one of: civicrm, nationbuilder"
    )
    assert _state() == before
    good = _import(_csv(tmp_path, lines), mapping=mapping)
    assert good.ok and Member.objects.get(membership_number="M1").name == "Ada Lovelace"


def test_large_files_are_checked_and_written_in_bulk(units, tmp_path, django_assert_max_num_queries):
    lines = [HEADER] + [
        f"N{n:05d},Member {n},m{n}@example.org,north-1,active,{date(2000, 1, 1) + timedelta(days=n)},,"
        f"{'councillor' if n % 7 == 0 else ''}"
        for n in range(3000)
    ]
    # A fixed handful of queries whatever the size: no query per row.
    with django_assert_max_num_queries(40):
        result = _import(_csv(tmp_path, lines))
    assert result.created == 3000 and OfficeHolding.objects.count() == 429
