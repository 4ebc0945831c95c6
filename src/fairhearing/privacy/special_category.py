"""Special-category data (UK GDPR Art. 9), e.g. a declared political affiliation used for fairness monitoring.

Kept apart from everything else: its own table, each value sealed with the installation's key and bound to its
member and category (a value copied onto another member's row, or into another category, fails to open). Only the
data protection officer records or reads individual values, and every read is on the audit log. Oversight
officers and the DPO see counts per value with small numbers suppressed. Nothing here takes or returns a case:
this data is never shown beside a named case, and no query joins it to one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.evidence.vault import Vault, default_vault
from fairhearing.organisation.models import Member
from fairhearing.privacy.models import SpecialCategory, SpecialCategoryRecord
from fairhearing.procedure.errors import ActionRefused, Refusal
from fairhearing.procedure.special_category import (
    COUNT_ROLES,
    READ_ROLES,
    Condition,
    Relationship,
    Table,
    monitoring_table,
    normalise,
    record_refusals,
)


def value_binding(member_id: int, category: str) -> bytes:
    """The associated data a value is sealed with: it opens only on its own member's row, in its own category."""
    return f"fairhearing special category:{member_id}:{category}".encode()


def relationship_of(member: Member) -> Relationship:
    """Everyone with a membership record is a member or a former member: Art. 9(2)(d) covers both."""
    return Relationship.FORMER_MEMBER if member.left_on else Relationship.MEMBER


@dataclass(frozen=True)
class SpecialCategoryEntry:
    category: str
    category_label: str
    value: str
    purpose: str
    condition: str
    condition_label: str
    recorded_at: datetime


def record_special_category(
    member: Member,
    user: User,
    *,
    category: str,
    value: str,
    purpose: str,
    condition: str,
    now: datetime | None = None,
    vault: Vault | None = None,
) -> SpecialCategoryRecord:
    """Record (or replace) one special-category value for a member. Data protection officer only."""
    now = now or timezone.now()
    category, condition = str(category), str(condition)
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        refusals = record_refusals(
            user.roles(),
            category=category,
            categories=SpecialCategory.values,
            value=value,
            purpose=purpose,
            condition=condition,
            relationship=relationship_of(member),
        )
        if member.anonymised_at is not None:
            refusals.append(Refusal("anonymised", "the member's details were anonymised: nothing more is recorded"))
        if refusals:
            raise ActionRefused(refusals)
        sealed = (vault or default_vault()).seal(normalise(value).encode(), value_binding(member.pk, category))
        record, created = SpecialCategoryRecord.objects.update_or_create(
            member=member,
            category=category,
            defaults={
                "value_encrypted": sealed,
                "purpose": purpose.strip(),
                "condition": condition,
                "recorded_at": now,
                "recorded_by": user,
            },
        )
        audit.record(
            user,
            "special_category.recorded" if created else "special_category.replaced",
            "special_category_record",
            record.pk,
            summary=f"{SpecialCategory(category).label} of member {member.membership_number} recorded.",
            subjects=[member.pk],
            data={"category": category, "condition": condition},
            at=now,
        )
    return record


def read_special_category(
    user: User, member: Member, *, now: datetime | None = None, vault: Vault | None = None
) -> list[SpecialCategoryEntry]:
    """The member's special-category values, for the data protection officer; the read goes on the audit log."""
    if not user.is_authenticated or not user.roles() & READ_ROLES:
        raise PermissionDenied("only the data protection officer may read special-category data")
    vault = vault or default_vault()
    records = list(SpecialCategoryRecord.objects.filter(member=member).order_by("category"))
    entries = [
        SpecialCategoryEntry(
            category=r.category,
            category_label=r.get_category_display(),
            value=vault.unseal(bytes(r.value_encrypted), value_binding(member.pk, r.category)).decode(),
            purpose=r.purpose,
            condition=r.condition,
            condition_label=Condition(r.condition).label if r.condition in Condition else r.condition,
            recorded_at=r.recorded_at,
        )
        for r in records
    ]
    with transaction.atomic():
        audit.record(
            user,
            "special_category.read",
            "member",
            member.pk,
            summary=f"Special-category data of member {member.membership_number} read.",
            subjects=[member.pk],
            data={"categories": [r.category for r in records]},
            at=now,
        )
    return entries


@dataclass(frozen=True)
class MonitoringCounts:
    """How many members declared each value of one category, safe to show: see `procedure.special_category`."""

    category: str
    category_label: str
    counts: dict[str, int]
    other: int | None
    total: int | None


def monitoring_counts(
    user: User, category: str, *, now: datetime | None = None, vault: Vault | None = None
) -> MonitoringCounts:
    """Counts per value over the whole membership, for oversight officers and the DPO. Never per case."""
    if not user.is_authenticated or not user.roles() & COUNT_ROLES:
        raise PermissionDenied("only oversight officers and the data protection officer may see monitoring counts")
    if category not in SpecialCategory.values:
        raise ActionRefused([Refusal("category", f"there is no special category {category!r}")])
    vault = vault or default_vault()
    rows = SpecialCategoryRecord.objects.filter(category=category).values_list("member_id", "value_encrypted")
    table: Table = monitoring_table(
        vault.unseal(bytes(sealed), value_binding(member_id, category)).decode() for member_id, sealed in rows
    )
    with transaction.atomic():
        audit.record(
            user,
            "special_category.counted",
            "special_category",
            category,
            summary=f"Monitoring counts of {SpecialCategory(category).label.lower()} produced.",
            at=now,
        )
    return MonitoringCounts(category, SpecialCategory(category).label, table.counts, table.other, table.total)
