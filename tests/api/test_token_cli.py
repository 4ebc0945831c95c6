"""`fairhearing token create|list|revoke`: an administrator at the command line makes and revokes tokens."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.api.models import ApiToken
from fairhearing.api.tokens import issue_token
from fairhearing.audit.models import AuditEvent
from tests.api.client import Api
from tests.helpers import run_cli

LABEL = "an administrator at the command line"
SECRET = re.compile(r"fh_[A-Za-z0-9_-]{43}")


@pytest.fixture
def officer(db):
    return create_user(username="casey", password="a long test password", roles={Role.CASE_OFFICER})


@pytest.mark.django_db
def test_create_prints_the_secret_once_and_logs_the_command_line(officer, capsys):
    call_command("token", "create", "casey", "--name", "CRM sync", "--scope", "write", "--days", "30")
    out, err = capsys.readouterr()
    assert SECRET.fullmatch(out.strip())
    token = ApiToken.objects.get(user=officer)
    assert (token.name, token.scope, (token.expires_at - token.created_at).days) == ("CRM sync", "write", 30)
    assert f"Token {token.pk} (fh_{token.prefix}…, write) made for casey" in err and "only this once" in err
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor_user_id is None and event.actor_label == LABEL
    assert Api(out.strip()).get("/me").json()["username"] == "casey"
    # Listing shows the token's prefix and state, never the secret.
    call_command("token", "list", "casey")
    listed = capsys.readouterr().out
    assert f"fh_{token.prefix}…" in listed and "CRM sync" in listed and "live" in listed
    assert out.strip() not in listed


@pytest.mark.django_db
def test_create_defaults_to_a_read_token_for_90_days(officer, capsys):
    call_command("token", "create", "casey", "--name", "Reports")
    token = ApiToken.objects.get(user=officer)
    assert token.scope == "read" and (token.expires_at - token.created_at).days == 90


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", "--name", "x"], "no account with the username 'nobody'"),
        (["casey", "--name", "  "], "--name: Give the token a name"),
        (["casey", "--name", "x", "--days", "0"], "--days: A token lasts between 1 and 366 days."),
        (["casey", "--name", "x", "--days", "367"], "--days: A token lasts between 1 and 366 days."),
    ],
)
def test_bad_input_is_refused_with_exit_code_2(officer, args, message):
    with pytest.raises(CommandError, match=re.escape(message)) as refused:
        call_command("token", "create", *args)
    assert refused.value.returncode == 2
    assert not ApiToken.objects.exists() and not AuditEvent.objects.filter(action="api_token.created").exists()


@pytest.mark.django_db
def test_revoke_stops_the_token_and_logs_the_command_line(officer, capsys):
    issued = issue_token(officer, name="CRM sync", scope="read")
    call_command("token", "revoke", str(issued.token.pk))
    assert f"Revoked token {issued.token.pk} (fh_{issued.token.prefix}…) of casey." in capsys.readouterr().out
    assert Api(issued.secret).get("/me").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.actor_user_id is None and event.actor_label == LABEL
    call_command("token", "revoke", str(issued.token.pk))
    assert "was already revoked" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1
    call_command("token", "list", "casey")
    assert "revoked " in capsys.readouterr().out
    with pytest.raises(CommandError, match="no API token with the id 999") as missing:
        call_command("token", "revoke", "999")
    assert missing.value.returncode == 2


@pytest.mark.django_db
def test_list_says_when_there_are_none(officer, capsys):
    call_command("token", "list", "casey")
    assert capsys.readouterr().out.strip() == "casey has no API tokens."
    with pytest.raises(CommandError, match="no account with the username 'nobody'"):
        call_command("token", "list", "nobody")


def test_the_fairhearing_command_makes_lists_and_revokes(tmp_path, monkeypatch):
    assert run_cli("manage", "migrate", "--verbosity", "0", data_dir=tmp_path).returncode == 0
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long test password")
    made_user = run_cli(
        "manage", "createsuperuser", "--noinput", "--username", "root", "--email", "r@example.org", data_dir=tmp_path
    )
    assert made_user.returncode == 0, made_user.stderr
    assert "token" in run_cli("--help", data_dir=tmp_path).stdout

    made = run_cli("token", "create", "root", "--name", "Backup", "--scope", "write", "--days", "7", data_dir=tmp_path)
    assert made.returncode == 0, made.stderr
    assert SECRET.fullmatch(made.stdout.strip()) and "only this once" in made.stderr
    listed = run_cli("token", "list", "root", data_dir=tmp_path)
    assert listed.returncode == 0 and "Backup" in listed.stdout and made.stdout.strip() not in listed.stdout
    token_id = listed.stdout.splitlines()[1].split()[0]
    revoked = run_cli("token", "revoke", token_id, data_dir=tmp_path)
    assert revoked.returncode == 0 and "Revoked token" in revoked.stdout

    bad_scope = run_cli("token", "create", "root", "--name", "x", "--scope", "admin", data_dir=tmp_path)
    assert bad_scope.returncode == 2 and "invalid choice: 'admin'" in bad_scope.stderr
    no_action = run_cli("token", data_dir=tmp_path)
    assert no_action.returncode == 2 and "create,list,revoke" in no_action.stderr
    no_user = run_cli("token", "list", "nobody", data_dir=tmp_path)
    assert no_user.returncode == 2 and "no account with the username 'nobody'" in no_user.stderr
