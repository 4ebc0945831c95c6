"""Forgotten passwords: a one-use link by email, and no way to learn from the page whether an address has an account."""

from __future__ import annotations

import pytest

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.audit.models import AuditEvent
from tests.accounts.conftest import NEW_PASSWORD, PASSWORD, reset_link, sign_in_with_password

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_links_to_the_reset(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/password-reset/">Forgotten your password?</a>' in html


def test_a_reset_link_by_email_sets_a_new_password(client, member, mailoutbox):
    form = client.get("/accounts/password-reset/").content.decode()
    assert '<label for="id_email">Email:</label>' in form and 'autocomplete="email"' in form

    sent = client.post("/accounts/password-reset/", {"email": "MORGAN@members.example.org"})
    assert sent.status_code == 302 and sent["Location"] == "/accounts/password-reset/sent/"
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["morgan@members.example.org"] and message.subject == "Reset your fairhearing password"
    assert "Your username is: morgan" in message.body

    # The link swaps its token for a session-held one (so it never leaks in a Referer), then shows the form.
    link = reset_link(message)
    confirm = client.get(link, follow=True)
    html = confirm.content.decode()
    assert "<h1>Choose a new password</h1>" in html
    assert '<label for="id_new_password1">New password:</label>' in html

    mismatch = client.post(confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": "x"})
    assert mismatch.status_code == 200
    assert 'aria-describedby="id_new_password2_helptext id_new_password2_error"' in mismatch.content.decode()

    done = client.post(confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password-reset/done/"
    assert "<h1>Your password has been changed</h1>" in client.get(done["Location"]).content.decode()
    assert sign_in_with_password(client, "morgan", PASSWORD).status_code == 200  # the old one no longer works
    assert sign_in_with_password(client, "morgan", NEW_PASSWORD)["Location"] == "/portal/"
    # The link was for one use.
    assert "<h1>This link does not work</h1>" in client.get(link, follow=True).content.decode()
    actions = set(AuditEvent.objects.filter(object_id=str(member.pk)).values_list("action", flat=True))
    assert {"account.password_reset_sent", "account.password_reset"} <= actions


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, member, mailoutbox):
    known = client.post("/accounts/password-reset/", {"email": "morgan@members.example.org"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mailoutbox) == 1
    page = client.get(unknown["Location"]).content.decode()
    assert "<h1>Check your email</h1>" in page and "If an account uses that address" in page


def test_a_malformed_address_is_an_error_on_the_field(client, mailoutbox):
    response = client.post("/accounts/password-reset/", {"email": "not an address"})
    assert response.status_code == 200 and not mailoutbox
    html = response.content.decode()
    assert 'id="id_email_error"' in html and 'aria-describedby="id_email_error"' in html


def test_an_account_made_without_a_password_gets_its_first_one_by_reset(client, mailoutbox):
    # Administrators and the demo make accounts with no usable password: the owner sets it through this page.
    create_user(username="newstaff", password=None, roles={Role.CASE_OFFICER}, email="new@staff.example.org")
    client.post("/accounts/password-reset/", {"email": "new@staff.example.org"})
    assert len(mailoutbox) == 1
    confirm = client.get(reset_link(mailoutbox[0]), follow=True)
    client.post(confirm.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert User.objects.get(username="newstaff").check_password(NEW_PASSWORD)


def test_an_inactive_account_gets_no_email(client, member, mailoutbox):
    User.objects.filter(pk=member.pk).update(is_active=False)
    client.post("/accounts/password-reset/", {"email": "morgan@members.example.org"})
    assert not mailoutbox
