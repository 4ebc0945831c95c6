"""Special-category data: recorded by the DPO under an Art. 9(2) condition, never stored in plain text, read only
by the DPO with every read audited, and shown to oversight only as counts with small numbers suppressed."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connection

from fairhearing.audit.models import AuditEvent
from fairhearing.evidence.vault import VaultError
from fairhearing.organisation.models import Member
from fairhearing.privacy.models import SpecialCategoryRecord
from fairhearing.privacy.special_category import monitoring_counts, read_special_category, record_special_category
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.roles import Role
from fairhearing.procedure.special_category import Condition, Relationship, monitoring_table, record_refusals
from tests.cases.organisation import build_org
from tests.privacy.retention_org import later, staff

AFFILIATION = "Campaign for Socialist Renewal"


def test_the_rules_name_every_problem_with_a_record():
    refusals = record_refusals(
        {Role.OVERSIGHT_OFFICER},
        category="star_sign",
        categories=["political_opinion", "health"],
        value="   ",
        purpose="",
        condition="vibes",
        relationship=Relationship.MEMBER,
    )
    assert [r.guard for r in refusals] == ["role", "category", "value", "purpose", "condition"]
    assert refusals[1].message == "there is no special category 'star_sign'; use one of political_opinion, health"
    assert refusals[4].message.startswith("'vibes' is not an Art. 9(2) condition fairhearing knows; use one of")


def test_the_not_for_profit_condition_covers_members_former_members_and_regular_contacts_only():
    def refusals(relationship):
        return record_refusals(
            {Role.DATA_PROTECTION_OFFICER},
            category="political_opinion",
            categories=["political_opinion"],
            value="Green",
            purpose="Fairness monitoring",
            condition=Condition.NOT_FOR_PROFIT_BODY,
            relationship=relationship,
        )

    for relationship in (Relationship.MEMBER, Relationship.FORMER_MEMBER, Relationship.REGULAR_CONTACT):
        assert refusals(relationship) == []
    [refusal] = refusals(Relationship.OTHER)
    assert refusal.message == (
        "the Art. 9(2)(d) condition applies only to members, former members and regular contacts"
    )


def test_small_numbers_are_pooled_and_hidden_so_that_nothing_can_be_subtracted():
    table = monitoring_table(["A"] * 12 + ["B"] * 10 + ["C"] * 4)
    assert (table.counts, table.other, table.total) == ({"A": 12, "B": 10}, None, None)
    table = monitoring_table(["A"] * 11 + ["C"] * 6 + ["D"] * 5)
    assert (table.counts, table.other, table.total) == ({"A": 11}, 11, 22)
    table = monitoring_table(["A"] * 10 + [" A "] * 2)
    assert (table.counts, table.other, table.total) == ({"A": 12}, 0, 12)
    table = monitoring_table(["A"] * 3)
    assert (table.counts, table.other, table.total) == ({}, None, None)


@pytest.fixture
def org(db, example_source, settings, tmp_path):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    org = build_org(example_source)
    staff(org)
    return org


def declare(org, member, value, category="political_opinion"):
    return record_special_category(
        member,
        org.users["dpo"],
        category=category,
        value=value,
        purpose="Fairness monitoring of disciplinary outcomes",
        condition=Condition.NOT_FOR_PROFIT_BODY,
    )


def test_the_value_is_never_in_the_database_in_plain_text(org):
    record = declare(org, org.members["respondent"], AFFILIATION)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM privacy_specialcategoryrecord WHERE id = %s", [record.pk])
        row = cursor.fetchone()
    stored = b"".join(bytes(v) if isinstance(v, (bytes, memoryview)) else str(v).encode() for v in row)
    assert AFFILIATION.encode() not in stored and b"Socialist" not in stored
    assert "Socialist" not in json.dumps(list(AuditEvent.objects.values("summary", "data")))


def test_the_dpo_reads_it_and_every_read_is_audited(org):
    member = org.members["respondent"]
    declare(org, member, f"  {AFFILIATION} ")
    [entry] = read_special_category(org.users["dpo"], member)
    assert (entry.category, entry.value, entry.condition) == ("political_opinion", AFFILIATION, "art9_2_d")
    assert entry.condition_label.startswith("Art. 9(2)(d)")
    read_special_category(org.users["dpo"], member)
    reads = AuditEvent.objects.filter(action="special_category.read")
    assert reads.count() == 2 and reads.first().subject_member_ids == [member.pk]
    assert reads.first().actor_user_id == org.users["dpo"].pk and "Socialist" not in reads.first().summary


def test_nobody_else_may_record_or_read_it_and_trying_leaves_no_trace(org):
    member = org.members["respondent"]
    declare(org, member, AFFILIATION)
    entries = AuditEvent.objects.count()
    for name in ("officer", "oversight", "admin", "panellist", "body_officer", "respondent"):
        with pytest.raises(PermissionDenied, match="only the data protection officer may read"):
            read_special_category(org.users[name], member)
        with pytest.raises(ActionRefused, match="only the data protection officer may record"):
            record_special_category(
                member,
                org.users[name],
                category="health",
                value="x",
                purpose="y",
                condition=Condition.EXPLICIT_CONSENT,
            )
    assert AuditEvent.objects.count() == entries and SpecialCategoryRecord.objects.count() == 1


def test_a_value_moved_to_another_member_cannot_be_opened(org):
    record = declare(org, org.members["respondent"], AFFILIATION)
    other = declare(org, org.members["mp"], "Green")
    SpecialCategoryRecord.objects.filter(pk=other.pk).update(value_encrypted=record.value_encrypted)
    with pytest.raises(VaultError):
        read_special_category(org.users["dpo"], org.members["mp"])


def test_recording_again_replaces_the_value(org):
    member = org.members["respondent"]
    declare(org, member, "Green")
    declare(org, member, AFFILIATION)
    assert SpecialCategoryRecord.objects.filter(member=member).count() == 1
    assert [e.value for e in read_special_category(org.users["dpo"], member)] == [AFFILIATION]
    assert AuditEvent.objects.filter(action="special_category.replaced").count() == 1


def test_nothing_is_recorded_for_an_anonymised_member(org):
    member = org.members["respondent"]
    Member.objects.filter(pk=member.pk).update(anonymised_at=later(900))
    member.refresh_from_db()
    with pytest.raises(ActionRefused, match="anonymised"):
        declare(org, member, "Green")


def test_oversight_sees_only_counts_with_small_numbers_suppressed(org):
    branch = org.members["respondent"].branch
    people = [
        Member.objects.create(membership_number=f"X{n:03d}", name=f"Person {n}", branch=branch, joined=date(2020, 1, 1))
        for n in range(26)
    ]
    for n, person in enumerate(people):
        declare(org, person, "Labour Left" if n < 12 else "Green" if n < 22 else "Liberal")

    counts = monitoring_counts(org.users["oversight"], "political_opinion")

    assert counts.counts == {"Green": 10, "Labour Left": 12}
    assert counts.other is None and counts.total is None  # 4 others: too few to show, or to work out
    assert counts.category_label == "Political opinions"
    assert monitoring_counts(org.users["dpo"], "political_opinion").counts == counts.counts
    assert AuditEvent.objects.filter(action="special_category.counted").count() == 2
    for name in ("officer", "admin", "panellist", "respondent"):
        with pytest.raises(PermissionDenied, match="only oversight officers and the data protection officer"):
            monitoring_counts(org.users[name], "political_opinion")
    with pytest.raises(ActionRefused, match="there is no special category 'shoe_size'"):
        monitoring_counts(org.users["oversight"], "shoe_size")


def test_the_records_are_not_in_the_admin():
    assert SpecialCategoryRecord not in admin.site._registry
