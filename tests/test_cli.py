"""The `fairhearing` command as a user runs it."""

from __future__ import annotations

import tomllib

import tomli_w

from tests.conftest import EXAMPLE
from tests.helpers import run_cli


def test_help_lists_the_commands(tmp_path):
    result = run_cli("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("demo", "serve", "rulebook", "manage"):
        assert command in result.stdout


def test_report_is_a_command_and_says_what_is_wrong_with_a_period(tmp_path):
    assert "report" in run_cli("--help", data_dir=tmp_path).stdout
    result = run_cli("report", "--period", "2026Q5", "--out", str(tmp_path / "out"), data_dir=tmp_path)
    assert result.returncode == 1
    assert "--period: '2026Q5' is not a period: give a quarter such as 2026Q3" in result.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_command_exits_2(tmp_path):
    result = run_cli("frobnicate", data_dir=tmp_path)
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr


def test_check_example_rulebook_exits_0(tmp_path):
    result = run_cli("rulebook", "check", str(EXAMPLE), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "OK - Example Party rulebook 2022.1, in force from 1 January 2022: 25 clauses" in result.stdout


def test_check_names_every_problem_and_exits_2(tmp_path):
    data = tomllib.loads(EXAMPLE.read_text())
    data["bodies"][1]["appeals_to"] = "ncc-appeals"
    data["clauses"][1]["id"] = data["clauses"][0]["id"]
    data["guidelines"]["grid"][0]["starting_point"] = "banishment"
    broken = tmp_path / "broken.toml"
    broken.write_text(tomli_w.dumps(data))

    result = run_cli("rulebook", "check", str(broken), data_dir=tmp_path)

    assert result.returncode == 2
    assert f"{broken}: bodies[1].appeals_to: no body 'ncc-appeals'" in result.stderr
    assert f"{broken}: clauses[1].id: duplicate clause id '2.1'" in result.stderr
    assert f"{broken}: guidelines.grid[0].starting_point: 'banishment' is not in the sanction list" in result.stderr
    assert "3 problems found" in result.stderr


def test_check_several_versions_finds_overlapping_dates(tmp_path):
    data = tomllib.loads(EXAMPLE.read_text())
    data["rulebook"]["version"] = "2024.1"
    data["rulebook"]["effective_from"] = data["rulebook"]["effective_from"].replace(year=2024)
    later = tmp_path / "later.toml"
    later.write_text(tomli_w.dumps(data))

    result = run_cli("rulebook", "check", str(EXAMPLE), str(later), data_dir=tmp_path)

    assert result.returncode == 2
    assert f"{later}: rulebook.effective_from: version '2024.1' overlaps version '2022.1'" in result.stderr


def test_check_unreadable_file_exits_2(tmp_path):
    result = run_cli("rulebook", "check", str(tmp_path / "missing.toml"), data_dir=tmp_path)
    assert result.returncode == 2
    assert "cannot read the file" in result.stderr


def test_manage_passes_through_to_django(tmp_path):
    result = run_cli("manage", "check", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_checking_a_rulebook_touches_no_data_directory(tmp_path):
    data_dir = tmp_path / "never-created"
    result = run_cli("rulebook", "check", str(EXAMPLE), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert not data_dir.exists()


def test_loading_into_an_unmigrated_database_says_what_to_do(tmp_path):
    result = run_cli("rulebook", "load", str(EXAMPLE), data_dir=tmp_path)
    assert result.returncode == 1
    assert "unapplied migrations: run `fairhearing manage migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_load_after_migrating(tmp_path):
    assert run_cli("manage", "migrate", "--verbosity", "0", data_dir=tmp_path).returncode == 0
    result = run_cli("rulebook", "load", str(EXAMPLE), data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Loaded Example Party rulebook 2022.1 (from 2022-01-01)." in result.stdout
