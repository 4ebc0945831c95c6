"""Repeated wrong passwords lock the account, whoever tries, until the cool-off ends or the owner resets it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone

from fairhearing.audit.models import AuditEvent
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, reset_link, sign_in_with_password

pytestmark = pytest.mark.django_db


def lock(client, username: str) -> None:
    for attempt in range(1, 6):
        response = sign_in_with_password(client, username, f"wrong guess {attempt}")
        # Four ordinary refusals; the fifth crosses the limit and gets the locked-out page at once.
        assert response.status_code == (429 if attempt == 5 else 200), attempt


def test_the_limits_come_from_the_environment_with_safe_defaults():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.AUTHENTICATION_BACKENDS[-1] == "django.contrib.auth.backends.ModelBackend"


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, officer):
    lock(client, "casey")
    refused = sign_in_with_password(client, "casey", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    page = refused.content.decode()
    assert "<h1>Sign-in paused for this account</h1>" in page
    assert 'href="/accounts/password-reset/"' in page
    retry_at = timezone.localtime(AccessAttempt.objects.get(username="casey").attempt_time + timedelta(minutes=15))
    assert f'You can try again after <strong><time datetime="{retry_at.isoformat()}">' in page
    assert "<script" not in page.split("</head>")[1] and "style=" not in page
    # The page extends the site's layout: navigation and the skip link are there.
    assert 'class="skip" href="#main"' in page


def test_failures_and_the_lockout_are_audited_without_the_password(client, officer):
    lock(client, "casey")
    sign_in_with_password(client, "casey", PASSWORD)
    actions = list(AuditEvent.objects.filter(object_id=str(officer.pk)).values_list("action", flat=True))
    assert actions.count("account.sign_in_failed") == 5
    assert actions.count("account.locked_out") == 1  # once, however many tries follow
    assert actions.count("account.sign_in_refused") == 1
    assert "account.signed_in" not in actions
    logged = json.dumps(list(AuditEvent.objects.values("summary", "data", "actor_label")))
    assert "wrong guess" not in logged and PASSWORD not in logged
    # axes keeps its own record of the attempts, with the password masked.
    assert "wrong guess" not in AccessAttempt.objects.get(username="casey").post_data


def test_an_unknown_username_is_audited_without_what_was_typed(client, officer):
    sign_in_with_password(client, "my secret password", "whatever")
    entry = AuditEvent.objects.get(action="account.sign_in_failed")
    assert entry.object_id == "" and entry.data == {"account_exists": False}
    assert "my secret password" not in entry.summary


def test_the_lock_is_on_the_account_not_on_the_computer(client, officer, member):
    lock(client, "casey")
    assert sign_in_with_password(client, "morgan", PASSWORD)["Location"] == "/portal/"
    # ...and from another address the locked account is still locked.
    other = sign_in_with_password(Client(REMOTE_ADDR="203.0.113.9"), "casey", PASSWORD)
    assert other.status_code == 429


def test_the_lock_lifts_after_the_cool_off(client, officer):
    lock(client, "casey")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert sign_in_with_password(client, "casey", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = sign_in_with_password(client, "casey", PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert AuditEvent.objects.filter(action="account.signed_in", object_id=str(officer.pk)).count() == 1


def test_a_password_reset_unlocks_a_locked_member(client, member, mailoutbox):
    lock(client, "morgan")
    client.post("/accounts/password-reset/", {"email": "morgan@members.example.org"})
    form = client.get(reset_link(mailoutbox[0]), follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert not AccessAttempt.objects.filter(username="morgan").exists()
    signed_in = sign_in_with_password(client, "morgan", NEW_PASSWORD)
    assert signed_in.status_code == 302 and signed_in["Location"] == "/portal/"
    reset = AuditEvent.objects.get(action="account.password_reset")
    assert reset.data == {"lockout_cleared": True} and reset.subject_member_ids == [member.member_id]


def test_a_successful_sign_in_forgets_earlier_typos(client, member):
    for _ in range(4):
        sign_in_with_password(client, "morgan", "typo")
    assert sign_in_with_password(client, "morgan", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert sign_in_with_password(client, "morgan", "typo").status_code == 200
