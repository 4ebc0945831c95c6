"""Legal holds: placed and released only by the data protection officer or an administrator, with reasons; one at
a time per case; refusals change nothing; the hold's reason stays off the timeline and the audit log."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import EventKind
from fairhearing.privacy.legal_holds import active_hold, place_legal_hold, release_legal_hold
from fairhearing.privacy.models import LegalHold, SubjectAccessRequest
from fairhearing.privacy.retention import apply_retention
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.retention import place_hold_refusals, release_hold_refusals
from fairhearing.procedure.roles import Role
from tests.cases.organisation import build_org
from tests.privacy.retention_org import dismiss, later, open_case, staff

REASON = "Letter before claim from Smith & Co solicitors for the respondent."


def test_the_rules_name_every_reason_to_refuse():
    refusals = place_hold_refusals({Role.CASE_OFFICER}, reason=" ", active_hold=True, anonymised_on=date(2030, 1, 2))
    assert [r.message for r in refusals] == [
        "only the data protection officer or an administrator may place a legal hold",
        "give the reason for the legal hold",
        "the case is already under a legal hold",
        "the case's personal details were anonymised on 2 January 2030: there is nothing to hold",
    ]
    assert place_hold_refusals({Role.ADMINISTRATOR}, reason="x", active_hold=False, anonymised_on=None) == []
    refusals = release_hold_refusals({Role.OVERSIGHT_OFFICER}, reason="", released_on=date(2030, 1, 2))
    assert [r.guard for r in refusals] == ["role", "reason", "released"]


@pytest.fixture
def org(db, example_source, settings, tmp_path):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    org = build_org(example_source)
    staff(org)
    return org


def test_the_dpo_places_a_hold_and_the_record_says_so_without_the_reason(org):
    case = open_case(org)
    hold = place_legal_hold(case, org.users["dpo"], REASON, now=later(1))
    assert active_hold(case) == hold
    assert (hold.reason, hold.placed_by, hold.placed_at) == (REASON, org.users["dpo"], later(1))
    event = case.timeline.get(kind=EventKind.LEGAL_HOLD)
    assert event.summary == "Legal hold placed: nothing in this case is erased or anonymised until it is released."
    entry = AuditEvent.objects.get(action="legal_hold.placed")
    assert entry.case_reference == case.reference and entry.object_id == str(hold.pk)
    assert entry.subject_member_ids == sorted([org.members["respondent"].pk, org.members["complainant"].pk])
    logged = json.dumps(list(AuditEvent.objects.values("summary", "data"))) + event.summary
    assert "Smith" not in logged and "solicitors" not in logged


def test_others_may_not_place_or_release_a_hold_and_their_attempt_changes_nothing(org):
    case = open_case(org)
    timeline, audit = case.timeline.count(), AuditEvent.objects.count()
    for name in ("officer", "oversight", "body_officer", "respondent"):
        with pytest.raises(ActionRefused, match="only the data protection officer or an administrator may place"):
            place_legal_hold(case, org.users[name], REASON)
    assert not LegalHold.objects.exists()
    hold = place_legal_hold(case, org.users["admin"], REASON)
    with pytest.raises(ActionRefused, match="only the data protection officer or an administrator may release"):
        release_legal_hold(hold, org.users["oversight"], "Settled.")
    hold.refresh_from_db()
    assert hold.released_at is None
    assert (
        case.timeline.count() == timeline + 1 and AuditEvent.objects.count() == audit + 2
    )  # the hold, and its timeline entry


def test_a_hold_needs_a_reason_and_a_case_holds_one_at_a_time(org):
    case = open_case(org)
    with pytest.raises(ActionRefused, match="give the reason for the legal hold"):
        place_legal_hold(case, org.users["dpo"], "  ")
    hold = place_legal_hold(case, org.users["dpo"], REASON)
    with pytest.raises(ActionRefused, match="the case is already under a legal hold"):
        place_legal_hold(case, org.users["admin"], "Another claim.")
    assert LegalHold.objects.count() == 1
    with pytest.raises(ActionRefused, match="give the reason for releasing the legal hold"):
        release_legal_hold(hold, org.users["dpo"], "")


def test_a_released_hold_stays_on_record_and_a_new_one_can_follow(org):
    case = open_case(org)
    hold = place_legal_hold(case, org.users["dpo"], REASON, now=later(1))
    release_legal_hold(hold, org.users["dpo"], "The claim was withdrawn.", now=later(40))
    hold.refresh_from_db()
    assert (hold.released_at, hold.released_by, hold.release_reason) == (
        later(40),
        org.users["dpo"],
        "The claim was withdrawn.",
    )
    assert active_hold(case) is None
    with pytest.raises(ActionRefused, match=r"the legal hold was already released on 11 April 2026"):
        release_legal_hold(hold, org.users["dpo"], "Again.")
    assert case.timeline.filter(kind=EventKind.LEGAL_HOLD).count() == 2
    second = place_legal_hold(case, org.users["dpo"], "A regulator's inquiry.", now=later(50))
    assert active_hold(case) == second and LegalHold.objects.count() == 2


def test_an_anonymised_case_cannot_be_held(org):
    case = dismiss(org, open_case(org))
    apply_retention(now=case.closed_at + timedelta(days=365))
    with pytest.raises(ActionRefused, match="personal details were anonymised on"):
        place_legal_hold(case, org.users["dpo"], REASON)


def test_a_hold_also_keeps_the_parties_request_records(org):
    case = dismiss(org, open_case(org))
    place_legal_hold(case, org.users["dpo"], REASON)
    sar = SubjectAccessRequest.objects.create(
        member=org.members["respondent"], received_at=later(0), due_on=date(2026, 4, 2), fulfilled_at=later(20)
    )
    report = apply_retention(now=later(365 * 10))
    assert SubjectAccessRequest.objects.filter(pk=sar.pk).exists()
    assert {(e.object_type, e.action) for e in report.held} == {("case", "held"), ("subject_access_request", "held")}
