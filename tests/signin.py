"""Signing a test client in as a user, the way every test of a signed-in page should."""

from __future__ import annotations

from django.test import Client

from fairhearing.accounts.models import User


def sign_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
