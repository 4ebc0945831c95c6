"""Which evidence may be relied on as added, which waits for the DPO, and what a ruling needs. No database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from fairhearing.procedure.admissibility import (
    Attribution,
    Facts,
    Policy,
    Provenance,
    Ruling,
    Visibility,
    assess,
    check_facts,
    check_ruling,
    may_add,
)
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.roles import Role
from fairhearing.procedure.rulebook import RulebookInvalid, load_rulebook

TODAY = date(2026, 3, 2)
POLICY = Policy(bulk_screening_dpia="DPIA 2026/1", limitation_days=365)
ONLINE = Facts(
    provenance=Provenance.COMPLAINANT,
    attribution=Attribution.ADMITTED,
    visibility=Visibility.PUBLIC,
    source_url="https://social.example.net/post/1",
    captured_on=date(2026, 2, 20),
    captured_by="The complainant",
    lawful_basis="Art. 9(2)(d)",
)
DPO = {Role.DATA_PROTECTION_OFFICER}


def _assess(facts: Facts, policy: Policy = POLICY, conduct: date = date(2026, 2, 1)):
    return assess(policy, facts, conduct_dates=[conduct], received_on=TODAY)


def test_evidence_from_a_complainant_about_a_proven_account_is_admissible_as_added():
    assert _assess(ONLINE).admitted_on_entry
    assert _assess(Facts(provenance=Provenance.INTERNAL_RECORD)).admitted_on_entry


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"provenance": Provenance.MONITORING}, "obtained by systematic monitoring or bulk collection"),
        ({"attribution": Attribution.UNVERIFIED}, "the account is unverified, not proven to be the respondent's"),
        ({"attribution": Attribution.ANONYMOUS}, "the account is anonymous, not proven to be the respondent's"),
        ({"visibility": Visibility.PRIVATE}, "private content"),
    ],
)
def test_monitoring_unproven_accounts_and_private_content_wait_for_the_dpo(changes, why):
    assessment = _assess(replace(ONLINE, **changes))
    assert not assessment.admitted_on_entry
    assert assessment.ruling_needed == (why,)


def test_a_rulebook_may_add_sources_that_need_a_ruling():
    strict = replace(POLICY, ruling_for_provenance=POLICY.ruling_for_provenance | {Provenance.STAFF_PUBLIC_SOURCE})
    facts = replace(ONLINE, provenance=Provenance.STAFF_PUBLIC_SOURCE)
    assert _assess(facts).admitted_on_entry
    assert not _assess(facts, strict).admitted_on_entry


def test_conduct_older_than_the_limitation_period_is_flagged_not_refused():
    old = _assess(ONLINE, conduct=date(2024, 1, 5))
    assert old.admitted_on_entry
    assert old.flags == (
        "concerns conduct on 2024-01-05, older than the limitation period of 365 days before the complaint",
    )
    # The date of the original counts too: an old post dug up for a recent allegation is flagged.
    assert _assess(replace(ONLINE, content_date=date(2020, 6, 1))).flags[0].startswith("concerns conduct on 2020-06-01")
    assert _assess(ONLINE).flags == ()


def test_an_unproven_account_is_flagged_for_the_panel():
    flags = _assess(replace(ONLINE, attribution=Attribution.UNVERIFIED)).flags
    assert flags == ("the account is not proven to be the respondent's: it cannot by itself support a finding",)


def test_online_content_must_say_where_when_by_whom_and_on_what_legal_basis():
    bare = Facts(provenance=Provenance.COMPLAINANT, visibility=Visibility.PUBLIC)
    assert {r.guard for r in check_facts(bare, TODAY)} == {"source", "captured_at", "captured_by", "lawful_basis"}
    assert check_facts(ONLINE, TODAY) == []
    verified = replace(ONLINE, attribution=Attribution.VERIFIED)
    assert [r.message for r in check_facts(verified, TODAY)] == ["say how the account was verified as the respondent's"]
    assert check_facts(replace(verified, attribution_method="Confirmed by the branch secretary"), TODAY) == []
    account_only = Facts(provenance=Provenance.COMPLAINANT, attribution=Attribution.ANONYMOUS)
    assert [r.guard for r in check_facts(account_only, TODAY)] == ["visibility"]
    future = replace(ONLINE, captured_on=date(2026, 3, 3), content_date=date(2027, 1, 1))
    assert {r.guard for r in check_facts(future, TODAY)} == {"captured_at", "content_date"}


def test_who_may_add_evidence():
    facts = Facts(provenance=Provenance.COMPLAINANT)
    assert may_add({Role.CASE_OFFICER}, False, facts, True) == []
    assert [r.guard for r in may_add({Role.CASE_OFFICER}, False, facts, False)] == ["case_open"]
    assert [r.guard for r in may_add({Role.PANEL_MEMBER}, False, facts, True)] == ["role"]
    assert [r.guard for r in may_add({Role.MEMBER}, False, facts, True)] == ["role"]
    # A respondent adds their own evidence, recorded as theirs.
    assert [r.guard for r in may_add({Role.MEMBER}, True, facts, True)] == ["provenance"]
    assert may_add({Role.MEMBER}, True, Facts(provenance=Provenance.RESPONDENT), True) == []


def test_a_ruling_needs_the_dpo_written_reasons_and_a_pending_item():
    with pytest.raises(ActionRefused) as refused:
        check_ruling(POLICY, ONLINE, roles={Role.CASE_OFFICER}, pending=False, ruling=Ruling.ADMIT, reason=" ")
    assert refused.value.guards == {"role", "pending", "reason"}
    check_ruling(POLICY, ONLINE, roles=DPO, pending=True, ruling=Ruling.EXCLUDE, reason="Not relevant.")


def test_monitoring_evidence_cannot_be_admitted_without_a_recorded_impact_assessment():
    monitored = replace(ONLINE, provenance=Provenance.MONITORING)
    no_dpia = replace(POLICY, bulk_screening_dpia="")
    with pytest.raises(ActionRefused) as refused:
        check_ruling(no_dpia, monitored, roles=DPO, pending=True, ruling=Ruling.ADMIT, reason="Relevant.")
    assert refused.value.guards == {"dpia"}
    # Excluding it is always possible, and with an assessment recorded it can be admitted.
    check_ruling(no_dpia, monitored, roles=DPO, pending=True, ruling=Ruling.EXCLUDE, reason="Bulk screening.")
    check_ruling(POLICY, monitored, roles=DPO, pending=True, ruling=Ruling.ADMIT, reason="Within DPIA 2026/1.")


def test_the_example_rulebook_publishes_its_evidence_policy(example_rulebook):
    policy = example_rulebook.evidence_policy
    assert policy.ruling_for_provenance == {"monitoring"}
    assert policy.ruling_for_attribution == {"unverified", "anonymous"}
    assert policy.bulk_screening_dpia.startswith("DPIA 2021/3")
    assert policy.limitation_days == example_rulebook.time_limits.limitation_days


@pytest.mark.parametrize(
    ("section", "location"),
    [
        ({"ruling_for_provenance": ["complainant"]}, "evidence.ruling_for_provenance"),
        ({"ruling_for_attribution": ["unverified"]}, "evidence.ruling_for_attribution"),
    ],
)
def test_no_rulebook_can_switch_off_the_ruling_for_monitoring_or_unproven_accounts(example_data, section, location):
    import tomli_w

    example_data["evidence"] = section
    with pytest.raises(RulebookInvalid) as invalid:
        load_rulebook(tomli_w.dumps(example_data))
    assert [p.location for p in invalid.value.problems] == [location]
    assert "always needs a data protection ruling" in str(invalid.value)


def test_a_rulebook_without_an_evidence_section_gets_the_safeguards(example_data):
    import tomli_w

    del example_data["evidence"]
    policy = load_rulebook(tomli_w.dumps(example_data)).evidence_policy
    assert policy.ruling_for_provenance == {"monitoring"} and policy.bulk_screening_dpia == ""
