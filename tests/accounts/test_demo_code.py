"""`fairhearing demo-code USERNAME` stands in for a demo staff member's phone, and only ever on a demo database."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from fairhearing.demo.build import build_demo
from tests.accounts.conftest import sign_in_with_password
from tests.helpers import run_cli


@pytest.mark.django_db
def test_refused_on_a_database_the_demo_did_not_build(officer):
    with pytest.raises(CommandError, match="this database was not built by `fairhearing demo`") as refused:
        call_command("demo_code", "casey")
    assert refused.value.returncode == 2


def test_refused_from_the_command_line_where_there_is_no_demo(tmp_path):
    result = run_cli("demo-code", "caseofficer", data_dir=tmp_path)
    assert result.returncode == 2
    assert "not built by `fairhearing demo`" in result.stderr and not result.stdout


@pytest.mark.django_db
def test_a_demo_staff_account_signs_in_with_the_printed_code(client, capsys, example_source):
    _, logins = build_demo(example_source, seed=1, today=date(2026, 11, 25), members=100, cases=20)
    officer = next(lg for lg in logins if lg.username == "caseofficer")
    call_command("demo_code", "caseofficer")
    code = capsys.readouterr().out.strip()
    assert re.fullmatch(r"\d{6}", code)

    assert sign_in_with_password(client, "caseofficer", officer.password)["Location"].startswith(
        "/accounts/two-factor/"
    )
    assert client.post("/accounts/two-factor/", {"code": code})["Location"] == "/work/"
    # The next call after a code is spent gives one still unspent, so signing in again at once works too.
    client.post("/accounts/logout/")
    call_command("demo_code", "caseofficer")
    again = capsys.readouterr().out.strip()
    assert again != code
    sign_in_with_password(client, "caseofficer", officer.password)
    assert client.post("/accounts/two-factor/", {"code": again})["Location"] == "/work/"

    with pytest.raises(CommandError, match="member account: it signs in without a code") as member:
        call_command("demo_code", "member")
    assert member.value.returncode == 2
