"""Time-based one-time passwords (TOTP, RFC 6238) for staff, on django-otp's TOTPDevice.

Every role but plain `member` must give a code from an authenticator app after the password: a staff account opens
other people's cases, so a guessed or reused password alone must not be enough. Members are never asked.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from datetime import datetime

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.models import VerifyNotAllowed
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import SETUP_LABEL
from fairhearing.audit import log as audit

DEVICE_NAME = "Authenticator app"


def needs_two_factor(user: User) -> bool:
    """Anyone with a role beyond `member`, and anyone the Django admin lets in, even without a role group."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or bool(user.roles() - {Role.MEMBER})


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def setup_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up. Reused across page loads, so a QR code already scanned stays valid."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it: base32, in groups of four for typing."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as an SVG QR code in a data: URI: an <img> our CSP allows, no inline script or style."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """A code the device will accept now: the current one, or, if that was just used, the next one (which the
    one-step tolerance accepts). For the demo's `demo-code` command; real users read their app."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    if totp.t() <= device.last_t:
        totp.drift += device.last_t + 1 - totp.t()
    return f"{totp.token():0{device.digits}d}"


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | None
    retry_at: datetime | None = None  # set when wrong codes have throttled the device

    @property
    def ok(self) -> bool:
        return self.device is not None


def _subjects(user: User) -> list[int | None]:
    return [user.member_id]


@transaction.atomic
def verify_code(request: HttpRequest, device: TOTPDevice, code: str) -> Verification:
    """Check a code against the user's device; on success mark the session verified (and confirm a new device).

    The device row is locked so two requests cannot both spend one code; django-otp refuses a code already used
    and backs off 1, 2, 4... seconds after each wrong one. Every outcome goes on the audit log; the code does not.
    """
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    allowed, why = device.verify_is_allowed()
    if not allowed:
        retry_at = why.get("locked_until") if why and why.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS else None
        audit.record(
            user,
            "account.two_factor_throttled",
            "user",
            user.pk,
            summary=f"A code for account {user.pk} was refused unchecked: too many wrong codes just before.",
            subjects=_subjects(user),
        )
        return Verification(None, retry_at)
    if not device.verify_token(code.strip().replace(" ", "")):
        audit.record(
            user,
            "account.two_factor_failed",
            "user",
            user.pk,
            summary=f"A wrong code was given for account {user.pk}.",
            subjects=_subjects(user),
            data={"failures_in_a_row": device.throttling_failure_count},
        )
        return Verification(None)
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit.record(
            user,
            "account.two_factor_enrolled",
            "user",
            user.pk,
            summary=f"Account {user.pk} set up an authenticator app.",
            subjects=_subjects(user),
        )
    # A new session key for the raised privilege, so a session id seen before the code is worth nothing after it.
    request.session.cycle_key()
    otp_login(request, device)
    audit.record(
        user,
        "account.two_factor_verified",
        "user",
        user.pk,
        summary=f"Account {user.pk} gave a correct code.",
        subjects=_subjects(user),
    )
    return Verification(device)


@transaction.atomic
def enrol_with_new_key(user: User, *, label: str = SETUP_LABEL) -> TOTPDevice:
    """A confirmed device with a fresh key, made at set-up (the demo) rather than by the person scanning a code."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    audit.record(
        None,
        "account.two_factor_enrolled",
        "user",
        user.pk,
        summary=f"Account {user.pk} given an authenticator key at set-up.",
        subjects=_subjects(user),
        label=label,
    )
    return device


@transaction.atomic
def reset_two_factor(user: User, *, label: str) -> int:
    """Remove the account's devices (a lost phone): the next sign-in sets up a new one. Returns how many went."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit.record(
        None,
        "account.two_factor_reset",
        "user",
        user.pk,
        summary=f"The authenticator app of account {user.pk} was removed; a new one is set up at the next sign-in.",
        subjects=_subjects(user),
        data={"devices_removed": removed},
        label=label,
    )
    return removed
