from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fairhearing.procedure.rulebook import Level


class Region(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Branch(models.Model):
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=160)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="branches")

    class Meta:
        ordering = ["region__name", "name"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    LAPSED = "lapsed", "Lapsed"
    RESIGNED = "resigned", "Resigned"
    EXPELLED = "expelled", "Expelled"


class Member(models.Model):
    membership_number = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="members")
    status = models.CharField(max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    joined = models.DateField()
    left_on = models.DateField(null=True, blank=True, help_text="When membership ended, for retention.")
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.membership_number})"


class OfficeHolding(models.Model):
    """An office held by a member for a period. Office ids come from the rulebook's `offices`."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="offices")
    office = models.CharField(max_length=64)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["since"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=models.F("since")), name="office_period_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} since {self.since}"


class RulebookVersion(models.Model):
    """A stored rulebook version. The TOML source is kept verbatim so what governed a case can be shown exactly."""

    organisation = models.CharField(max_length=200)
    version = models.CharField(max_length=64, unique=True)
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    source = models.TextField()
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.organisation} rulebook {self.version} (from {self.effective_from})"

    @property
    def rulebook(self):  # -> procedure.rulebook.Rulebook
        from fairhearing.organisation.selectors import parsed_rulebook

        return parsed_rulebook(self)


class Body(models.Model):
    """A decision-making body. Regional and local bodies exist once per region or branch."""

    kind = models.CharField(max_length=64, help_text="The body's id in the rulebook.")
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=16, choices=[(lv.value, lv.value.title()) for lv in Level])
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="bodies")
    branch = models.ForeignKey(Branch, null=True, blank=True, on_delete=models.PROTECT, related_name="bodies")

    class Meta:
        ordering = ["level", "name"]
        verbose_name_plural = "bodies"
        constraints = [
            # One instance of each rulebook body per scope: nationally, per region, per branch.
            models.UniqueConstraint(fields=["kind"], condition=Q(level=Level.NATIONAL), name="one_national_body"),
            models.UniqueConstraint(
                fields=["kind", "region"], condition=Q(level=Level.REGIONAL), name="one_body_per_region"
            ),
            models.UniqueConstraint(
                fields=["kind", "branch"], condition=Q(level=Level.LOCAL), name="one_body_per_branch"
            ),
            models.CheckConstraint(
                condition=(
                    Q(level=Level.NATIONAL, region__isnull=True, branch__isnull=True)
                    | Q(level=Level.REGIONAL, region__isnull=False, branch__isnull=True)
                    | Q(level=Level.LOCAL, region__isnull=True, branch__isnull=False)
                ),
                name="body_scope_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PanelRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    MEMBER = "member", "Panel member"
    OFFICER = "officer", "Body officer"


class Expertise(models.TextChoices):
    LAWYER = "lawyer", "Legally qualified"
    EXPERT = "expert", "Subject expert"
    LAY = "lay", "Lay member"


class PanelMember(models.Model):
    """Someone eligible to sit on a body's panels (or to run its queue, as a body officer)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="panel_members")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="panel_seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="panel_seats"
    )
    role = models.CharField(max_length=16, choices=PanelRole.choices, default=PanelRole.MEMBER)
    expertise = models.CharField(max_length=16, choices=Expertise.choices, default=Expertise.LAY)
    trained_until = models.DateField(null=True, blank=True, help_text="Training record valid until this date.")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["body", "member"], name="one_seat_per_body")]

    def __str__(self) -> str:
        return f"{self.member.name} - {self.body}"
