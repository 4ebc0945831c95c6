"""Loading rulebook versions into the database and choosing the one in force."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest
import tomli_w
from django.core.management import CommandError, call_command

from fairhearing.organisation.models import Body, Branch, Region, RulebookVersion
from fairhearing.organisation.selectors import rulebook_version_on
from fairhearing.organisation.services import load_rulebook_version, sync_bodies
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.rulebook import RulebookInvalid

pytestmark = pytest.mark.django_db


def _version(source: str, version: str, start: date, until: date | None = None) -> str:
    data = tomllib.loads(source)
    data["rulebook"].update(version=version, effective_from=start)
    if until:
        data["rulebook"]["effective_until"] = until
    return tomli_w.dumps(data)


def test_versions_are_stored_and_chosen_by_conduct_date(example_source):
    old = load_rulebook_version(_version(example_source, "2016.1", date(2016, 1, 1), date(2021, 12, 31)))
    new = load_rulebook_version(example_source)
    assert rulebook_version_on(date(2019, 3, 1)) == old
    assert rulebook_version_on(date(2021, 12, 31)) == old
    assert rulebook_version_on(date(2022, 1, 1)) == new
    assert new.rulebook.version == "2022.1"
    with pytest.raises(ActionRefused, match="no rulebook version was in force on 31 December 2015"):
        rulebook_version_on(date(2015, 12, 31))


def test_an_overlapping_version_is_refused_and_nothing_is_stored(example_source):
    load_rulebook_version(example_source)
    with pytest.raises(RulebookInvalid, match=r"overlaps version '2022\.1'"):
        load_rulebook_version(_version(example_source, "2024.1", date(2024, 1, 1)))
    assert list(RulebookVersion.objects.values_list("version", flat=True)) == ["2022.1"]


def test_the_same_version_twice_is_refused(example_source):
    load_rulebook_version(example_source)
    with pytest.raises(RulebookInvalid, match=r"version '2022\.1' also in"):
        load_rulebook_version(example_source)


def test_an_invalid_rulebook_stores_nothing(example_source):
    broken = example_source.replace('appeals_to = "appeals-panel"', 'appeals_to = "ncc-appeals"', 1)
    with pytest.raises(RulebookInvalid, match="no body 'ncc-appeals'"):
        load_rulebook_version(broken)
    assert not RulebookVersion.objects.exists()
    assert not Body.objects.exists()


def test_bodies_exist_per_scope(example_rulebook):
    north = Region.objects.create(code="north", name="North")
    south = Region.objects.create(code="south", name="South")
    Branch.objects.create(code="a", name="A", region=north)
    Branch.objects.create(code="b", name="B", region=south)
    created = sync_bodies(example_rulebook)
    # 4 national bodies once, the regional office per region, the branch executive per branch.
    assert created == 4 + 2 + 2
    assert Body.objects.get(kind="regional-office", region=north).name == "Regional Office, North"
    assert sync_bodies(example_rulebook) == 0  # running it again creates nothing


def test_load_command_reports_problems_with_exit_code_2(tmp_path, example_source):
    broken = tmp_path / "broken.toml"
    broken.write_text(example_source.replace("respond_days = 14", "respond_days = 3"))
    with pytest.raises(CommandError) as caught:
        call_command("rulebook", "load", str(broken))
    assert caught.value.returncode == 2
    assert not RulebookVersion.objects.exists()


def test_load_command_stores_a_valid_version(tmp_path, example_source, capsys):
    path = tmp_path / "rulebook.toml"
    path.write_text(example_source)
    call_command("rulebook", "load", str(path))
    assert "Loaded Example Party rulebook 2022.1" in capsys.readouterr().out
    assert RulebookVersion.objects.get().sha256
