"""Who reads the case page and who reaches the action pages: the access policy's answer, tried from every side.

Anyone who may not act on a case gets "not found" for its action pages, GET or POST, and nothing changes.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.audit.models import AuditEvent
from fairhearing.cases import services
from fairhearing.organisation.models import Body, Member, PanelMember, PanelRole
from fairhearing.procedure.admissibility import Provenance
from tests.cases.pages import act_url, before_the_hearing, get_as, later, noticed, post_as, snapshot
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def regional_officer(org):
    """A body officer of another body: the North's regional office."""
    user = create_user(username="north_officer", password="a long test password", roles={Role.BODY_OFFICER})
    branch = org.members["respondent"].branch
    joined = date(2010, 1, 1)
    member = Member.objects.create(membership_number="M9001", name="North Officer", branch=branch, joined=joined)
    body = Body.objects.get(kind="regional-office", region__code="north")
    PanelMember.objects.create(body=body, member=member, user=user, role=PanelRole.OFFICER)
    return user


ACTIONS = {
    "form_panel": {"members": []},
    "withdraw": {"reason": "Taken away."},
    "record_decision": {},
    "declare_conflict": {"reason": "x"},
    "impose_suspension": {"criterion": "x", "reasons": "x", "proportionality": "x", "restricts": "x"},
    "record_response": {"response": "x"},
}


@pytest.mark.parametrize("who", ["north_officer", "panellist", "oversight", "dpo", "mp", "complainant"])
def test_those_without_a_part_in_the_case_cannot_reach_or_post_its_actions(client, org, clock, who):
    case, _ = noticed(org)
    services.record_response(case, org.users["mp"], response="No.", now=later(10))
    # The panel sits without the panellist, who therefore has no part in this case.
    services.form_panel(case, org.users["body_officer"], members=org.seats["ndp"][1:4], now=later(11))
    clock.day(12)
    user = regional_officer(org) if who == "north_officer" else org.users[who]
    before = snapshot(case)
    for action, data in ACTIONS.items():
        assert get_as(client, user, act_url(case, action)).status_code == 404, action
        assert post_as(client, user, act_url(case, action), data).status_code == 404, action
    assert snapshot(case) == before
    # Oversight and the data protection officer read every case, and act on none; the others cannot even read it.
    page = get_as(client, user, f"/cases/{case.reference}/")
    if who in {"oversight", "dpo"}:
        assert page.status_code == 200 and "/act/" not in page.content.decode()
    else:
        assert page.status_code == 404
        assert not AuditEvent.objects.filter(action="case.viewed", actor_user_id=user.pk).exists()


def test_staff_reach_only_the_actions_their_role_takes(client, org, clock):
    case, _ = noticed(org)
    clock.day(4)
    officer, body_officer = org.users["officer"], org.users["body_officer"]
    # A case officer does not form panels, nor a body officer serve notices; the scheduled job's steps have no page.
    assert get_as(client, officer, act_url(case, "form_panel")).status_code == 404
    assert get_as(client, body_officer, act_url(case, "issue_notice")).status_code == 404
    assert get_as(client, officer, act_url(case, "elapse_response_time")).status_code == 404
    assert get_as(client, officer, act_url(case, "no_such_action")).status_code == 404
    assert get_as(client, officer, act_url(case, "transfer")).status_code == 200
    assert get_as(client, body_officer, act_url(case, "form_panel")).status_code == 200
    assert get_as(client, officer, "/cases/FH-2099-99999/act/transfer/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, org):
    case, _ = noticed(org)
    answer = client.post(act_url(case, "withdraw"), {"reason": "x"})
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_every_post_needs_the_csrf_token(org, clock):
    case, _ = noticed(org)
    clock.day(4)
    browser = sign_in(Client(enforce_csrf_checks=True), org.users["officer"])
    before = snapshot(case)
    assert browser.post(act_url(case, "withdraw"), {"reason": "Forged."}).status_code == 403
    assert browser.post("/cases/new/", {"respondent": "M0000"}).status_code == 403
    assert snapshot(case) == before


def test_the_body_officer_and_the_sitting_panel_read_the_case(client, org, clock):
    case, _ = before_the_hearing(org)
    clock.day(13)
    for user in (org.users["body_officer"], org.users["panellist"]):
        assert get_as(client, user, f"/cases/{case.reference}/").status_code == 200
    # Each look is on the audit log.
    assert AuditEvent.objects.filter(action="case.viewed", case_reference=case.reference).count() == 2


def test_the_panel_sees_only_admitted_evidence(client, org, clock):
    case, item = before_the_hearing(org)
    org.evidence(case, admitted=False, description="Posts gathered by monitoring")
    assert case.evidence.filter(provenance=Provenance.MONITORING, admissibility="pending").exists()
    clock.day(13)
    panel_page = get_as(client, org.users["panellist"], f"/cases/{case.reference}/").content.decode()
    assert item.description in panel_page and "Posts gathered by monitoring" not in panel_page
    assert "you see the admitted evidence only" in panel_page
    officer_page = get_as(client, org.users["officer"], f"/cases/{case.reference}/").content.decode()
    assert "Posts gathered by monitoring" in officer_page


def test_a_conflicted_panellist_gets_not_found(client, org, clock):
    case, _ = before_the_hearing(org)
    clock.day(13)
    panellist = org.users["panellist"]
    assert get_as(client, panellist, f"/cases/{case.reference}/").status_code == 200
    conflict = {
        "panel_member": org.members["ndp0"].pk,
        "with_member": org.members["complainant"].pk,
        "reason": "The complainant is my sister.",
    }
    response = post_as(client, org.users["body_officer"], act_url(case, "declare_conflict"), conflict)
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.reference}/"
    assert get_as(client, panellist, f"/cases/{case.reference}/").status_code == 404
    before = snapshot(case)
    clock.day(23)
    assert post_as(client, panellist, act_url(case, "record_decision"), {}).status_code == 404
    assert snapshot(case) == before


def test_actions_offered_match_the_stage_and_the_reader(client, org, clock):
    case, _ = noticed(org)
    clock.day(4)
    officer_page = get_as(client, org.users["officer"], f"/cases/{case.reference}/").content.decode()
    assert f'href="{act_url(case, "record_response")}"' in officer_page
    assert f'href="{act_url(case, "form_panel")}"' not in officer_page
    assert "/act/elapse_response_time/" not in officer_page
    assert f'href="{act_url(case, "lift_suspension")}"' not in officer_page  # nothing to lift
    body_page = get_as(client, org.users["body_officer"], f"/cases/{case.reference}/").content.decode()
    assert f'href="{act_url(case, "form_panel")}"' in body_page
    assert "Add evidence" not in body_page  # the evidence page is the case officers'
    for reader in ("oversight", "dpo"):
        page = get_as(client, org.users[reader], f"/cases/{case.reference}/").content.decode()
        assert "What you can do now" not in page and "/act/" not in page
