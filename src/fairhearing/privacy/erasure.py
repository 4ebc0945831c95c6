"""Erasure requests (UK GDPR Art. 17): recorded, decided by the data protection officer, and applied the same way
as the retention schedule - the member's closed cases anonymised with their evidence, their special-category
data deleted, and their own record anonymised - each removal on the audit log without its content.

A request cannot be granted while the member is a party to an open case or to a case under legal hold (the data
is needed for the case or a claim, Art. 17(3)(e)); the attempt is refused with that reason and the request stays
waiting, to be granted once the case closes or the hold is released. The DPO may also refuse it, with reasons.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.evidence.vault import Vault
from fairhearing.organisation.models import Member
from fairhearing.privacy.models import ErasureRequest, ErasureStatus
from fairhearing.privacy.removal import Remover, cases_of
from fairhearing.privacy.retention import CLOSED, held_references
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.retention import RecordKind, case_kind, decide_erasure_refusals, record_erasure_refusals
from fairhearing.procedure.stages import Stage


def record_erasure_request(
    member: Member, user: User, details: str = "", *, now: datetime | None = None
) -> ErasureRequest:
    """Record that the member asked for their data to be erased; it waits for the DPO's decision."""
    now = now or timezone.now()
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        refusals = record_erasure_refusals(
            user.roles(),
            own_record=user.member_id == member.pk,
            anonymised_on=timezone.localdate(member.anonymised_at) if member.anonymised_at else None,
            pending=member.erasure_requests.filter(status=ErasureStatus.RECEIVED).exists(),
        )
        if refusals:
            raise ActionRefused(refusals)
        request = ErasureRequest.objects.create(member=member, received_at=now, details=details.strip())
        audit.record(
            user,
            "erasure_request.received",
            "erasure_request",
            request.pk,
            summary=f"Erasure request {request.pk} received from member {member.membership_number}.",
            subjects=[member.pk],
            at=now,
        )
    return request


def decide_erasure_request(
    request: ErasureRequest,
    user: User,
    *,
    grant: bool,
    reason: str,
    now: datetime | None = None,
    vault: Vault | None = None,
) -> ErasureRequest:
    """Grant (and apply at once) or refuse an erasure request, with the DPO's reasons."""
    now = now or timezone.now()
    with transaction.atomic():
        request = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        member = Member.objects.select_for_update().get(pk=request.member_id)
        # Lock the member's cases, so none reopens or gains a hold between this check and the erasure.
        cases = list(cases_of(member).select_for_update().order_by("pk"))
        refusals = decide_erasure_refusals(
            user.roles(),
            grant=grant,
            reason=reason,
            decided_on=timezone.localdate(request.decided_at) if request.decided_at else None,
            open_cases=[c.reference for c in cases if c.stage not in CLOSED],
            held_cases=held_references([c.pk for c in cases]),
        )
        if refusals:
            raise ActionRefused(refusals)
        request.status = ErasureStatus.APPLIED if grant else ErasureStatus.REFUSED
        request.decided_at, request.decided_by, request.decision_reason = now, user, reason.strip()
        request.save(update_fields=["status", "decided_at", "decided_by", "decision_reason"])
        verb = "granted and applied" if grant else "refused"
        audit.record(
            user,
            f"erasure_request.{'granted' if grant else 'refused'}",
            "erasure_request",
            request.pk,
            summary=f"Erasure request {request.pk} from member {member.membership_number} {verb}.",
            subjects=[member.pk],
            at=now,
        )
        if grant:
            cause = f"erasure request {request.pk} granted by the data protection officer"
            remover = Remover(user, now, vault=vault)
            for case in cases:
                if case.anonymised_at is None:
                    remover.anonymise_case(case, case_kind(case.stage == Stage.DISMISSED), cause)
            if member.anonymised_at is None:
                remover.anonymise_member(member, RecordKind.FORMER_MEMBERS, cause)
            remover.finish()
    return request
