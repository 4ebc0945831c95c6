from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fairhearing.organisation.models import Member


class SubjectAccessRequest(models.Model):
    """UK GDPR Art. 15: a member asked for everything held about them; due one calendar month after receipt."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="subject_access_requests")
    received_at = models.DateTimeField()
    due_on = models.DateField()
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    export_sha256 = models.CharField(max_length=64, blank=True, help_text="Hash of the export handed over.")

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Subject access request {self.pk}"


class ErasureStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    APPLIED = "applied", "Applied"
    REFUSED = "refused", "Refused"


class ErasureRequest(models.Model):
    """UK GDPR Art. 17: a request to erase a member's data, decided by the DPO and applied like retention."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="erasure_requests")
    received_at = models.DateTimeField()
    details = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ErasureStatus.choices, default=ErasureStatus.RECEIVED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"Erasure request {self.pk}"


class LegalHold(models.Model):
    """Keeps a case's records from retention and erasure while a claim or inquiry needs them."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField()
    placed_at = models.DateTimeField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(released_at__isnull=True), name="one_active_hold")
        ]

    def __str__(self) -> str:
        return f"Legal hold on {self.case}"


class SpecialCategory(models.TextChoices):
    POLITICAL_OPINION = "political_opinion", "Political opinions"
    RACIAL_OR_ETHNIC_ORIGIN = "ethnic_origin", "Racial or ethnic origin"
    RELIGIOUS_BELIEF = "religious_belief", "Religious or philosophical beliefs"
    TRADE_UNION = "trade_union", "Trade union membership"
    HEALTH = "health", "Health"
    SEX_LIFE = "sex_life", "Sex life or sexual orientation"


class SpecialCategoryRecord(models.Model):
    """Art. 9 data (e.g. a declared affiliation used for fairness monitoring), kept apart and encrypted.

    Read only through `fairhearing.privacy.special_category`, which checks the reader's role; never joined to a case.
    """

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=24, choices=SpecialCategory.choices)
    value_encrypted = models.BinaryField()
    purpose = models.CharField(max_length=200)
    condition = models.CharField(max_length=300, help_text="The Art. 9(2) condition relied on.")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "category"], name="one_record_per_category")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} of member {self.member_id}"
