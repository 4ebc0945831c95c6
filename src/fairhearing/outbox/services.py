"""Writing emails into the outbox, and sending what is due.

`enqueue` is called inside the transaction of the action an email reports, so the email exists if and only if the
action committed. `send_due` claims due messages with a lease (on PostgreSQL with SKIP LOCKED, so workers never
wait on or share a message; SQLite runs one writer at a time), sends each over the configured mailer with its
stored Message-ID, and marks it sent, or schedules its next try, or gives it up, each in its own transaction.

Delivery is at least once: if a worker dies between the SMTP server accepting a message and marking it sent, the
message goes again when its lease runs out, with the same Message-ID, which lets mail systems spot the copy.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from fairhearing.audit import log as audit
from fairhearing.cases.models import Case
from fairhearing.organisation.models import Member
from fairhearing.outbox import delivery
from fairhearing.outbox.models import EmailKind, EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

WORKER_LABEL = "fairhearing (email worker)"
# Long enough for a slow SMTP server to take a whole batch (the mailer's timeout is 20 seconds a command).
LEASE = timedelta(minutes=10)


def site_url() -> str:
    return getattr(settings, "FAIRHEARING_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def new_message_id() -> str:
    return make_msgid(idstring="fairhearing", domain=urlsplit(site_url()).hostname or "fairhearing.localhost")


def enqueue(
    *,
    kind: str,
    to: str,
    subject: str,
    body: str,
    case: Case | None = None,
    member: Member | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> OutgoingEmail | None:
    """Put one email in the outbox, due at once. Call it inside the action's transaction.

    With `dedupe_key`, a second email with the same key is not written (the database refuses it) and None is
    returned: that is how a reminder goes once however often the scheduled job runs.
    """
    now = now or timezone.now()
    email = OutgoingEmail(
        kind=EmailKind(kind),
        case=case,
        member=member,
        recipient=to.strip(),
        subject=" ".join(subject.split()),
        body=body,
        message_id=new_message_id(),
        dedupe_key=dedupe_key,
        created_at=now,
        next_attempt_at=now,
    )
    if dedupe_key is None:
        email.save()
        return email
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the caller's transaction usable
            email.save()
    except IntegrityError:
        if OutgoingEmail.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
    return email


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)  # Message-IDs
    retrying: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)  # sent, but another worker had taken the message over
    # Claimed, then given up before its turn came (its recipient's details were erased): not sent.
    withdrawn: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.gave_up) + len(self.lost) + len(self.withdrawn)


def claim_due(now: datetime, limit: int, token: str, lease: timedelta = LEASE) -> list[OutgoingEmail]:
    """Take up to `limit` due messages for one worker until `now + lease`, oldest due first."""
    with transaction.atomic():
        due = (
            OutgoingEmail.objects.filter(status=EmailStatus.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
            .order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True)  # no-op on SQLite, whose IMMEDIATE transactions take turns
        )
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        OutgoingEmail.objects.filter(pk__in=ids).update(claimed_until=now + lease, claim_token=token)
    return list(
        OutgoingEmail.objects.filter(pk__in=ids, claim_token=token)
        .select_related("case")
        .order_by("next_attempt_at", "pk")
    )


def _message(email: OutgoingEmail) -> mail.EmailMessage:
    return mail.EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )


def send_due(
    *,
    now: datetime | None = None,
    limit: int = 50,
    mailer: str = "default",
    max_attempts: int | None = None,
    rng: random.Random | None = None,
) -> SendReport:
    """Send what is due now. `now` fixes the clock (tests, and `worker --now`); otherwise each step reads it."""
    clock: Callable[[], datetime] = (lambda: now) if now is not None else timezone.now
    max_attempts = max_attempts or getattr(settings, "FAIRHEARING_EMAIL_MAX_ATTEMPTS", delivery.MAX_ATTEMPTS)
    token = uuid.uuid4().hex
    report = SendReport()
    claimed = claim_due(clock(), limit, token)
    if not claimed:
        return report
    connection = mail.mailers[mailer]
    opened = False
    try:
        for position, email in enumerate(claimed):
            try:
                if not opened:
                    connection.open()
                    opened = True
            except Exception as exc:
                # The server cannot be used at all: the rest of the batch waits for its next try too.
                failure = delivery.classify(exc)
                for waiting in claimed[position:]:
                    _failed(waiting, token, failure, clock(), max_attempts, rng, report)
                break
            # Read again just before sending, not trusted from the claim: an erasure since then has given the email
            # up and blanked its address, and it must not go. What is left is the time one SMTP exchange takes.
            current = _still_ours(email, token)
            if current is None:
                report.withdrawn.append(email.message_id)
                continue
            try:
                if connection.send_messages([_message(current)]) != 1:
                    raise RuntimeError("the mailer did not send the message")
            except Exception as exc:
                _failed(email, token, delivery.classify(exc), clock(), max_attempts, rng, report)
                opened = _close(connection)
            else:
                _sent(email, token, clock(), report)
    finally:
        if opened:
            _close(connection)
    return report


def _still_ours(email: OutgoingEmail, token: str) -> OutgoingEmail | None:
    """The email as it stands now, if this worker still holds it and it is still to be sent."""
    return (
        OutgoingEmail.objects.filter(pk=email.pk, claim_token=token, status=EmailStatus.PENDING)
        .exclude(recipient="")
        .select_related("case")
        .first()
    )


def _close(connection) -> bool:
    try:
        connection.close()
    except Exception:  # a connection that broke while sending may not close cleanly; it is dropped either way
        logger.debug("closing the mail connection failed", exc_info=True)
    return False


def _audit(email: OutgoingEmail, action: str, summary: str, data: dict, at: datetime) -> None:
    """On the audit log without the address or the server's words (which often quote it): the log is permanent."""
    reference = email.case.reference if email.case else ""
    audit.record(
        None,
        action,
        "outgoing_email",
        email.pk,
        summary=f"{summary}{f' in {reference}' if reference else ''}.",
        case_reference=reference,
        subjects=[email.member_id],
        data={"kind": email.kind, "message_id": email.message_id, **data},
        at=at,
        label=WORKER_LABEL,
    )


