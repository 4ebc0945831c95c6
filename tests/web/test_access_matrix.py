"""Every URL, every role: who may reach it, asserted one by one.

Each named URL of the site is in MATRIX with the people who may reach it; everyone else is refused - a signed-in
person with "not found" (404), exactly as for a page that does not exist, and a signed-out visitor with "not found"
or the sign-in page. A URL added to the site without a row here fails `test_every_url_is_in_the_matrix`.

The people: each staff role; the respondent and the complainant of the case the URLs point at; a second member who
is a party to another case only; and a body officer and a panellist who serve a different body or panel.
Forms are posted empty: a person allowed in gets their form back with its errors (or the page), which is enough
to show they got past the access rules without changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.api.tokens import issue_token
from fairhearing.audit.checkpoints import make_checkpoint
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.services.oversight import raise_flag
from fairhearing.privacy.erasure import record_erasure_request
from fairhearing.privacy.legal_holds import place_legal_hold
from fairhearing.privacy.subject_access import request_subject_access
from fairhearing.transparency import files
from tests.privacy.sar_case import build_sar_case
from tests.signin import sign_in
from tests.transparency.sample_content import store as store_release

PEOPLE = [
    "anonymous",
    "officer",
    "body_officer",  # serves the national panel, which hears the case
    "appeals_officer",  # serves the appeals panel: no appeal yet
    "panellist",  # sits on the case's panel
    "appeal_panellist",  # sits on no panel of this case
    "oversight",
    "dpo",
    "admin",
    "mp",  # the respondent
    "complainant",
    "respondent",  # a second member: party to another case, not this one
]
EVERYONE = frozenset(PEOPLE)
SIGNED_IN = EVERYONE - {"anonymous"}
WORKSPACE = frozenset(
    {"officer", "body_officer", "appeals_officer", "panellist", "appeal_panellist", "oversight", "dpo"}
)
READ_CASE = frozenset({"officer", "body_officer", "panellist", "oversight", "dpo"})
WITH_MEMBERSHIP = frozenset({"mp", "complainant", "respondent", "panellist", "appeal_panellist"})
LOG_READERS = frozenset({"officer", "oversight", "dpo", "admin"})


@dataclass(frozen=True)
class Row:
    path: str  # formatted with the world's ids
    allowed: frozenset[str]
    method: str = "get"


MATRIX: dict[str, Row] = {
    # Public.
    "web:home": Row("/", EVERYONE),
    "web:rules": Row("/rules/", EVERYONE),
    "web:health": Row("/healthz", EVERYONE),
    "web:login": Row("/accounts/login/", EVERYONE),
    "web:logout": Row("/accounts/logout/", EVERYONE, "post"),
    "audit:checkpoint": Row("/audit/checkpoint", EVERYONE),
    "audit:key": Row("/audit/key", EVERYONE),
    "audit:consistency": Row("/audit/consistency?old=1", EVERYONE),
    "accounts:password_reset": Row("/accounts/password-reset/", EVERYONE),
    "accounts:password_reset_done": Row("/accounts/password-reset/sent/", EVERYONE),
    "accounts:password_reset_confirm": Row("/accounts/password-reset/MQ/set-password/", EVERYONE),
    "accounts:password_reset_complete": Row("/accounts/password-reset/done/", EVERYONE),
    # The transparency reports: published statistics, for everybody (the public role).
    "transparency:releases": Row("/statistics/", EVERYONE),
    "transparency:release": Row("/statistics/{release}/", EVERYONE),
    "transparency:release_pdf": Row("/statistics/{release}/report.pdf", EVERYONE),
    "transparency:release_json": Row("/statistics/{release}/report.json", EVERYONE),
    "transparency:release_document": Row("/statistics/{release}/report.html", EVERYONE),
    "transparency:table_csv": Row("/statistics/{release}/{table}.csv", EVERYONE),
    "accounts:two_factor": Row("/accounts/two-factor/", SIGNED_IN),
    # Personal API tokens: everyone signed in manages their own; a token can be revoked by its owner only.
    "accounts:tokens": Row("/account/tokens/", SIGNED_IN),
    "accounts:revoke_token": Row("/account/tokens/{token}/revoke/", frozenset({"mp"}), "post"),
    # An entry of the log is seen by those who read the whole log and by the members it is about.
    "audit:inclusion": Row("/audit/entries/{entry}/proof", LOG_READERS | {"mp", "complainant"}),
    # The member portal: one's own data and cases.
    "web:portal": Row("/portal/", WITH_MEMBERSHIP),
    "web:my_data": Row("/portal/my-data/", WITH_MEMBERSHIP, "post"),
    "web:portal_case": Row("/portal/cases/{ref}/", frozenset({"mp", "complainant"})),
    "web:portal_notice": Row("/portal/cases/{ref}/notice/", frozenset({"mp"})),
    "web:portal_bundle_zip": Row("/portal/cases/{ref}/bundle.zip", frozenset({"mp"})),
    "web:portal_respond": Row("/portal/cases/{ref}/respond/", frozenset({"mp"})),
    "web:portal_appeal": Row("/portal/cases/{ref}/appeal/", frozenset({"mp"})),
    # The staff workspace.
    "workspace:dashboard": Row("/work/", WORKSPACE),
    "workspace:case_list": Row("/cases/", WORKSPACE),
    "workspace:oversight": Row("/oversight/", frozenset({"oversight"})),
    "analysis:latest": Row("/oversight/analysis/", frozenset({"oversight"})),
    "workspace:raise_flag": Row("/cases/{ref}/flags/", frozenset({"oversight"}), "post"),
    "workspace:add_note": Row("/cases/{ref}/notes/", frozenset({"officer", "body_officer", "oversight"}), "post"),
    "workspace:resolve_flag": Row("/flags/{flag}/answer/", frozenset({"officer", "body_officer", "oversight"}), "post"),
    "cases:case": Row("/cases/{ref}/", READ_CASE),
    "cases:new": Row("/cases/new/", frozenset({"officer"})),
    "cases:act": Row("/cases/{ref}/act/withdraw/", frozenset({"officer"})),
    # The decision form's guideline box: for the panel that decides (it shows only the rulebook's arithmetic).
    "cases:guideline": Row("/cases/{ref}/act/record_decision/guideline/", frozenset({"panellist"})),
    "evidence:add": Row("/cases/{ref}/evidence/add/", frozenset({"officer"})),
    "evidence:file": Row("/evidence/{served}/file/", READ_CASE | {"mp", "complainant"}),
    # Data protection work.
    "evidence:queue": Row("/dpo/evidence/", frozenset({"dpo"})),
    "evidence:rule": Row("/dpo/evidence/{pending}/rule/", frozenset({"dpo"}), "post"),
    "privacy:overview": Row("/dpo/", frozenset({"dpo"})),
    "privacy:holds": Row("/dpo/holds/", frozenset({"dpo"})),
    "privacy:release_hold": Row("/dpo/holds/{hold}/release/", frozenset({"dpo"}), "post"),
    "privacy:erasure": Row("/dpo/erasure/", frozenset({"dpo"})),
    "privacy:decide_erasure": Row("/dpo/erasure/{erasure}/decide/", frozenset({"dpo"}), "post"),
    "privacy:subject_access": Row("/dpo/subject-access/", frozenset({"dpo"})),
    "privacy:export_request": Row("/dpo/subject-access/{sar}/export/", frozenset({"dpo"}), "post"),
    "privacy:extend_request": Row("/dpo/subject-access/{sar}/extend/", frozenset({"dpo"}), "post"),
    # Bulk imports are the administrators' (members, units, historical cases).
    "imports:import": Row("/imports/", frozenset({"admin"})),
    # Django's admin is for administrators; its own pages check its own permissions, so only its door is here.
    "admin:index": Row("/admin/", frozenset({"admin"})),
}


def _names(patterns, namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    # The JSON API has its own matrix over every operation of its OpenAPI document (tests/api/test_access_matrix.py).
    names = {n for n in _names(get_resolver().url_patterns) if not n.startswith(("admin:", "api:", "api-"))} | {
        "admin:index"
    }
    assert names - set(MATRIX) == set(), "add these URLs to the access matrix"
    assert set(MATRIX) - names == set(), "these URLs no longer exist"


def build_world(example_source: str) -> tuple[dict, dict]:
    """The people and the ids the matrix's paths need (also used by the browser test of every page)."""
    built = build_sar_case(example_source)
    org, case = built.org, built.as_respondent
    org.users["admin"] = create_user(username="admin", password="a long test password", roles={Role.ADMINISTRATOR})
    pending = org.evidence(case, admitted=False)
    flag = raise_flag(case, org.users["oversight"], kind="delay", detail="Why so slow?")
    hold = place_legal_hold(case, org.users["dpo"], "A claim is expected.")
    erasure = record_erasure_request(org.members["respondent"], org.users["dpo"], "By letter.")
    sar = request_subject_access(org.members["respondent"], org.users["dpo"])
    make_checkpoint()
    entry = AuditEvent.objects.filter(case_reference=case.reference).order_by("index").first()
    token = issue_token(org.users["mp"], name="Matrix", scope="read").token
    release = store_release()
    ids = {
        "ref": case.reference,
        "other_ref": built.as_complainant.reference,
        "served": built.served.pk,
        "pending": pending.pk,
        "flag": flag.pk,
        "hold": hold.pk,
        "erasure": erasure.pk,
        "sar": sar.pk,
        "entry": entry.index,
        "token": token.pk,
        "release": release.slug,
        "table": next(files.tables(release.content))["key"],
    }
    return org.users, ids


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, example_source, tmp_path_factory):
    """One organisation for the whole matrix, rolled back at the end: the requests change nothing that matters."""
    from django.conf import settings

    evidence_dir = settings.FAIRHEARING_EVIDENCE_DIR
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path_factory.mktemp("evidence")
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world(example_source)
        transaction.set_rollback(True)
    settings.FAIRHEARING_EVIDENCE_DIR = evidence_dir


def _reached(response) -> bool:
    """Past the access rules: a page, a form with errors, a download or a redirect that is not to sign in."""
    if response.status_code in (200, 400):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and "/accounts/login/" not in location and "/admin/login/" not in location


def _refused(response, who: str) -> bool:
    if response.status_code == 404:
        return True
    # A signed-out visitor may be asked to sign in; the admin's door sends everyone but administrators to its own.
    location = response.get("Location", "")
    return response.status_code == 302 and ("/accounts/login/" in location or "/admin/login/" in location)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("who", PEOPLE)
def test_access(client, world, name, who):
    users, ids = world
    row = MATRIX[name]
    if who != "anonymous":
        sign_in(client, users[who])
    response = getattr(client, row.method)(row.path.format(**ids))
    if who in row.allowed:
        assert _reached(response), f"{who} should reach {name}, got {response.status_code}"
    else:
        assert _refused(response, who), f"{who} should be refused {name}, got {response.status_code}"
        if who in {"mp", "complainant", "respondent"}:
            assert response.status_code == 404, "a member is told 'not found', never 'forbidden'"
