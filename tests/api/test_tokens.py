"""Who may call the API: a live token acts as its owner, and every other way in is refused with a problem.

Revoked, expired, unknown and malformed tokens get 401 saying which; a read token reads but never writes; a staff
session counts only after its two-factor code; a session's write needs the CSRF token; and a token is kept only
as a digest - the secret itself is nowhere in the database.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.api.models import ApiToken
from fairhearing.api.tokens import digest, issue_token, revoke_token
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import EventKind
from fairhearing.organisation.models import Branch, Member, Region
from tests.api.client import Api, problem
from tests.cases.organisation import Org, build_org
from tests.portal.cases import Journey
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
REPLY = {"response": "I deny the allegation."}


@pytest.fixture
def org(settings, tmp_path, example_source) -> Org:
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_org(example_source)


@pytest.fixture
def member():
    branch = Branch.objects.create(code="b", name="Branch", region=Region.objects.create(code="r", name="Region"))
    record = Member.objects.create(membership_number="M9", name="Mia", branch=branch, joined=date(2020, 1, 1))
    return create_user(username="mia", password="a long test password", roles={Role.MEMBER}, member=record)


def refused_401(response, says: str) -> dict:
    body = problem(response)
    assert body["status"] == 401 and says in body["detail"], body
    assert response["WWW-Authenticate"].startswith('Bearer realm="fairhearing"')
    return body


def test_a_live_token_acts_as_its_owner(member):
    response = Api.of(member, "read").get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == "mia" and response.json()["token_scope"] == "read"
    assert ApiToken.objects.get(user=member).last_used_at is not None


def test_a_revoked_token_is_refused_saying_so(member):
    issued = issue_token(member, name="CRM", scope="write")
    client = Api(issued.secret)
    assert client.get("/me").status_code == 200
    assert revoke_token(issued.token, actor=member)
    refused_401(client.get("/me"), "This token has been revoked.")
    refused_401(client.post("/me/data-request"), "revoked")
    # Revoking twice changes nothing and logs nothing more.
    assert not revoke_token(issued.token, actor=member)
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_an_expired_token_is_refused_saying_when_it_expired(member):
    made = timezone.now() - timedelta(days=10)
    issued = issue_token(member, name="Old", scope="read", days=3, now=made)
    body = refused_401(Api(issued.secret).get("/me"), "This token expired on ")
    assert (made + timedelta(days=3)).date().isoformat() in body["detail"]


def test_a_token_of_a_disabled_account_is_refused(member):
    secret = issue_token(member, name="CRM", scope="read").secret
    member.is_active = False
    member.save()
    refused_401(Api(secret).get("/me"), "disabled")


@pytest.mark.parametrize(
    ("authorization", "says"),
    [
        ("Bearer fh_" + "x" * 43, "This token is not known."),
        ("Bearer not-a-fairhearing-token", "begin 'fh_'"),
        ("Token fh_abc", "Authorization: Bearer <token>"),
        ("Bearer", "Authorization: Bearer <token>"),
        ("Bearer    ", "Authorization: Bearer <token>"),
        ("Basic bWlhOnNlY3JldA==", "Authorization: Bearer <token>"),
    ],
)
def test_unknown_and_malformed_tokens_are_refused(member, authorization, says):
    client = Client()
    refused_401(client.get("/api/v1/me", headers={"Authorization": authorization}), says)
    response = client.post("/api/v1/me/data-request", headers={"Authorization": authorization, "Idempotency-Key": "k1"})
    refused_401(response, says)


def test_no_credentials_at_all_is_401(db):
    refused_401(Client().get("/api/v1/me/cases"), "Sign in, or send a personal API token")


def test_a_read_token_reads_but_cannot_write(org):
    case = Journey(org, days_ago=3).notice().case
    client = Api.of(org.users["respondent"], "read")
    assert client.get(f"/me/cases/{case.reference}").status_code == 200
    body = problem(client.post(f"/me/cases/{case.reference}/response", REPLY))
    assert body["status"] == 403 and "may only read" in body["detail"]
    assert not case.timeline.filter(kind=EventKind.RESPONSE_RECEIVED).exists()
    # The write token of the same person may.
    assert Api.of(org.users["respondent"]).post(f"/me/cases/{case.reference}/response", REPLY).status_code == 200


def test_a_staff_session_without_its_code_is_refused_on_the_api(org):
    officer = org.users["officer"]
    half = sign_in(Client(), officer, verified=False)
    body = problem(half.get("/api/v1/me"))
    assert body["status"] == 401 and "two-factor code" in body["detail"]
    assert problem(half.post("/api/v1/me/data-request"))["status"] == 401
    full = sign_in(Client(), officer)
    assert full.get("/api/v1/me").json()["username"] == "officer"


def test_a_member_session_needs_no_code_but_its_writes_need_the_csrf_token(org):
    case = Journey(org, days_ago=3).notice().case
    client = sign_in(Client(enforce_csrf_checks=True), org.users["respondent"])
    assert client.get("/api/v1/me").json()["username"] == "respondent"
    url = f"/api/v1/me/cases/{case.reference}/response"
    forged = client.post(url, REPLY, content_type="application/json")
    assert problem(forged)["status"] == 403 and "CSRF" in problem(forged)["detail"]
    assert not case.timeline.filter(kind=EventKind.RESPONSE_RECEIVED).exists()
    # With the token the site's own pages carry, the same write goes through.
    client.get("/account/tokens/")
    token = client.cookies["csrftoken"].value
    done = client.post(url, REPLY, content_type="application/json", headers={"X-CSRFToken": token})
    assert done.status_code == 200, done.content
    assert case.timeline.filter(kind=EventKind.RESPONSE_RECEIVED).count() == 1


def test_a_bearer_token_needs_no_csrf_token(org):
    case = Journey(org, days_ago=3).notice().case
    client = Api(Api.of(org.users["respondent"]).headers["Authorization"].split()[1], Client(enforce_csrf_checks=True))
    assert client.post(f"/me/cases/{case.reference}/response", REPLY).status_code == 200


def _every_stored_value() -> str:
    """Everything in every table of the database, as text: where a secret would show if it were kept."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the database itself
            for row in cursor.fetchall():
                for value in row:
                    found.append(value.decode("latin-1") if isinstance(value, bytes | memoryview) else str(value))
    # Sessions are stored encoded: decode them, so a secret put in a session would show too.
    found += [repr(session.get_decoded()) for session in Session.objects.all()]
    return "\n".join(found)


def test_tokens_are_stored_only_as_a_digest(org):
    user = org.users["respondent"]
    web = sign_in(Client(), user)
    page = web.post("/account/tokens/", {"name": "From the web", "scope": "write", "days": "30"})
    secret_from_web = page.context["secret"]
    secret_from_code = issue_token(user, name="In code", scope="read").secret
    case = Journey(org, days_ago=3).notice().case
    Api(secret_from_web).post(f"/me/cases/{case.reference}/response", REPLY, key="stored-answer")
    Api(secret_from_code).get("/me/cases")
    stored = _every_stored_value()
    for secret in (secret_from_web, secret_from_code):
        assert secret not in stored and secret.removeprefix("fh_") not in stored
        assert ApiToken.objects.filter(key_sha256=digest(secret)).count() == 1
