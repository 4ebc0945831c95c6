"""Erasure requests: recorded, decided only by the data protection officer, refused with the reason while the
member's case is open or held, and - once granted - applied like the retention schedule to all their data."""

from __future__ import annotations

import json
from datetime import date

import pytest

from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import EventKind
from fairhearing.privacy.erasure import decide_erasure_request, record_erasure_request
from fairhearing.privacy.legal_holds import place_legal_hold, release_legal_hold
from fairhearing.privacy.models import ErasureRequest, ErasureStatus, SpecialCategoryRecord
from fairhearing.privacy.special_category import record_special_category
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.retention import decide_erasure_refusals, record_erasure_refusals
from fairhearing.procedure.roles import Role
from fairhearing.procedure.special_category import Condition
from tests.cases.organisation import build_org
from tests.privacy.retention_org import add_text, blobs, investigate, later, open_case, staff, withdraw

DETAILS = "Please delete everything, including what I said about my neighbour's divorce."
EVIDENCE = "Screenshot: 'see you at the clinic on Tuesday'"


def test_the_rules_refuse_a_grant_while_a_case_is_open_or_held():
    refusals = decide_erasure_refusals(
        {Role.DATA_PROTECTION_OFFICER},
        grant=True,
        reason="Asked twice.",
        decided_on=None,
        open_cases=["FH-2026-00002"],
        held_cases=["FH-2026-00001"],
    )
    assert [r.message for r in refusals] == [
        "the member is a party to open case FH-2026-00002: their data is needed until it closes",
        "case FH-2026-00001 is under legal hold: the member's data is kept until the hold is released",
    ]
    # Refusing the request is always possible, with reasons.
    assert (
        decide_erasure_refusals(
            {Role.DATA_PROTECTION_OFFICER}, grant=False, reason="Needed.", decided_on=None, open_cases=["X"]
        )
        == []
    )
    refusals = decide_erasure_refusals({Role.ADMINISTRATOR}, grant=False, reason="", decided_on=date(2026, 5, 1))
    assert [r.guard for r in refusals] == ["role", "reason", "decided"]
    refusals = record_erasure_refusals({Role.CASE_OFFICER}, own_record=False, anonymised_on=None, pending=True)
    assert [r.guard for r in refusals] == ["role", "pending"]


@pytest.fixture
def vault_dir(settings, tmp_path):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.FAIRHEARING_EVIDENCE_DIR


@pytest.fixture
def org(db, example_source, vault_dir):
    org = build_org(example_source)
    staff(org)
    return org


def test_a_member_records_their_own_request_and_the_log_names_it_without_the_details(org):
    request = record_erasure_request(org.members["respondent"], org.users["respondent"], DETAILS, now=later(1))
    assert (request.status, request.received_at, request.details) == (ErasureStatus.RECEIVED, later(1), DETAILS)
    entry = AuditEvent.objects.get(action="erasure_request.received")
    assert entry.subject_member_ids == [org.members["respondent"].pk]
    assert "divorce" not in json.dumps([entry.summary, entry.data])
    with pytest.raises(ActionRefused, match="already waiting for a decision"):
        record_erasure_request(org.members["respondent"], org.users["dpo"], "Again.")
    with pytest.raises(ActionRefused, match="only the member themselves, the data protection officer or an admin"):
        record_erasure_request(org.members["mp"], org.users["officer"], "On their behalf.")
    with pytest.raises(ActionRefused, match="only the member themselves"):
        record_erasure_request(org.members["mp"], org.users["respondent"], "Someone else's.")
    assert ErasureRequest.objects.count() == 1


