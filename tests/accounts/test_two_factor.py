"""Every staff role gives a code from an authenticator app after the password; members never do."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fairhearing.accounts.two_factor import needs_two_factor
from fairhearing.audit.models import AuditEvent
from tests.accounts.conftest import PASSWORD, sign_in_with_password
from tests.signin import current_code, device_for, sign_in

pytestmark = pytest.mark.django_db
TWO_FACTOR = "/accounts/two-factor/"


def code_of(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's phone shows, computed from the device's key as the app does (RFC 6238)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead):06d}"


def forgive_wrong_codes(device: TOTPDevice) -> None:
    """Time travel past django-otp's back-off after a wrong code (1 s, then 2, 4...)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(hours=1))


def redirected_to_code(response, url: str) -> bool:
    return response.status_code == 302 and response["Location"] == f"{TWO_FACTOR}?next={quote(url, safe='')}"


def test_every_role_but_member_needs_a_code(sar_case, admin_user):
    users = sar_case.org.users
    assert not needs_two_factor(users["mp"]) and not needs_two_factor(users["respondent"])
    for who in ("officer", "body_officer", "panellist", "oversight", "dpo"):
        assert needs_two_factor(users[who]), who
    assert needs_two_factor(admin_user)  # a superuser with no role group opens the Django admin: asked too


def test_staff_signed_in_with_only_a_password_see_nothing_but_the_code_page(client, sar_case):
    sign_in(client, sar_case.org.users["dpo"], verified=False)
    reference = sar_case.as_respondent.reference
    for url in (f"/cases/{reference}/", "/dpo/", "/dpo/holds/", "/admin/", "/portal/"):
        assert redirected_to_code(client.get(url), url), url
    assert redirected_to_code(client.post("/dpo/erasure/", {}), "/dpo/erasure/")
    # The public pages, the public audit endpoints, static files and signing out stay open.
    assert client.get("/").status_code == 200
    assert client.get("/rules/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/audit/key").status_code == 200
    assert "Location" not in client.get("/static/fairhearing/auth.css")  # not sent to the code page (tests serve none)
    assert client.post("/accounts/logout/")["Location"] == "/"


def test_signing_in_with_a_password_leads_to_the_code_page(client, sar_case):
    reference = sar_case.as_respondent.reference
    response = sign_in_with_password(client, "officer", PASSWORD, next=f"/cases/{reference}/")
    assert redirected_to_code(response, f"/cases/{reference}/")


