"""An email waiting to go, sent, or given up. Rows are written only by `fairhearing.outbox.services`."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from fairhearing.cases.models import Case
from fairhearing.organisation.models import Member


class EmailKind(models.TextChoices):
    NOTICE_ISSUED = "notice_issued", "Notice of allegations issued"
    RESPONSE_REMINDER = "response_reminder", "Reminder: the response is due"
    DECISION_NOTIFIED = "decision_notified", "Decision notified"
    APPEAL_REMINDER = "appeal_reminder", "Reminder: the appeal period is ending"
    APPEAL_DECIDED = "appeal_decided", "Appeal decided"
    SUSPENSION_IMPOSED = "suspension_imposed", "Interim suspension imposed"
    SUSPENSION_LIFTED = "suspension_lifted", "Interim suspension lifted"
    CASE_DISMISSED = "case_dismissed", "Case dismissed"
    CASE_CLOSED = "case_closed", "Case closed"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    GAVE_UP = "gave_up", "Given up"


class OutgoingEmail(models.Model):
    kind = models.CharField(max_length=32, choices=EmailKind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The recipient."
    )
    recipient = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    message_id = models.CharField(max_length=255, unique=True, help_text="The Message-ID header it is sent with.")
    # Set for messages that must exist once however often they are enqueued (reminders); unique, so a second
    # insert fails in the database instead of racing a check.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    created_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A worker's lease: the message is its own to send until then; another worker skips it.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # What the worker asks for: pending messages by when they are due.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outbox_due"),
            # What oversight asks for: the messages given up, newest first.
            models.Index(fields=["gave_up_at"], condition=Q(status="gave_up"), name="outbox_gave_up"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False), name="outbox_sent_has_time"),
            models.CheckConstraint(
                condition=~Q(status="gave_up") | Q(gave_up_at__isnull=False), name="outbox_gave_up_has_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.recipient} ({self.get_status_display()})"