def test_a_grant_is_refused_with_the_reason_while_the_case_is_open_then_applied_once_it_closes(org, vault_dir):
    member = org.members["respondent"]
    case = investigate(org, open_case(org))
    item = add_text(org, case, EVIDENCE, upload=b"see you at the clinic on Tuesday")
    record_special_category(
        member,
        org.users["dpo"],
        category="health",
        value="Diabetic",
        purpose="Reasonable adjustments at hearings",
        condition=Condition.EXPLICIT_CONSENT,
    )
    request = record_erasure_request(member, org.users["dpo"], DETAILS, now=later(3))
    entries = AuditEvent.objects.count()
    # Ids, not counts: on PostgreSQL a sequence keeps counting across tests.
    last_id = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    with pytest.raises(ActionRefused) as refused:
        decide_erasure_request(request, org.users["dpo"], grant=True, reason="The member asked.", now=later(4))

    assert refused.value.guards == {"open_case"}
    assert str(refused.value) == (
        f"the member is a party to open case {case.reference}: their data is needed until it closes"
    )
    request.refresh_from_db()
    member.refresh_from_db()
    assert request.status == ErasureStatus.RECEIVED and request.decided_at is None
    assert member.anonymised_at is None and AuditEvent.objects.count() == entries

    withdraw(org, case, days=20)
    decided = decide_erasure_request(request, org.users["dpo"], grant=True, reason="No longer needed.", now=later(30))

    assert (decided.status, decided.decided_by, decided.decided_at) == (
        ErasureStatus.APPLIED,
        org.users["dpo"],
        later(30),
    )
    member.refresh_from_db()
    case.refresh_from_db()
    item.refresh_from_db()
    assert member.name == f"Anonymised member {member.membership_number}" and member.email == ""
    assert case.anonymised_at == later(30) and case.allegations.get().particulars == "(removed)"
    assert item.erased_at == later(30) and item.text == "" and blobs(vault_dir) == []
    assert not SpecialCategoryRecord.objects.filter(member=member).exists()
    assert "erasure request" in case.timeline.get(kind=EventKind.RECORDS_ANONYMISED).summary
    # Besides the timeline's own entries on the log:
    since = AuditEvent.objects.filter(pk__gt=last_id).exclude(action__startswith="timeline.")
    actions = list(since.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "erasure_request.granted",
        "evidence_item.erased",
        "case.anonymised",
        "special_category_record.deleted",
        "member.anonymised",
    ]
    logged = json.dumps(list(AuditEvent.objects.values("summary", "data")))
    for content in ("clinic", "Diabetic", "divorce", "Called the treasurer", "Respondent"):
        assert content not in logged
    with pytest.raises(ActionRefused, match="the request was already decided on 1 April 2026"):
        decide_erasure_request(request, org.users["dpo"], grant=False, reason="Changed my mind.")


def test_a_grant_is_refused_while_a_closed_case_is_under_legal_hold(org):
    member = org.members["complainant"]
    case = withdraw(org, open_case(org))
    hold = place_legal_hold(case, org.users["dpo"], "A claim is expected.")
    request = record_erasure_request(member, org.users["dpo"], "")
    with pytest.raises(ActionRefused, match=f"case {case.reference} is under legal hold"):
        decide_erasure_request(request, org.users["dpo"], grant=True, reason="Asked.")
    release_legal_hold(hold, org.users["dpo"], "No claim came.")
    decide_erasure_request(request, org.users["dpo"], grant=True, reason="Asked.")
    case.refresh_from_db()
    member.refresh_from_db()
    # The member complained, so the case about someone else is anonymised too: it holds what they said.
    assert case.anonymised_at is not None and member.anonymised_at is not None


def test_only_the_dpo_decides_and_a_refusal_is_recorded_with_its_reasons(org):
    request = record_erasure_request(org.members["mp"], org.users["mp"], DETAILS)
    for name in ("admin", "officer", "oversight", "mp"):
        with pytest.raises(ActionRefused, match="only the data protection officer may decide an erasure request"):
            decide_erasure_request(request, org.users[name], grant=True, reason="Asked.")
    with pytest.raises(ActionRefused, match="give the reason for the decision"):
        decide_erasure_request(request, org.users["dpo"], grant=False, reason=" ")
    decided = decide_erasure_request(
        request, org.users["dpo"], grant=False, reason="Membership records are kept while they are a member."
    )
    assert decided.status == ErasureStatus.REFUSED
    assert decided.decision_reason == "Membership records are kept while they are a member."
    org.members["mp"].refresh_from_db()
    assert org.members["mp"].anonymised_at is None
    assert AuditEvent.objects.filter(action="erasure_request.refused").count() == 1