def _sent(email: OutgoingEmail, token: str, at: datetime, report: SendReport) -> None:
    with transaction.atomic():
        marked = OutgoingEmail.objects.filter(pk=email.pk, claim_token=token, status=EmailStatus.PENDING).update(
            status=EmailStatus.SENT,
            sent_at=at,
            attempts=F("attempts") + 1,
            claimed_until=None,
            claim_token="",
            last_error="",
        )
        if marked:
            _audit(email, "email.sent", f"{email.get_kind_display()} email sent", {"attempts": email.attempts + 1}, at)
    if marked:
        report.sent.append(email.message_id)
    else:
        logger.warning("email %s was sent after its lease ran out and another worker took it", email.message_id)
        report.lost.append(email.message_id)


def _failed(
    email: OutgoingEmail,
    token: str,
    failure: delivery.Failure,
    at: datetime,
    max_attempts: int,
    rng: random.Random | None,
    report: SendReport,
) -> None:
    attempts = email.attempts + delivery.counts_as_attempt(failure)
    step = delivery.after_failure(attempts, failure, max_attempts, rng, waited=at - email.created_at)
    changes = {"attempts": attempts, "last_error": failure.text[:2000], "claimed_until": None, "claim_token": ""}
    if step.give_up:
        changes |= {"status": EmailStatus.GAVE_UP, "gave_up_at": at}
    else:
        changes["next_attempt_at"] = at + step.delay
    with transaction.atomic():
        marked = OutgoingEmail.objects.filter(pk=email.pk, claim_token=token, status=EmailStatus.PENDING).update(
            **changes
        )
        if marked and step.give_up:
            why = "rejected" if failure.permanent else f"failed {attempts} times"
            _audit(
                email,
                "email.gave_up",
                f"{email.get_kind_display()} email given up ({why})",
                {"attempts": attempts, "smtp_code": failure.code, "permanent": failure.permanent},
                at,
            )
    if not marked:
        report.lost.append(email.message_id)
    elif step.give_up:
        # Not the server's words: they often quote the address, and an application log cannot be erased with it.
        logger.warning(
            "email %s given up after %d attempt(s) (SMTP code %s)", email.message_id, attempts, failure.code or "none"
        )
        report.gave_up.append(email.message_id)
    else:
        report.retrying.append(email.message_id)
