"""A session ends after an idle hour (and when the browser closes); each request starts the hour again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.accounts.conftest import PASSWORD, sign_in_with_password
from tests.helpers import run_cli

pytestmark = pytest.mark.django_db


def test_idle_expiry_is_in_force():
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_each_request_pushes_the_expiry_back_and_an_idle_session_ends(client, member):
    sign_in_with_password(client, "morgan", PASSWORD)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get("/portal/").status_code == 200
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + timedelta(minutes=59)

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # an hour with nothing done
    response = client.get("/portal/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_limits_are_read_from_the_environment(tmp_path, monkeypatch):
    for name, value in {
        "FAIRHEARING_SESSION_IDLE_MINUTES": "20",
        "FAIRHEARING_LOCKOUT_FAILURES": "3",
        "FAIRHEARING_LOCKOUT_MINUTES": "40",
        "FAIRHEARING_EMAIL_HOST": "smtp.example.org",
        "FAIRHEARING_EMAIL_PORT": "2525",
        "FAIRHEARING_EMAIL_USE_TLS": "false",
        "FAIRHEARING_EMAIL_FROM": "Disputes <disputes@example.org>",
    }.items():
        monkeypatch.setenv(name, value)
    script = (
        "from django.conf import settings as s; m = s.MAILERS['default'];"
        "print(s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), m['BACKEND'],"
        " m['OPTIONS']['host'], m['OPTIONS']['port'], m['OPTIONS']['use_tls'], s.DEFAULT_FROM_EMAIL, sep='|')"
    )
    result = run_cli("manage", "shell", "--no-imports", "-c", script, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "1200|3|2400.0|django.core.mail.backends.smtp.EmailBackend|smtp.example.org|2525|False|"
        "Disputes <disputes@example.org>"
    )
