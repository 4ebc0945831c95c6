"""The API tokens page: everyone signed in lists, makes and revokes their own tokens, and nobody else's."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from fairhearing.api.models import ApiToken
from fairhearing.api.tokens import MAX_LIVE_TOKENS, issue_token
from fairhearing.audit.models import AuditEvent
from tests.api.client import Api
from tests.cases.organisation import Org, build_org
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
URL = "/account/tokens/"


@pytest.fixture
def org(example_source) -> Org:
    return build_org(example_source)


def as_user(org: Org, who: str, **kwargs) -> Client:
    return sign_in(Client(**kwargs), org.users[who])


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_page_lists_only_my_tokens_with_their_state(org):
    me, other = org.users["respondent"], org.users["complainant"]
    live = issue_token(me, name="CRM sync", scope="write").token
    revoked = issue_token(me, name="Old laptop", scope="read").token
    revoked.revoked_at = revoked.created_at
    revoked.save()
    issue_token(other, name="Not mine", scope="read")
    page = text(as_user(org, "respondent").get(URL))
    assert "<h1>API tokens</h1>" in page
    assert "CRM sync" in page and f"fh_{live.prefix}…" in page and "read and write" in page
    assert "Old laptop" in page and "revoked " in page
    assert "Not mine" not in page
    # One revoke button, for the live token only, posting with the CSRF token.
    assert page.count('type="submit" aria-label="Revoke the token') == 1
    assert f'action="/account/tokens/{live.pk}/revoke/"' in page and "csrfmiddlewaretoken" in page
    # The form's fields are labelled.
    for field in ("name", "days"):
        assert f'<label for="id_{field}">' in page
    assert "<legend>What it may do</legend>" in page and 'value="90"' in page


def test_the_page_is_in_the_navigation_for_everyone_signed_in(org):
    for who in ("respondent", "officer", "dpo"):
        page = text(as_user(org, who).get("/"))
        assert '<a href="/account/tokens/">API tokens</a>' in page, who
    assert "/account/tokens/" not in text(Client().get("/"))
    assert Client().get(URL)["Location"].startswith("/accounts/login/")


def test_making_a_token_shows_its_secret_once(org):
    client = as_user(org, "respondent")
    made = client.post(URL, {"name": "  CRM sync ", "scope": "write", "days": "30"})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    page = text(made)
    secret = re.search(r'<code class="secret" id="secret">(fh_[\w-]+)</code>', page).group(1)
    assert "Copy the token now: it will not be shown again." in page
    token = ApiToken.objects.get(user=org.users["respondent"])
    assert (token.name, token.scope) == ("CRM sync", "write")
    assert (token.expires_at - token.created_at).days == 30
    # It works, as its owner.
    assert Api(secret).get("/me").json()["username"] == "respondent"
    # The list shows it, never the secret again.
    again = text(client.get(URL))
    assert "CRM sync" in again and secret not in again and f"fh_{token.prefix}…" in again
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor_user_id == org.users["respondent"].pk and secret not in event.summary


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "scope": "read", "days": "90"}, "name", "Give the token a name"),
        ({"name": "   ", "scope": "read", "days": "90"}, "name", "Give the token a name"),
        ({"name": "x" * 101, "scope": "read", "days": "90"}, "name", "100 characters or fewer"),
        ({"name": "CRM", "scope": "admin", "days": "90"}, "scope", "Choose read or write."),
        ({"name": "CRM", "scope": "read", "days": "0"}, "days", "between 1 and 366 days"),
        ({"name": "CRM", "scope": "read", "days": "367"}, "days", "between 1 and 366 days"),
        ({"name": "CRM", "scope": "read", "days": "soon"}, "days", "Enter a whole number of days."),
    ],
)
def test_a_bad_form_names_the_field_and_makes_nothing(org, data, field, message):
    response = as_user(org, "respondent").post(URL, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0]
    assert 'id="secret"' not in text(response)
    assert not ApiToken.objects.exists()


def test_the_services_refusal_goes_on_its_field(org):
    me = org.users["respondent"]
    for n in range(MAX_LIVE_TOKENS):
        issue_token(me, name=f"token {n}", scope="read")
    response = as_user(org, "respondent").post(URL, {"name": "One more", "scope": "read", "days": "90"})
    assert response.status_code == 400
    assert "at most 20 live tokens" in response.context["form"].errors["name"][0]
    assert ApiToken.objects.filter(user=me).count() == MAX_LIVE_TOKENS


def test_revoking_my_token_stops_it_at_once(org):
    issued = issue_token(org.users["respondent"], name="CRM sync", scope="read")
    client = as_user(org, "respondent")
    response = client.post(f"/account/tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == URL
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    assert "is revoked: it no longer works." in text(client.get(URL))
    assert Api(issued.secret).get("/me").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.actor_user_id == org.users["respondent"].pk
    # Again: nothing more happens.
    client.post(f"/account/tokens/{issued.token.pk}/revoke/")
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


@pytest.mark.parametrize("who", ["complainant", "officer", "dpo"])
def test_another_users_token_cannot_be_revoked(org, who):
    issued = issue_token(org.users["respondent"], name="CRM sync", scope="read")
    response = as_user(org, who).post(f"/account/tokens/{issued.token.pk}/revoke/")
    assert response.status_code == 404
    assert as_user(org, who).post("/account/tokens/999999/revoke/").status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    assert Api(issued.secret).get("/me").status_code == 200


def test_revoking_is_post_only_and_needs_the_csrf_token(org):
    issued = issue_token(org.users["respondent"], name="CRM sync", scope="read")
    revoke = f"/account/tokens/{issued.token.pk}/revoke/"
    assert as_user(org, "respondent").get(revoke).status_code == 405
    assert as_user(org, "respondent", enforce_csrf_checks=True).post(revoke).status_code == 403
    forged = as_user(org, "respondent", enforce_csrf_checks=True).post(URL, {"name": "x", "scope": "write"})
    assert forged.status_code == 403
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None and ApiToken.objects.count() == 1


def test_staff_reach_the_page_only_after_their_code(org):
    half = sign_in(Client(), org.users["officer"], verified=False)
    assert half.get(URL)["Location"].startswith("/accounts/two-factor/")
    assert half.post(URL, {"name": "x", "scope": "write", "days": "1"})["Location"].startswith("/accounts/two-factor/")
    assert not ApiToken.objects.exists()
    assert as_user(org, "officer").get(URL).status_code == 200


def test_the_page_has_no_inline_script_or_style(org):
    page = as_user(org, "respondent").get(URL).content.decode()
    assert "<script>" not in page and "<style" not in page and " style=" not in page and " on" + "click=" not in page
