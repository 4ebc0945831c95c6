"""Who acts for which body, and who sees what of a case they are tied to: each test tries a way round the rules.

A body officer acts only for the body they serve (the appeal is the appeals body's, the rest the first-instance
body's); a party never reads their own case as staff; a declared conflict ends access whatever the role; a
panellist declares only their own conflict; a panel never learns what evidence was excluded, or oversight's flags.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.cases import services
from fairhearing.cases.models import DeclaredConflict, InterimSuspension
from fairhearing.cases.services.oversight import raise_flag
from fairhearing.evidence.services import rule_on_evidence
from fairhearing.organisation.models import Body, PanelMember
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.admissibility import Ruling
from tests.cases.pages import act_url, before_the_hearing, get_as, investigating, later, post_as

pytestmark = pytest.mark.django_db


def _appealed(org, clock):
    case, item = before_the_hearing(org)
    allegation = case.allegations.get()
    clock.day(23)
    finding = wf.Finding(allegation.pk, True, "Proven.", frozenset({item.pk}))
    services.record_decision(
        case,
        org.users["panellist"],
        findings=[finding],
        sanction="final-warning",
        culpability="B",
        harm="2",
        now=later(23),
    )
    services.notify_decision(case, org.users["officer"], now=later(24))
    services.lodge_appeal(case, org.users["mp"], grounds={"disproportionate"}, now=later(30))
    clock.day(31)
    case.refresh_from_db()
    return case


def _make_officer_of_national_panel(org, user):
    user.groups.add(Group.objects.get_or_create(name=Role.BODY_OFFICER.value)[0])
    national = Body.objects.get(kind="national-disputes-panel")
    PanelMember.objects.create(body=national, member=user.member, user=user, role="officer")


def test_the_first_instance_officer_cannot_form_the_appeal_panel(client, org, clock):
    case = _appealed(org, clock)
    officer = org.users["body_officer"]  # the national panel's officer, not the appeals body's
    assert get_as(client, officer, act_url(case, "form_appeal_panel")).status_code == 404
    response = post_as(
        client, officer, act_url(case, "form_appeal_panel"), {"members": [s.pk for s in org.seats["appeals"][:3]]}
    )
    assert response.status_code == 404
    assert not case.sittings.filter(kind="appeal").exists()
    # The appeals body's own officer may.
    assert get_as(client, org.users["appeals_officer"], act_url(case, "form_appeal_panel")).status_code == 200


def test_the_appeals_officer_cannot_act_on_the_first_instance_side(client, org, clock):
    case = _appealed(org, clock)
    appeals_officer = org.users["appeals_officer"]
    for action in ("transfer", "impose_suspension", "form_panel", "schedule_hearing"):
        assert get_as(client, appeals_officer, act_url(case, action)).status_code == 404, action
    response = post_as(
        client, appeals_officer, act_url(case, "transfer"), {"to_body": "constitutional-committee", "reason": "x"}
    )
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.body.kind == "national-disputes-panel"


def test_a_body_officer_who_is_the_respondent_sees_only_the_respondents_view(client, org, clock):
    mp = org.users["mp"]
    _make_officer_of_national_panel(org, mp)
    case = investigating(org)  # about the MP, with the national panel
    clock.day(3)
    assert get_as(client, mp, f"/cases/{case.reference}/").status_code == 404
    services.impose_interim_suspension(
        case,
        org.users["officer"],
        criterion="Risk",
        reasons="Threats.",
        proportionality="Needed.",
        restricts="Meetings.",
        review_by=later(20).date(),
        now=later(3),
    )
    response = post_as(client, mp, act_url(case, "lift_suspension"), {"reasons": "I lift my own suspension."})
    assert response.status_code == 404
    assert InterimSuspension.objects.get(case=case).lifted_at is None
    # As the respondent, the portal is theirs.
    assert get_as(client, mp, f"/portal/cases/{case.reference}/").status_code == 200


def test_a_declared_conflict_ends_access_even_for_a_body_officer(client, org, clock):
    case, _ = before_the_hearing(org)
    ndp1 = org.members["ndp1"]
    user = create_user(
        username="bo_ndp1", password="a long test password", roles={Role.BODY_OFFICER, Role.PANEL_MEMBER}, member=ndp1
    )
    PanelMember.objects.filter(body__kind="national-disputes-panel", member=ndp1).update(user=user)
    clock.day(13)
    assert get_as(client, user, f"/cases/{case.reference}/").status_code == 200
    response = post_as(
        client,
        user,
        act_url(case, "declare_conflict"),
        {"panel_member": ndp1.pk, "with_member": org.members["mp"].pk, "reason": "My sister's case."},
    )
    assert response.status_code == 302
    assert get_as(client, user, f"/cases/{case.reference}/").status_code == 404


def test_a_panellist_cannot_declare_a_conflict_for_a_colleague(client, org, clock):
    case, _ = before_the_hearing(org)
    clock.day(13)
    colleague = org.members["ndp1"]
    response = post_as(
        client,
        org.users["panellist"],
        act_url(case, "declare_conflict"),
        {"panel_member": colleague.pk, "with_member": org.members["mp"].pk, "reason": "Made up."},
    )
    assert response.status_code == 400
    assert "only your own conflict" in response.content.decode()
    assert not DeclaredConflict.objects.filter(case=case).exists()


def test_the_panel_never_sees_excluded_evidence_or_oversight_flags(client, org, clock):
    case, _ = before_the_hearing(org)
    excluded = org.evidence(case, admitted=False, description="SECRET-EXCLUDED-DESCRIPTION", text="t")
    rule_on_evidence(excluded, org.users["dpo"], ruling=Ruling.EXCLUDE, reason="SECRET-RULING-REASON", now=later(12))
    raise_flag(case, org.users["oversight"], kind="delay", detail="SECRET-FLAG-DETAIL")
    clock.day(13)
    page = get_as(client, org.users["panellist"], f"/cases/{case.reference}/").content.decode()
    for secret in ("SECRET-RULING-REASON", "SECRET-EXCLUDED-DESCRIPTION", "SECRET-FLAG-DETAIL"):
        assert secret not in page
    # Staff who run the case still see all of it.
    staff_page = get_as(client, org.users["officer"], f"/cases/{case.reference}/").content.decode()
    assert "SECRET-RULING-REASON" in staff_page and "SECRET-FLAG-DETAIL" in staff_page