def test_first_sign_in_sets_up_an_authenticator_app(client, sar_case):
    officer = sar_case.org.users["officer"]
    reference = sar_case.as_respondent.reference
    sign_in_with_password(client, "officer", PASSWORD)
    page = client.get(f"{TWO_FACTOR}?next=/cases/{reference}/")
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>Set up your authenticator app</h1>" in html
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    # The key as text for typing, and as a QR code drawn in SVG inside a data: URI (no inline script or style).
    secret = base64.b32encode(device.bin_key).decode()
    shown = re.search(r'<code class="secret" id="secret">([A-Z2-7 ]+)</code>', html).group(1)
    assert shown.replace(" ", "") == secret.rstrip("=")
    qr = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', html).group(1)
    assert base64.b64decode(qr).startswith(b"<?xml") or b"<svg" in base64.b64decode(qr)[:200]
    body = html.split("</head>")[1]
    assert "<script" not in body and "<style" not in body and "style=" not in body
    assert client.get(TWO_FACTOR).content.decode().count(shown) == 1  # the same key on reload: a scan stays valid

    wrong = client.post(TWO_FACTOR, {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert wrong.status_code == 400
    assert 'aria-describedby="id_code_helptext id_code_error"' in wrong.content.decode()
    assert 'id="id_code_error"><li>That code is not right.' in wrong.content.decode()
    forgive_wrong_codes(device)

    right = client.post(TWO_FACTOR, {"code": code_of(device), "next": f"/cases/{reference}/"})
    assert right.status_code == 302 and right["Location"] == f"/cases/{reference}/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(f"/cases/{reference}/").status_code == 200
    actions = list(
        AuditEvent.objects.filter(object_id=str(officer.pk), action__startswith="account.").values_list(
            "action", flat=True
        )
    )
    assert actions[-3:] == ["account.two_factor_failed", "account.two_factor_enrolled", "account.two_factor_verified"]


def test_later_sign_ins_ask_for_the_code_and_never_show_the_key_again(client, sar_case):
    officer = sar_case.org.users["officer"]
    device = device_for(officer)
    sign_in_with_password(client, "officer", PASSWORD)
    html = client.get(TWO_FACTOR).content.decode()
    assert "<h1>Enter your code</h1>" in html
    assert "secret" not in html and "data:image/svg" not in html
    assert client.post(TWO_FACTOR, {"code": current_code(officer)})["Location"] == "/work/"
    assert client.get("/dpo/").status_code == 404  # past the code, the page's own rules apply (not the DPO)
    device.refresh_from_db()
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_a_code_works_only_once(client, sar_case):
    officer = sar_case.org.users["officer"]
    device = device_for(officer)
    code = code_of(device)
    sign_in_with_password(client, "officer", PASSWORD)
    assert client.post(TWO_FACTOR, {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    sign_in_with_password(client, "officer", PASSWORD)
    assert client.post(TWO_FACTOR, {"code": code}).status_code == 400


def test_wrong_codes_are_throttled_and_audited(client, sar_case):
    officer = sar_case.org.users["officer"]
    device = device_for(officer)
    sign_in_with_password(client, "officer", PASSWORD)
    wrong = f"{(int(code_of(device)) + 1) % 1_000_000:06d}"
    assert client.post(TWO_FACTOR, {"code": wrong}).status_code == 400
    # Straight after a wrong code, even the right one is refused unchecked, and the page says how long to wait.
    throttled = client.post(TWO_FACTOR, {"code": code_of(device)})
    assert throttled.status_code == 400
    assert re.search(r"Too many wrong codes in a row. Wait \d+ seconds", throttled.content.decode())
    assert client.get("/cases/anything/")["Location"].startswith(TWO_FACTOR)
    forgive_wrong_codes(device)
    assert client.post(TWO_FACTOR, {"code": code_of(device)}).status_code == 302
    actions = list(AuditEvent.objects.filter(object_id=str(officer.pk)).values_list("action", flat=True))
    assert actions[-3:] == ["account.two_factor_failed", "account.two_factor_throttled", "account.two_factor_verified"]
    assert wrong not in str(list(AuditEvent.objects.values_list("summary", "data")))


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
def test_a_malformed_code_gets_an_error_on_the_field(client, sar_case, code):
    device_for(sar_case.org.users["officer"])
    sign_in_with_password(client, "officer", PASSWORD)
    response = client.post(TWO_FACTOR, {"code": code})
    assert response.status_code == 400
    assert 'id="id_code_error"' in response.content.decode() and 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "https:/evil.example", "javascript:x"])
def test_next_never_leads_off_the_site(client, sar_case, target):
    officer = sar_case.org.users["officer"]
    device_for(officer)
    sign_in_with_password(client, "officer", PASSWORD)
    response = client.post(TWO_FACTOR, {"code": current_code(officer), "next": target})
    assert response.status_code == 302 and response["Location"] == "/work/"


def test_a_member_is_never_asked_for_a_code(client, sar_case):
    response = sign_in_with_password(client, "mp", PASSWORD)
    assert response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200
    assert client.get(f"{TWO_FACTOR}?next=/portal/")["Location"] == "/portal/"
    assert not TOTPDevice.objects.exists()


def test_an_administrator_resets_a_lost_phone(client, sar_case):
    officer = sar_case.org.users["officer"]
    sign_in(client, officer)
    assert client.get(f"/cases/{sar_case.as_respondent.reference}/").status_code == 200
    call_command("reset_two_factor", "officer")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    # The session's proof of a code went with the device: the next page asks for a new set-up.
    assert client.get(f"/cases/{sar_case.as_respondent.reference}/")["Location"].startswith(TWO_FACTOR)
    assert "<h1>Set up your authenticator app</h1>" in client.get(TWO_FACTOR).content.decode()
    entry = AuditEvent.objects.get(action="account.two_factor_reset")
    assert entry.object_id == str(officer.pk) and entry.actor_label == "an administrator at the command line"


def test_resetting_an_unknown_user_fails_with_exit_2():
    with pytest.raises(CommandError, match="no account with the username 'nobody'") as refused:
        call_command("reset_two_factor", "nobody")
    assert refused.value.returncode == 2
