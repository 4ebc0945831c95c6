from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from fairhearing.organisation.models import Body, Member, RulebookVersion
from fairhearing.procedure.admissibility import Attribution, Provenance, Visibility
from fairhearing.procedure.stages import Stage

STAGE_CHOICES = [(s.value, s.label) for s in Stage]
PROVENANCE_CHOICES = [(p.value, p.label) for p in Provenance]
ATTRIBUTION_CHOICES = [(a.value, a.label) for a in Attribution]
VISIBILITY_CHOICES = [(v.value, v.label) for v in Visibility]


class ComplainantKind(models.TextChoices):
    MEMBER = "member", "A member"
    NON_MEMBER = "non_member", "Someone who is not a member"
    ORGANISATION = "organisation", "The organisation itself"


class CaseSource(models.TextChoices):
    WEB_FORM = "web_form", "Complaint form"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    REFERRAL = "referral", "Referral by a party body"
    STAFF = "staff", "Raised by staff"
    IMPORT = "import", "Imported historical record"


class Case(models.Model):
    """One complaint about one respondent."""

    reference = models.CharField(max_length=32, unique=True)
    respondent = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cases_as_respondent")
    complainant_kind = models.CharField(max_length=16, choices=ComplainantKind.choices)
    complainant_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_as_complainant"
    )
    complainant_name = models.CharField(max_length=200, blank=True, help_text="For complainants who are not members.")
    complainant_email = models.EmailField(blank=True)
    source = models.CharField(max_length=16, choices=CaseSource.choices)
    received_at = models.DateTimeField()
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="cases")
    routing_reason = models.TextField(help_text="Why the published rules sent this case to this body.")
    rulebook_version = models.ForeignKey(RulebookVersion, on_delete=models.PROTECT, related_name="cases")
    respondent_offices = models.JSONField(
        default=list, help_text="Office ids the respondent held at the time of the conduct."
    )
    seriousness = models.CharField(max_length=64)
    stage = models.CharField(max_length=32, choices=STAGE_CHOICES, default=Stage.RECEIVED.value)
    stage_entered_at = models.DateTimeField()
    outcome = models.CharField(max_length=64, blank=True, help_text="Sanction id of the final outcome.")
    investigator = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_investigated"
    )
    responded_on = models.DateField(null=True, blank=True)
    hearing_on = models.DateField(null=True, blank=True)
    closed_by_appeal_window = models.BooleanField(default=False)
    # Kept with the stage so lists can filter and sort on "overdue" at national size without loading each case.
    due_on = models.DateField(
        null=True, blank=True, help_text="The rulebook's target date for finishing the current stage."
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=200, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, help_text="When its personal details were removed.")
    # Optimistic concurrency: every action that changes the case adds one, so a form or API request prepared on an
    # older version is refused instead of acting on a state its author never saw (casefile_store.expecting_version).
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up by one with every action taken on the case; forms and API requests carry it."
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["stage"]),
            models.Index(fields=["body", "stage"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(complainant_kind=ComplainantKind.MEMBER) | Q(complainant_member__isnull=False),
                name="member_complainant_named",
            ),
            models.CheckConstraint(
                condition=~Q(complainant_kind=ComplainantKind.NON_MEMBER) | ~Q(complainant_name=""),
                name="non_member_complainant_named",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class TriageRecord(models.Model):
    """Safeguard 2: what triage decided before the case could move on."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="triage_record")
    informal_resolution_suitable = models.BooleanField()
    interim_action_needed = models.BooleanField()
    interim_action_reasons = models.TextField(blank=True)
    protected_characteristics_involved = models.BooleanField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Triage of {self.case.reference}"


class Allegation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allegations")
    clause = models.CharField(max_length=64, help_text="Clause id in the case's rulebook version.")
    particulars = models.TextField()
    conduct_date = models.DateField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case.reference}: clause {self.clause}"


class Admissibility(models.TextChoices):
    PENDING = "pending", "Awaiting a ruling"
    ADMITTED = "admitted", "Admitted"
    EXCLUDED = "excluded", "Excluded"


class EvidenceKind(models.TextChoices):
    SCREENSHOT = "screenshot", "Screenshot"
    DOCUMENT = "document", "Document"
    EMAIL = "email", "Email"
    URL = "url", "Web address"
    WITNESS_STATEMENT = "witness_statement", "Witness statement"
    TEXT = "text", "Text"


class EvidenceItem(models.Model):
    """A piece of evidence: what it is, where it came from, whose account it is, and whether it may be relied on.

    The file itself, if any, is an encrypted blob shared by every item with the same content (`stored_file`).
    Only `fairhearing.evidence.services` writes these rows.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=24, choices=EvidenceKind.choices)
    description = models.TextField()
    text = models.TextField(blank=True, help_text="Text recorded as evidence, e.g. a transcript of a post.")
    source_url = models.URLField(max_length=2000, blank=True)
    original_source = models.CharField(max_length=500, blank=True, help_text="Where the original is, e.g. an account.")
    captured_at = models.DateTimeField(null=True, blank=True)
    captured_by = models.CharField(max_length=200, blank=True)
    content_date = models.DateField(null=True, blank=True, help_text="When the original was written or posted.")
    visibility = models.CharField(max_length=16, choices=VISIBILITY_CHOICES, default=Visibility.NOT_APPLICABLE.value)
    lawful_basis = models.CharField(max_length=500, blank=True, help_text="The legal condition relied on.")
    provenance = models.CharField(max_length=24, choices=PROVENANCE_CHOICES)
    attribution = models.CharField(max_length=24, choices=ATTRIBUTION_CHOICES, default=Attribution.NOT_APPLICABLE.value)
    attribution_method = models.TextField(blank=True)
    stored_file = models.ForeignKey(
        "evidence.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="items"
    )
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    media_type = models.CharField(max_length=120, blank=True)
    admissibility = models.CharField(max_length=16, choices=Admissibility.choices, default=Admissibility.PENDING)
    ruling_needed = models.JSONField(default=list, blank=True, help_text="Why a data protection ruling is needed.")
    flags = models.JSONField(default=list, blank=True, help_text="Warnings for the panel, e.g. old conduct.")
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruling_reason = models.TextField(blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    added_at = models.DateTimeField()
    erased_at = models.DateTimeField(null=True, blank=True, help_text="When its content was erased.")

    class Meta:
        ordering = ["added_at", "pk"]
        indexes = [
            models.Index(fields=["admissibility"]),
            # Oversight's newest doubtful evidence: read backwards until the page is full, not sorted in full.
            models.Index(fields=["added_at", "id"], name="evidence_added"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} for {self.case.reference}"


class Notice(models.Model):
    """The notice of allegations served on the respondent, with the evidence relied on for each."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="notice")
    served_on = models.DateField()
    served_at = models.DateTimeField()
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Notice in {self.case.reference}"


class NoticeEvidence(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="evidence_relied_on")
    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "allegation", "evidence"], name="evidence_cited_once")]

    def __str__(self) -> str:
        return f"Evidence {self.evidence_id} for allegation {self.allegation_id}"


class SittingKind(models.TextChoices):
    HEARING = "hearing", "Hearing panel"
    APPEAL = "appeal", "Appeal panel"


class PanelSitting(models.Model):
    """The panel formed to hear a case or its appeal. A transfer dissolves it: the new body forms its own."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sittings")
    kind = models.CharField(max_length=16, choices=SittingKind.choices)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="sittings")
    seats = models.ManyToManyField("organisation.PanelMember", related_name="sittings")
    formed_at = models.DateTimeField()
    dissolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=Q(dissolved_at__isnull=True), name="one_live_sitting_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.case.reference}"


class DeclaredConflict(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declared_conflicts")
    panel_member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="conflicts_declared")
    with_member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    declared_at = models.DateTimeField()
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"Conflict in {self.case.reference}"


class Appeal(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="appeal")
    lodged_on = models.DateField()
    grounds = models.JSONField(default=list)
    explanation = models.TextField(blank=True, help_text="Why the appellant says the decision was wrong.")
    late_reason = models.TextField(blank=True)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="appeals")

    def __str__(self) -> str:
        return f"Appeal in {self.case.reference}"


