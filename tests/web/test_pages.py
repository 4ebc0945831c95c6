"""The public pages: what the process is, generated from the rulebook in force."""

from __future__ import annotations

import pytest

from fairhearing.organisation.services import load_rulebook_version
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def test_home_without_a_rulebook_says_how_to_load_one(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No rulebook is in force yet" in response.content
    assert b"fairhearing rulebook load FILE" in response.content


def test_home_and_rules_show_the_rulebook_in_force(client, example_source, example_rulebook):
    load_rulebook_version(example_source)
    home = client.get("/").content.decode()
    assert "Example Party: complaints and discipline" in home
    assert f"{len(example_rulebook.clauses)} clauses" in home

    rules = client.get("/rules/").content.decode()
    for clause in example_rulebook.clauses:
        assert clause.title.replace("'", "&#x27;") in rules
    for rule in example_rulebook.jurisdiction:
        assert rule.reason.replace("'", "&#x27;")[:40] in rules
    assert f"Time to respond to a notice: {example_rulebook.time_limits.respond_days} days" in rules
    assert "Starting point and range by culpability and harm" in rules
    assert f"cannot run longer than {example_rulebook.time_limits.interim_suspension_cap_days} days" in rules
    assert f"Conduct more than {example_rulebook.time_limits.limitation_days} days" in rules
    for factor in (*example_rulebook.guidelines.aggravating, *example_rulebook.guidelines.mitigating):
        assert factor.name.replace("'", "&#x27;") in rules
    # The evidence policy is published too (REQ 25): what waits for the DPO, and the impact assessment relied on.
    assert "<li>Systematic monitoring or bulk collection</li>" in rules
    assert "<li>From an anonymous account</li>" in rules
    assert "<li>From an account not verified as the member&#x27;s</li>" in rules
    assert "DPIA 2021/3" in rules


def test_pages_carry_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_public_pages_refuse_writes(client):
    assert client.post("/").status_code == 405
    assert client.post("/rules/").status_code == 405


def test_health_check(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_cases_are_not_in_the_admin_and_rulebooks_not_editable_there(client, admin_user, example_source):
    load_rulebook_version(example_source)
    sign_in(client, admin_user)  # pytest-django's admin_client has no code, and the admin is for staff
    # Administrators read no case: cases are read in the workspace, under the access policy and on the log.
    for url in ("/admin/cases/case/", "/admin/cases/evidenceitem/", "/admin/cases/decision/", "/admin/cases/"):
        assert client.get(url).status_code == 404
    assert "/admin/cases/" not in client.get("/admin/").content.decode()
    assert client.get("/admin/organisation/rulebookversion/add/").status_code == 403
    assert client.get("/admin/organisation/member/add/").status_code == 200


def test_admin_needs_a_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]
