"""Trying to break the portal's access rule: a member sees only their own cases, and anyone else's is "not found".

Every portal URL that names a case is tried by a member who is not a party to it, with every method, and must
answer 404 - exactly what a made-up reference gets - and change nothing (not even the audit log).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fairhearing.audit.models import AuditEvent
from tests.portal.cases import Journey
from tests.portal.helpers import client_for, counts
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

PAGES = ("", "notice/", "bundle.zip", "respond/", "appeal/")
POSTS = {
    "respond/": {"response": "I reply for them.", "file_1": None, "description_1": "A file"},
    "appeal/": {"grounds": ["procedure"], "explanation": "I appeal for them."},
}


def urls(reference: str) -> list[str]:
    return [f"/portal/cases/{reference}/{page}" for page in PAGES]


def post_data(page: str) -> dict:
    data = dict(POSTS.get(page, {"anything": "at all"}))
    if "file_1" in data:
        data["file_1"] = SimpleUploadedFile("x.txt", b"a file for someone else's case")
    return data


@pytest.mark.parametrize("stage", ["notice", "notify"])
def test_another_member_gets_404_on_every_case_url_and_changes_nothing(org, stage):
    journey = getattr(Journey(org, days_ago=40), stage)()
    case = journey.case
    outsider = client_for(org, "mp")
    before = counts(case)
    for page in PAGES:
        url = f"/portal/cases/{case.reference}/{page}"
        for method in ("get", "post", "put", "delete", "head"):
            kwargs = {"data": post_data(page)} if method == "post" else {}
            response = getattr(outsider, method)(url, **kwargs)
            assert response.status_code == 404, (method, url, response.status_code)
            # Not a word more than for a case that does not exist.
            made_up = getattr(outsider, method)(f"/portal/cases/FH-2099-99999/{page}", **kwargs)
            assert made_up.status_code == 404 and made_up.content == response.content
    assert counts(case) == before
    assert not AuditEvent.objects.filter(actor_user_id=org.users["mp"].pk, case_reference=case.reference).exists()
    # And the list shows them none of it.
    listing = outsider.get("/portal/").content.decode()
    assert case.reference not in listing and "You are not the respondent or the complainant in any case." in listing


def test_staff_without_a_part_in_the_case_are_not_served_by_the_portal(org):
    case = Journey(org, days_ago=4).notice().case
    for name in ("officer", "panellist", "oversight"):
        client = client_for(org, name)
        for url in urls(case.reference):
            assert client.get(url).status_code == 404, (name, url)


def test_signed_out_visitors_are_sent_to_sign_in(org):
    case = Journey(org, days_ago=4).notice().case
    client = Client()
    before = counts(case)
    for page in PAGES:
        url = f"/portal/cases/{case.reference}/{page}"
        for response in (client.get(url), client.post(url, post_data(page))):
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert counts(case) == before


def test_the_complainant_is_refused_the_respondents_pages(org):
    case = Journey(org, days_ago=40).notify().case
    client = client_for(org, "complainant")
    assert client.get(f"/portal/cases/{case.reference}/").status_code == 200
    before = counts(case)
    for page in ("notice/", "bundle.zip", "respond/", "appeal/"):
        url = f"/portal/cases/{case.reference}/{page}"
        assert client.get(url).status_code == 404, url
        assert client.post(url, post_data(page)).status_code == 404, url
    assert counts(case) == before


def test_posts_need_the_csrf_token(org):
    case = Journey(org, days_ago=40).notify().case
    client = sign_in(Client(enforce_csrf_checks=True), org.users["respondent"])
    before = counts(case)
    assert client.post(f"/portal/cases/{case.reference}/appeal/", POSTS["appeal/"]).status_code == 403
    assert counts(case) == before
