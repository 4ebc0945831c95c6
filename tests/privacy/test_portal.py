"""The member portal's minimum: signing in, one's own cases, and "Download my data" - for oneself only."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fairhearing.audit.models import AuditEvent
from fairhearing.privacy.models import SubjectAccessRequest
from tests.privacy.sar_case import build_sar_case, data_of, open_zip
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "a long test password"


@pytest.fixture
def sar(settings, tmp_path, example_source):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_sar_case(example_source)


def test_signing_in_takes_a_member_to_their_cases(client, sar):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<label for="id_username">Username</label>' in html and '<label for="id_password">Password</label>' in html
    # Nothing inline for the CSP to refuse: scripts only from files (base.html loads the vendored htmx).
    assert not re.search(r"<script(?![^>]*\ssrc=)", html) and "style=" not in html

    refused = client.post("/accounts/login/", {"username": "mp", "password": "wrong"})
    assert refused.status_code == 200 and 'role="alert"' in refused.content.decode()

    signed_in = client.post("/accounts/login/", {"username": "mp", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/portal/"
    portal = client.get("/portal/").content.decode()
    assert "<h1>Your cases</h1>" in portal
    for case, role in ((sar.as_respondent, "respondent"), (sar.as_complainant, "complainant")):
        card = portal.split(f'<a href="/portal/cases/{case.reference}/">Case {case.reference}</a>')[1]
        assert f"<dd>the {role}</dd>" in card.split("</li>")[0]
    assert "Appeal window open" in portal and "2 March 2026" in portal
    assert 'action="/portal/my-data/"' in portal and "csrfmiddlewaretoken" in portal

    signed_out = client.post("/accounts/logout/")
    assert signed_out.status_code == 302 and signed_out["Location"] == "/"
    assert client.get("/portal/").status_code == 302


def test_staff_sign_in_to_the_home_page(client, sar):
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    # ...by way of the code from their authenticator app (tests/accounts/test_two_factor.py).
    assert response["Location"] == "/accounts/two-factor/?next=%2Fwork%2F"


def test_anonymous_visitors_are_sent_to_sign_in(client, sar):
    for url in ("/portal/", "/portal/my-data/"):
        response = client.get(url) if url == "/portal/" else client.post(url)
        assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
    assert not SubjectAccessRequest.objects.exists()


def test_an_account_without_a_membership_record_has_no_portal(client, sar):
    sign_in(client, sar.org.users["officer"])
    assert client.get("/portal/").status_code == 404
    assert client.post("/portal/my-data/").status_code == 404
    assert not SubjectAccessRequest.objects.exists()


def test_download_my_data_answers_for_the_signed_in_member_only(client, sar):
    sign_in(client, sar.org.users["mp"])
    assert client.get("/portal/my-data/").status_code == 405
    response = client.post("/portal/my-data/", {"member": sar.org.members["respondent"].pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(f'attachment; filename="my-data-{sar.subject.membership_number}-')
    assert "no-store" in response["Cache-Control"]
    data = data_of(open_zip(response.content))
    assert data["profile"]["membership_number"] == sar.subject.membership_number
    request = SubjectAccessRequest.objects.get()
    assert request.member == sar.subject and request.requested_by == sar.org.users["mp"]
    assert request.fulfilled_at is not None
    assert (
        AuditEvent.objects.filter(action="subject_access.exported", actor_user_id=sar.org.users["mp"].pk).count() == 1
    )

    # A second member, signed in, gets their own data and nothing of the first's - whatever they send.
    other = Client()
    sign_in(other, sar.org.users["respondent"])
    theirs = other.post("/portal/my-data/", {"member": sar.subject.pk, "membership_number": "M0003"})
    files = open_zip(theirs.content)
    data = data_of(files)
    respondent = sar.org.members["respondent"]
    assert data["profile"]["membership_number"] == respondent.membership_number
    assert [c["reference"] for c in data["cases_as_respondent"]] == [sar.as_complainant.reference]
    assert data["cases_as_complainant"] == []
    everything = b"".join(files.values()).decode(errors="replace")
    assert sar.as_respondent.reference not in everything
    assert "Margaret Peabody" not in everything and "margaret.peabody" not in everything
    assert sorted(SubjectAccessRequest.objects.values_list("member_id", flat=True)) == sorted(
        [sar.subject.pk, respondent.pk]
    )


def test_the_download_needs_the_csrf_token(sar):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, sar.org.users["mp"])
    assert client.post("/portal/my-data/").status_code == 403
    assert not SubjectAccessRequest.objects.exists()
