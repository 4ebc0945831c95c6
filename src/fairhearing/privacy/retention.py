"""The retention schedule (REQ 33): erase, anonymise or delete every record whose retention period is over.

Run by `fairhearing retention` and by `apply_retention_task`. Each record (a case with its evidence and emails, a
member with the emails sent to them, a request, an email about no case) is dealt with in its own transaction under
a lock on its row, so the job can run beside people working and a failure on one record leaves the others done. A
record under legal hold is never touched; it is listed as kept. Running the job twice removes nothing the second
time: what it removed is marked (erased_at, anonymised_at, an email's blanked address and words) or gone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fairhearing.cases.models import Case
from fairhearing.evidence.vault import Vault
from fairhearing.organisation.models import Member
from fairhearing.outbox.models import EmailStatus, OutgoingEmail
from fairhearing.privacy.models import ErasureRequest, LegalHold, SubjectAccessRequest
from fairhearing.privacy.removal import Removed, Remover, cases_of
from fairhearing.procedure.retention import RecordFacts, RecordKind, case_kind, check_periods, judge
from fairhearing.procedure.stages import CLOSED_STAGES, Stage

CLOSED = [stage.value for stage in CLOSED_STAGES]


@dataclass
class RetentionReport:
    dry_run: bool
    removed: list[Removed] = field(default_factory=list)
    held: list[Removed] = field(default_factory=list)  # due, but kept under legal hold

    def __len__(self) -> int:
        return len(self.removed)

    def lines(self) -> list[str]:
        return [entry.line(self.dry_run) for entry in [*self.removed, *self.held]]

    def total(self) -> str:
        verb = "would be removed" if self.dry_run else "removed"
        return f"{len(self.removed)} record(s) {verb}; {len(self.held)} kept under legal hold."


def periods() -> dict[RecordKind, int]:
    return check_periods(getattr(settings, "FAIRHEARING_RETENTION_DAYS", {}))


def held_references(case_ids) -> tuple[str, ...]:
    """The references of those cases that are under an active legal hold."""
    return tuple(
        sorted(
            LegalHold.objects.filter(case_id__in=case_ids, released_at__isnull=True).values_list(
                "case__reference", flat=True
            )
        )
    )


def apply_retention(
    *, now: datetime | None = None, dry_run: bool = False, vault: Vault | None = None
) -> RetentionReport:
    """Remove everything whose retention period is over, except what a legal hold keeps. Returns what it did."""
    now = now or timezone.now()
    schedule = periods()
    report = RetentionReport(dry_run)
    # Cases before members: a former member is kept while their cases are, so a case anonymised in this run can
    # let its parties' details go in the same run.
    for pk in (
        Case.objects.filter(stage__in=CLOSED, anonymised_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    ):
        _retain_case(pk, schedule, now, dry_run, vault, report)
    for pk in (
        Member.objects.filter(left_on__isnull=False, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        _retain_member(pk, schedule, now, dry_run, report)
    for pk in (
        SubjectAccessRequest.objects.filter(fulfilled_at__isnull=False).order_by("pk").values_list("pk", flat=True)
    ):
        _retain_request(SubjectAccessRequest, pk, schedule, now, dry_run, report)
    for pk in ErasureRequest.objects.filter(decided_at__isnull=False).order_by("pk").values_list("pk", flat=True):
        _retain_request(ErasureRequest, pk, schedule, now, dry_run, report)
    # Emails about a case go with the case (and with their recipient); only those about no case are judged alone.
    for pk in (
        OutgoingEmail.objects.filter(case__isnull=True)
        .exclude(status=EmailStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    ):
        _retain_email(pk, schedule, now, dry_run, report)
    return report


def _record(remover: Remover, report: RetentionReport) -> None:
    report.removed += remover.removed


def _retain_case(
    pk: int,
    schedule: Mapping[RecordKind, int],
    now: datetime,
    dry_run: bool,
    vault: Vault | None,
    report: RetentionReport,
) -> None:
    today = timezone.localdate(now)
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=pk, anonymised_at__isnull=True).first()
        if case is None or case.stage not in CLOSED or case.closed_at is None:
            return  # reopened or dealt with since the list was made
        closed_on = timezone.localdate(case.closed_at)
        held = held_references([case.pk])
        kind = case_kind(case.stage == Stage.DISMISSED)
        remover = Remover(None, now, dry_run, vault)
        verdict = judge(RecordFacts(kind, closed_on, held), schedule, today)
        if verdict.act:
            remover.anonymise_case(case, kind, verdict.reason)
        elif verdict.held:
            report.held.append(Removed(kind, "case", case.pk, case.reference, "held", verdict.reason))
        elif kind == RecordKind.CASE_RECORDS:
            items = list(case.evidence.filter(erased_at__isnull=True).order_by("pk"))
            evidence = judge(RecordFacts(RecordKind.EVIDENCE, closed_on, held), schedule, today)
            if items and evidence.act:
                remover.erase_evidence(case, items, RecordKind.EVIDENCE, evidence.reason)
            elif items and evidence.held:
                report.held += [
                    Removed(RecordKind.EVIDENCE, "evidence_item", item.pk, case.reference, "held", evidence.reason)
                    for item in items
                ]
        remover.finish()
    _record(remover, report)


def _retain_member(
    pk: int, schedule: Mapping[RecordKind, int], now: datetime, dry_run: bool, report: RetentionReport
) -> None:
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(pk=pk, anonymised_at__isnull=True).first()
        if member is None or member.left_on is None:
            return
        cases = list(cases_of(member).order_by("pk"))
        still_open = [c.reference for c in cases if c.stage not in CLOSED]
        still_kept = [c.reference for c in cases if c.stage in CLOSED and c.anonymised_at is None]
        kept_while = ""
        if still_open:
            kept_while = f"case {', '.join(still_open)} is still open"
        elif still_kept:
            kept_while = f"the records of case {', '.join(still_kept)} are still kept"
        facts = RecordFacts(
            RecordKind.FORMER_MEMBERS, member.left_on, held_references([c.pk for c in cases]), kept_while
        )
        verdict = judge(facts, schedule, timezone.localdate(now))
        remover = Remover(None, now, dry_run)
        if verdict.act:
            remover.anonymise_member(member, RecordKind.FORMER_MEMBERS, verdict.reason)
        elif verdict.held:
            report.held.append(Removed(RecordKind.FORMER_MEMBERS, "member", member.pk, "", "held", verdict.reason))
    _record(remover, report)


def _retain_request(
    model, pk: int, schedule: Mapping[RecordKind, int], now: datetime, dry_run: bool, report: RetentionReport
) -> None:
    if model is SubjectAccessRequest:
        kind, object_type, moment = RecordKind.SUBJECT_ACCESS_REQUESTS, "subject_access_request", "fulfilled_at"
    else:
        kind, object_type, moment = RecordKind.ERASURE_REQUESTS, "erasure_request", "decided_at"
    with transaction.atomic():
        request = model.objects.select_for_update().filter(pk=pk).first()
        if request is None or getattr(request, moment) is None:
            return
        # A request can matter to a claim about the member's case, so a hold on that case keeps it too.
        held = held_references(cases_of(request.member).values_list("pk", flat=True))
        verdict = judge(
            RecordFacts(kind, timezone.localdate(getattr(request, moment)), held), schedule, timezone.localdate(now)
        )
        remover = Remover(None, now, dry_run)
        if verdict.act:
            remover.delete_request(request, kind, object_type, verdict.reason)
        elif verdict.held:
            report.held.append(Removed(kind, object_type, request.pk, "", "held", verdict.reason))
    _record(remover, report)


def _retain_email(
    pk: int, schedule: Mapping[RecordKind, int], now: datetime, dry_run: bool, report: RetentionReport
) -> None:
    kind = RecordKind.EMAILS_WITHOUT_CASE
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=pk, case__isnull=True).first()
        if email is None:
            return
        ended = email.sent_at or email.gave_up_at
        # Like a request record, it can matter to a claim about its recipient's case: a hold there keeps it.
        member_cases = cases_of(email.member).values_list("pk", flat=True) if email.member_id else []
        facts = RecordFacts(
            kind,
            timezone.localdate(ended) if ended and email.status != EmailStatus.PENDING else None,
            held_references(member_cases),
        )
        verdict = judge(facts, schedule, timezone.localdate(now))
        remover = Remover(None, now, dry_run)
        if verdict.act:
            remover.delete_email(email, kind, verdict.reason)
        elif verdict.held:
            report.held.append(Removed(kind, "outgoing_email", email.pk, "", "held", verdict.reason))
    _record(remover, report)
