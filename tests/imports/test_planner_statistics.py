"""After a bulk load PostgreSQL's planner statistics are gathered at once, not left to autovacuum minutes later: until
they are, it plans for the table as it was before the load."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction

from fairhearing import bulk_insert
from fairhearing.bulk_insert import insert_rows, refresh_statistics
from fairhearing.imports.members import import_members
from fairhearing.organisation.models import Branch, Member, Region

ON_POSTGRESQL = connection.vendor == "postgresql"


def _members(count: int) -> None:
    branch = Branch.objects.create(code="b1", name="Branch One", region=Region.objects.create(code="r", name="R"))
    insert_rows(
        Member,
        (
            Member(membership_number=f"M{n}", name=f"Member {n}", branch=branch, joined=date(2020, 1, 1))
            for n in range(count)
        ),
    )


def _planner_rows(model) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        return cursor.fetchone()[0]


def _vacuumed_since(model, moment) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_get_last_vacuum_time(%s::regclass) >= %s", [model._meta.db_table, moment])
        return bool(cursor.fetchone()[0])


def _now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_inside_a_transaction_the_tables_are_analysed():
    _members(1234)
    refresh_statistics([Member])
    if ON_POSTGRESQL:
        assert _planner_rows(Member) == 1234
    else:
        with connection.cursor() as cursor:  # SQLite is left to plan as it always has: no statistics table appears
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'")
            assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(not ON_POSTGRESQL, reason="VACUUM and the planner's statistics are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_tables_are_also_vacuumed():
    _members(321)
    before = _now()
    refresh_statistics([Member])
    assert _planner_rows(Member) == 321
    assert _vacuumed_since(Member, before)
    with transaction.atomic():  # VACUUM would fail here; ANALYZE alone runs
        refresh_statistics([Member])


@pytest.mark.django_db
def test_a_big_member_import_gathers_the_statistics(tmp_path, example_source, monkeypatch):
    from fairhearing.organisation.services import load_rulebook_version

    load_rulebook_version(example_source)
    Branch.objects.create(code="north-1", name="North One", region=Region.objects.create(code="north", name="North"))
    path = tmp_path / "members.csv"
    rows = [f"N{n},Person {n},,north-1,active,2019-04-01,," for n in range(40)]
    path.write_text("membership_number,name,email,branch,status,joined,left_on\n" + "\n".join(rows) + "\n")
    monkeypatch.setattr("fairhearing.imports.members.BIG_LOAD", 40)
    analysed: list[list[str]] = []
    real = bulk_insert.refresh_statistics
    monkeypatch.setattr(
        "fairhearing.imports.members.refresh_statistics",
        lambda models: (analysed.append([m.__name__ for m in models]), real(models)),
    )

    result = import_members(path, actor=None, label="test")

    assert result.created == 40
    assert analysed == [["Member", "OfficeHolding"]]
    if ON_POSTGRESQL:
        assert _planner_rows(Member) == 40


@pytest.mark.django_db
def test_a_small_import_leaves_the_statistics_to_autovacuum(tmp_path, example_source, monkeypatch):
    from fairhearing.organisation.services import load_rulebook_version

    load_rulebook_version(example_source)
    Branch.objects.create(code="north-1", name="North One", region=Region.objects.create(code="north", name="North"))
    path = tmp_path / "members.csv"
    path.write_text(
        "membership_number,name,email,branch,status,joined,left_on\nN1,Person,,north-1,active,2019-04-01,\n"
    )
    called: list[object] = []
    monkeypatch.setattr("fairhearing.imports.members.refresh_statistics", called.append)

    assert import_members(path, actor=None, label="test").created == 1
    assert called == []


class _Missing:
    """Stands for a model whose table is not there, so that gathering its statistics fails in the database."""

    class _meta:  # the attribute Django models have
        db_table = "fairhearing_no_such_table"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="statistics are gathered on PostgreSQL only")
@pytest.mark.django_db
def test_a_failure_to_gather_statistics_is_logged_and_spoils_nothing(caplog):
    # The load it follows is already written: a failure here must neither raise nor break the caller's transaction.
    _members(5)
    refresh_statistics([_Missing])

    assert "statistics could not be gathered" in caplog.text
    assert Member.objects.count() == 5


@pytest.mark.skipif(not ON_POSTGRESQL, reason="statistics are gathered on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_a_failed_vacuum_outside_a_transaction_is_logged(caplog):
    _members(5)
    refresh_statistics([_Missing])

    assert "statistics could not be gathered" in caplog.text
    assert Member.objects.count() == 5
