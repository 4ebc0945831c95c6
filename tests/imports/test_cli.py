"""`fairhearing import members|units|cases FILE`: exit code 0 with a summary, or 2 with the problems printed and
written to an error CSV beside the file, and nothing imported."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from fairhearing.audit.models import AuditEvent
from fairhearing.organisation.models import Branch, Member, Region
from tests.helpers import run_cli

LABEL = "an administrator at the command line"
UNITS = "region_code,region_name,branch_code,branch_name\nnorth,North,north-1,North One\n"
MEMBERS = (
    "membership_number,name,branch,joined,notes\nM1,Ada Lovelace,north-1,2019-04-01,x\nM2,Ben,north-1,2015-01-10,\n"
)
BAD = "membership_number,name,branch,joined\nM1,Ada,north-1,2019-04-01\nM2,Ben,atlantis,2015-01-10\nM1,Ada,north-1,x\n"


def _file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def branch(db):
    Branch.objects.create(code="north-1", name="North One", region=Region.objects.create(code="north", name="North"))


@pytest.mark.django_db
def test_import_members_prints_the_summary_and_warnings(branch, tmp_path, capsys):
    call_command("import", "members", str(_file(tmp_path, "members.csv", MEMBERS)))
    out, err = capsys.readouterr()
    assert "Read members.csv: CSV, utf-8, separated by commas, 2 row(s)." in out
    assert "Imported 2 row(s) of members: 2 created, 0 updated, 0 unchanged, 0 skipped." in out
    assert "warning: the file: these columns are not imported: notes" in err
    assert Member.objects.count() == 2
    event = AuditEvent.objects.get(action="members.imported")
    assert event.actor_user_id is None and event.actor_label == LABEL


@pytest.mark.django_db
def test_a_dry_run_says_what_it_would_do(branch, tmp_path, capsys):
    call_command("import", "members", str(_file(tmp_path, "members.csv", MEMBERS)), "--dry-run")
    assert "Would import 2 row(s) of members: 2 created" in capsys.readouterr().out
    assert not Member.objects.exists() and not AuditEvent.objects.filter(action="members.imported").exists()


@pytest.mark.django_db
def test_problems_exit_2_and_are_written_beside_the_file(branch, tmp_path, capsys):
    path = _file(tmp_path, "members.csv", BAD)
    with pytest.raises(CommandError) as refused:
        call_command("import", "members", str(path))
    assert refused.value.returncode == 2
    errors = tmp_path / "members.errors.csv"
    assert str(refused.value) == (
        f"Nothing was imported: 3 problem(s) found in 3 row(s). Nothing was written; every problem is listed in "
        f"{errors}."
    )
    err = capsys.readouterr().err
    assert "  row 3, column branch: there is no branch with the code 'atlantis'" in err
    assert "  row 4, column joined: 'x' is not a date" in err
    with errors.open(encoding="utf-8-sig") as listed:
        rows = list(csv.reader(listed))
    assert rows[0] == ["row", "column", "problem"]
    assert [row[:2] for row in rows[1:]] == [["3", "branch"], ["4", "joined"], ["4", "membership_number"]]
    assert not Member.objects.exists() and not AuditEvent.objects.filter(action="members.imported").exists()


@pytest.mark.django_db
def test_only_the_first_problems_are_printed(branch, tmp_path, capsys):
    lines = ["membership_number,name,branch,joined"] + [f"M{n},Someone,nowhere,2020-01-01" for n in range(30)]
    with pytest.raises(CommandError):
        call_command("import", "members", str(_file(tmp_path, "members.csv", "\n".join(lines))))
    err = capsys.readouterr().err
    assert err.count("there is no branch") == 20 and "... and 10 more" in err
    assert len((tmp_path / "members.errors.csv").read_text(encoding="utf-8-sig").splitlines()) == 31


@pytest.mark.django_db
def test_an_unreadable_file_exits_2_with_the_reason_in_the_error_csv(tmp_path, capsys):
    path = tmp_path / "units.csv"
    path.write_bytes("a,b\n1,2".encode("utf-16"))
    with pytest.raises(CommandError) as refused:
        call_command("import", "units", str(path))
    assert refused.value.returncode == 2
    assert "the file: the file is in UTF-16" in capsys.readouterr().err
    assert "UTF-16" in (tmp_path / "units.errors.csv").read_text(encoding="utf-8-sig")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["units", "u.csv", "--preset", "civicrm"], "--preset and --map are for members files only"),
        (["cases", "c.csv", "--map", "a=b"], "--preset and --map are for members files only"),
        (
            ["members", "m.csv", "--map", "membership_number"],
            "--map: 'membership_number' is not written as source=target",
        ),
    ],
)
def test_options_that_do_not_fit_exit_2(tmp_path, args, message):
    with pytest.raises(CommandError, match=message) as refused:
        call_command("import", *args)
    assert refused.value.returncode == 2


@pytest.mark.django_db
def test_preset_and_map_reach_the_member_import(branch, tmp_path, capsys):
    text = "External Identifier,First Name,Last Name,Member Since,Membership Status,Local branch\n"
    text += "M7,Ada,Lovelace,2019-04-01,Current,north-1\n"
    path = _file(tmp_path, "civi.csv", text)
    call_command("import", "members", str(path), "--preset", "civicrm", "--map", "Local branch=branch")
    assert "1 created" in capsys.readouterr().out
    assert Member.objects.get(membership_number="M7").name == "Ada Lovelace"


@pytest.mark.django_db
def test_import_cases_writes_the_records_and_a_bad_file_exits_2(example_source, tmp_path, capsys):
    from fairhearing.cases.models import Case
    from tests.cases.organisation import build_org
    from tests.imports.test_cases import EXPELLED, ROW, write_csv

    build_org(example_source)
    good = write_csv(tmp_path / "history.csv", [ROW, EXPELLED])
    call_command("import", "cases", str(good))
    out = capsys.readouterr().out
    assert "Imported 2 row(s) of cases" in out
    assert set(Case.objects.values_list("reference", flat=True)) == {"HIST-0001", "HIST-0003"}

    bad = write_csv(tmp_path / "bad.csv", [ROW | {"case_ref": "HIST-0009", "clauses": "9.9"}])
    with pytest.raises(CommandError) as refused:
        call_command("import", "cases", str(bad))
    assert refused.value.returncode == 2
    assert "9.9" in (tmp_path / "bad.errors.csv").read_text(encoding="utf-8-sig")
    assert not Case.objects.filter(reference="HIST-0009").exists()


def test_the_fairhearing_command_imports_units_then_members(tmp_path):
    data = tmp_path / "data"
    assert run_cli("manage", "migrate", "--verbosity", "0", data_dir=data).returncode == 0
    assert "import" in run_cli("--help", data_dir=data).stdout

    units = run_cli("import", "units", str(_file(tmp_path, "units.csv", UNITS)), data_dir=data)
    assert units.returncode == 0, units.stderr
    assert "Imported 1 row(s) of units: 2 created" in units.stdout

    bad = _file(tmp_path, "bad.csv", BAD)
    refused = run_cli("import", "members", str(bad), data_dir=data)
    assert refused.returncode == 2
    assert "row 3, column branch: there is no branch with the code 'atlantis'" in refused.stderr
    assert f"every problem is listed in {tmp_path / 'bad.errors.csv'}" in refused.stderr
    assert (tmp_path / "bad.errors.csv").exists()

    members = run_cli("import", "members", str(_file(tmp_path, "members.csv", MEMBERS)), data_dir=data)
    assert members.returncode == 0, members.stderr
    assert "Imported 2 row(s) of members: 2 created, 0 updated, 0 unchanged, 0 skipped." in members.stdout
    again = run_cli("import", "members", str(tmp_path / "members.csv"), data_dir=data)
    assert "0 created, 0 updated, 2 unchanged" in again.stdout

    no_kind = run_cli("import", "widgets", "x.csv", data_dir=data)
    assert no_kind.returncode == 2 and "invalid choice: 'widgets'" in no_kind.stderr