class EventKind(models.TextChoices):
    OPENED = "opened", "Case opened"
    ROUTED = "routed", "Routed to a body"
    STAGE_CHANGED = "stage_changed", "Stage changed"
    TRANSFERRED = "transferred", "Transferred"
    TRIAGE_RECORDED = "triage_recorded", "Triage recorded"
    INVESTIGATION_OPENED = "investigation_opened", "Investigation opened"
    PANEL_FORMED = "panel_formed", "Panel formed"
    HEARING_SCHEDULED = "hearing_scheduled", "Hearing scheduled"
    CONFLICT_DECLARED = "conflict_declared", "Conflict declared"
    DECISION_NOTIFIED = "decision_notified", "Decision sent"
    TIME_LIMIT = "time_limit", "Time limit applied"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DISMISSED = "dismissed", "Dismissed"
    EVIDENCE_ADDED = "evidence_added", "Evidence added"
    EVIDENCE_RULED = "evidence_ruled", "Evidence ruled on"
    EVIDENCE_ERASED = "evidence_erased", "Evidence erased"
    RECORDS_ANONYMISED = "records_anonymised", "Records anonymised"
    LEGAL_HOLD = "legal_hold", "Legal hold"
    INTERIM_SUSPENSION_IMPOSED = "suspension_imposed", "Interim suspension imposed"
    INTERIM_SUSPENSION_REVIEWED = "suspension_reviewed", "Interim suspension reviewed"
    INTERIM_SUSPENSION_LIFTED = "suspension_lifted", "Interim suspension lifted"
    NOTICE_ISSUED = "notice_issued", "Notice issued"
    RESPONSE_RECEIVED = "response_received", "Response received"
    DECISION_RECORDED = "decision_recorded", "Decision recorded"
    APPEAL_LODGED = "appeal_lodged", "Appeal lodged"
    APPEAL_DECIDED = "appeal_decided", "Appeal decided"
    NOTE = "note", "Note"
    FLAG_RAISED = "flag_raised", "Flag raised"
    FLAG_RESOLVED = "flag_resolved", "Flag resolved"
    CLOSED = "closed", "Case closed"


