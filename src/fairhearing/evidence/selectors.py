"""What the data protection officer's pages show."""

from __future__ import annotations

from django.db.models import QuerySet

from fairhearing.cases.models import Admissibility, EvidenceItem


def pending_rulings() -> QuerySet[EvidenceItem]:
    """Evidence nobody may rely on until the DPO rules, oldest first: the DPO's queue."""
    return (
        EvidenceItem.objects.filter(admissibility=Admissibility.PENDING, erased_at__isnull=True)
        .select_related("case", "case__rulebook_version", "added_by")
        .order_by("added_at", "pk")
    )


def recent_rulings(limit: int = 20) -> QuerySet[EvidenceItem]:
    return (
        EvidenceItem.objects.filter(ruled_at__isnull=False)
        .select_related("case", "ruled_by")
        .order_by("-ruled_at", "-pk")[:limit]
    )
