"""Legal holds: while a claim, complaint to a regulator or inquiry needs a case's records, nothing of it is erased.

A hold covers the case, its evidence, the details of its parties, and their subject access and erasure request
records. Retention lists held records as kept; an erasure request touching a held case cannot be granted.
The hold's reason stays on the hold for the data protection officer: the timeline and the audit log only say that
a hold was placed or released, since the reason may name a claim or a claimant.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.cases.models import Case, EventKind
from fairhearing.cases.timeline import write_event
from fairhearing.privacy.models import LegalHold
from fairhearing.procedure.errors import ActionRefused, Refusal
from fairhearing.procedure.retention import place_hold_refusals, release_hold_refusals


def _timeline(case: Case, user: User, now: datetime, summary: str, data: dict) -> None:
    write_event(case, at=now, kind=EventKind.LEGAL_HOLD, user=user, summary=summary, data=data)


def place_legal_hold(case: Case, user: User, reason: str, *, now: datetime | None = None) -> LegalHold:
    """Keep the case's records from retention and erasure until the hold is released."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=case.pk)
            active = LegalHold.objects.filter(case=case, released_at__isnull=True).exists()
            refusals = place_hold_refusals(
                user.roles(),
                reason=reason,
                active_hold=active,
                anonymised_on=timezone.localdate(case.anonymised_at) if case.anonymised_at else None,
            )
            if refusals:
                raise ActionRefused(refusals)
            hold = LegalHold.objects.create(case=case, reason=reason.strip(), placed_at=now, placed_by=user)
            _timeline(
                case,
                user,
                now,
                "Legal hold placed: nothing in this case is erased or anonymised until it is released.",
                {"hold": hold.pk},
            )
            audit.record(
                user,
                "legal_hold.placed",
                "legal_hold",
                hold.pk,
                summary=f"Legal hold {hold.pk} placed on {case.reference}.",
                case_reference=case.reference,
                subjects=[case.respondent_id, case.complainant_member_id],
                at=now,
            )
    except IntegrityError as exc:
        # Two holds placed at the same moment: the database keeps one (one_active_hold).
        raise ActionRefused([Refusal("already_held", "the case is already under a legal hold")]) from exc
    return hold


def release_legal_hold(hold: LegalHold, user: User, reason: str, *, now: datetime | None = None) -> LegalHold:
    """End a hold; the case's records then follow the retention schedule again from the next run."""
    now = now or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=hold.case_id)
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        refusals = release_hold_refusals(
            user.roles(),
            reason=reason,
            released_on=timezone.localdate(hold.released_at) if hold.released_at else None,
        )
        if refusals:
            raise ActionRefused(refusals)
        hold.released_at, hold.released_by, hold.release_reason = now, user, reason.strip()
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        _timeline(
            case,
            user,
            now,
            "Legal hold released: the case's records follow the retention schedule again.",
            {"hold": hold.pk},
        )
        audit.record(
            user,
            "legal_hold.released",
            "legal_hold",
            hold.pk,
            summary=f"Legal hold {hold.pk} on {case.reference} released.",
            case_reference=case.reference,
            subjects=[case.respondent_id, case.complainant_member_id],
            at=now,
        )
    return hold


def active_hold(case: Case) -> LegalHold | None:
    return LegalHold.objects.filter(case=case, released_at__isnull=True).first()