class TimelineEvent(models.Model):
    """An entry on a case's timeline. Written only by services, never edited except to remove personal details
    when the case's retention period ends (`fairhearing.privacy.removal`)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=200, help_text="Who acted, as shown on the record.")
    stage_from = models.CharField(max_length=32, blank=True)
    stage_to = models.CharField(max_length=32, blank=True)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.at:%Y-%m-%d}: {self.get_kind_display()}"


class DecisionKind(models.TextChoices):
    FIRST_INSTANCE = "first_instance", "Decision"
    APPEAL = "appeal", "Appeal decision"


class AppealResult(models.TextChoices):
    DISMISSED = "dismissed", "Appeal dismissed"
    VARIED = "varied", "Sanction varied"
    OVERTURNED = "overturned", "Decision overturned"


class Decision(models.Model):
    """A reasoned decision, with the sanction guideline that applied so it can be audited later."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=16, choices=DecisionKind.choices)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="decisions")
    decided_at = models.DateTimeField()
    sanction = models.CharField(max_length=64, help_text="Sanction id from the rulebook.")
    suspension_months = models.PositiveSmallIntegerField(null=True, blank=True)
    culpability = models.CharField(max_length=16, blank=True)
    harm = models.CharField(max_length=16, blank=True)
    aggravating = models.JSONField(default=list, blank=True)
    mitigating = models.JSONField(default=list, blank=True)
    guideline_starting_point = models.CharField(max_length=64, blank=True)
    guideline_lowest = models.CharField(max_length=64, blank=True)
    guideline_highest = models.CharField(max_length=64, blank=True)
    departure_reason = models.TextField(blank=True)
    reasons = models.TextField()
    appeal_result = models.CharField(max_length=16, choices=AppealResult.choices, blank=True)
    notified_on = models.DateField(null=True, blank=True, help_text="When the written decision was sent.")
    panel = models.ManyToManyField("organisation.PanelMember", blank=True, related_name="decisions")
    # REQ 22: the references of the comparable past decisions the panel was shown and recorded it considered.
    # References only, never what they were about: the other cases can be anonymised or erased on their own
    # schedule without touching this record. Empty for decisions recorded without them (imported, the demo's history).
    precedents_considered = models.JSONField(
        default=list, blank=True, help_text="References of the comparable past decisions the panel considered."
    )

    class Meta:
        ordering = ["decided_at"]
        # Oversight's newest departures from the guidelines: read backwards until the page is full.
        indexes = [models.Index(fields=["decided_at", "id"], name="decision_decided")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=DecisionKind.APPEAL) | ~Q(appeal_result=""), name="appeal_decision_has_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case.reference}: {self.sanction}"


class Finding(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="findings")
    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="findings")
    proven = models.BooleanField()
    reasons = models.TextField()
    evidence = models.ManyToManyField(EvidenceItem, blank=True, related_name="cited_in_findings")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "allegation"], name="one_finding_per_allegation")]

    def __str__(self) -> str:
        return f"{'Proven' if self.proven else 'Not proven'}: {self.allegation}"


class InterimSuspension(models.Model):
    """An administrative suspension while a case is pending. Never a sanction, never prior conduct."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interim_suspensions")
    imposed_at = models.DateTimeField()
    imposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_maker = models.CharField(max_length=200)
    criterion = models.CharField(max_length=200)
    reasons = models.TextField()
    restricts = models.TextField(help_text="The rights the suspension restricts.")
    review_by = models.DateField()
    proportionality = models.TextField(blank=True)
    review_missed = models.BooleanField(default=False)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["imposed_at"]

    def __str__(self) -> str:
        return f"Interim suspension on {self.case.reference}"


class FlagKind(models.TextChoices):
    INCONSISTENT = "inconsistent", "Decision inconsistent with like cases"
    OUTSIDE_GUIDELINE = "outside_guideline", "Decision outside the sanction guideline"
    DELAY = "delay", "Delay"
    SUSPENSION = "suspension", "Interim suspension concern"
    EVIDENCE = "evidence", "Evidence concern"
    PROCEDURE = "procedure", "Procedural concern"
    OTHER = "other", "Other"


class CaseFlag(models.Model):
    """A concern oversight raises on a case. It changes nothing in the case; it asks for an answer on the record."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=24, choices=FlagKind.choices)
    detail = models.TextField()
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["resolved_at", "raised_at"]),
            # Oversight's newest open flags: PostgreSQL does not read "resolved_at IS NULL" as an equality, so the
            # index above cannot give them in order, and it sorted every open flag joined to its case instead.
            models.Index(
                fields=["-raised_at", "-id"], condition=models.Q(resolved_at__isnull=True), name="caseflag_open_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case.reference}"


class SearchTerm(models.Model):
    """One word a case can be found by (`fairhearing.cases.search`): an index that lets the case list search
    national-size data by range lookups on one indexed column instead of scanning every allegation's text."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "case"], name="one_row_per_case_term")]

    def __str__(self) -> str:
        return self.term
