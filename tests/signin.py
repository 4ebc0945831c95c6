"""Signing a test client in as a user, the way every test of a signed-in page should.

Staff must give a code from an authenticator app (fairhearing.accounts.two_factor). `sign_in` gives staff a
confirmed device and marks the session verified exactly as django-otp does after a real code, so a test of a staff
page starts where a fully signed-in person would be. Tests of the sign-in itself use the real pages instead.
"""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fairhearing.accounts.models import User
from fairhearing.accounts.two_factor import needs_two_factor


def device_for(user: User) -> TOTPDevice:
    """The user's confirmed device, made on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def sign_in(client: Client, user: User, *, verified: bool = True) -> Client:
    """Sign in as `user`; staff are also past the code unless `verified=False` (password only)."""
    client.force_login(user)
    if verified and needs_two_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
        session.save()
    return client


def current_code(user: User) -> str:
    """The code the user's authenticator app would show now, for tests that type it (browser tests).

    A code is accepted once: if this step's code was spent, this is the next step's, which the one-step tolerance
    also accepts.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time()  # one reading of the clock, so the step cannot change between two lines
    if clock.t() <= device.last_t:
        clock.drift += device.last_t + 1 - clock.t()
    return f"{clock.token():0{device.digits}d}"
