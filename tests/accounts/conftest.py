"""People to sign in as: a case officer and a member, each with a password and an email address."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.organisation.models import Branch, Member, Region

PASSWORD = "a long test password"
NEW_PASSWORD = "another quite long passphrase"


@pytest.fixture
def officer(db) -> User:
    return create_user(username="casey", password=PASSWORD, roles={Role.CASE_OFFICER}, email="casey@staff.example.org")


@pytest.fixture
def member(db) -> User:
    region = Region.objects.create(code="north", name="North")
    branch = Branch.objects.create(code="n1", name="North One", region=region)
    record = Member.objects.create(
        membership_number="M0001",
        name="Morgan Jones",
        email="morgan@members.example.org",
        branch=branch,
        joined=date(2010, 1, 1),
    )
    return create_user(username="morgan", password=PASSWORD, roles={Role.MEMBER}, member=record, email=record.email)


def sign_in_with_password(client, username: str, password: str, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def reset_link(message: mail.EmailMessage) -> str:
    """The path of the one link in a password reset email."""
    return re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", message.body).group(1)
