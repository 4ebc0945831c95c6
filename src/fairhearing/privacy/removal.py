"""The one place that erases, anonymises and deletes personal data, for retention and for erasure requests alike.

A `Remover` works inside its caller's transaction. Each thing it removes goes on the audit log (what kind of
record, its id, the case, why - never what it said) and, for case records, on the case's timeline. Encrypted
evidence files are deleted from disk last, just before the transaction commits, and only when no item that still
has its content uses the same stored file: if the commit then failed, the rows would still say "not erased" and
the next run would erase them again, whereas deleting after the commit could leave a file behind for ever if the
process stopped in between.

Emails in the outbox carry their recipient's address and name: they are blanked with the case they are about
and with the member they were sent to, and one still waiting is given up so that it is never sent afterwards.

With `dry_run` it writes nothing and deletes nothing, but lists exactly what a real run would remove.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.audit import log as audit
from fairhearing.cases import search
from fairhearing.cases.models import (
    Allegation,
    Appeal,
    Case,
    ComplainantKind,
    Decision,
    DeclaredConflict,
    EventKind,
    EvidenceItem,
    Finding,
    InterimSuspension,
    TimelineEvent,
    TriageRecord,
)
from fairhearing.cases.timeline import write_event
from fairhearing.evidence.models import StoredFile
from fairhearing.evidence.vault import Vault, default_vault
from fairhearing.organisation.models import Member
from fairhearing.outbox.models import EmailStatus, OutgoingEmail
from fairhearing.privacy.models import SpecialCategoryRecord
from fairhearing.procedure.retention import RecordKind

REMOVED = "(removed)"
ERASED_DESCRIPTION = "(erased)"

# Timeline data that names structure (ids, codes), not what anyone said; everything else is dropped.
STRUCTURAL_DATA = frozenset(
    {"rulebook", "body", "from", "to", "result", "ruling", "appeal", "members", "investigator", "sanction", "evidence"}
)
# Events written by this module and by legal holds carry no personal content, so anonymising keeps them readable.
CONTENT_FREE_EVENTS = frozenset({EventKind.EVIDENCE_ERASED, EventKind.RECORDS_ANONYMISED, EventKind.LEGAL_HOLD})


@dataclass(frozen=True)
class Removed:
    """One record erased, anonymised, deleted - or, in a report, kept under legal hold."""

    kind: RecordKind
    object_type: str
    object_id: int
    case_reference: str
    action: str  # erased | anonymised | deleted | held
    reason: str

    @property
    def name(self) -> str:
        return f"{self.object_type.replace('_', ' ')} {self.object_id}"

    def line(self, dry_run: bool = False) -> str:
        where = f" ({self.case_reference})" if self.case_reference else ""
        if self.action == "held":
            return f"{self.name}{where}: kept - {self.reason}"
        verb = f"would be {self.action}" if dry_run else self.action
        return f"{self.name}{where}: {verb} - {self.reason}"


def _parties(case: Case) -> list[int | None]:
    return [case.respondent_id, case.complainant_member_id]


@dataclass
class Remover:
    user: User | None  # None: the scheduled job
    now: datetime
    dry_run: bool = False
    vault: Vault | None = None
    removed: list[Removed] = field(default_factory=list)
    _blobs: list[str] = field(default_factory=list)

    def _audit(self, entry: Removed, subjects: list[int | None], summary: str, **data) -> None:
        audit.record(
            self.user,
            f"{entry.object_type}.{entry.action}",
            entry.object_type,
            entry.object_id,
            summary=summary,
            case_reference=entry.case_reference,
            subjects=subjects,
            data={"kind": entry.kind.value, "reason": entry.reason, **data},
            at=self.now,
        )

    def _timeline(self, case: Case, kind: str, summary: str, data: dict) -> None:
        write_event(case, at=self.now, kind=kind, user=self.user, summary=summary, data=data)

    # Evidence --------------------------------------------------------------------------------------------------

    def erase_evidence(self, case: Case, items: list[EvidenceItem], kind: RecordKind, reason: str) -> None:
        """Erase the content and file of each item; the row stays, marked erased, so the record shows it existed."""
        if not items:
            return
        for item in items:
            entry = Removed(kind, "evidence_item", item.pk, case.reference, "erased", reason)
            self.removed.append(entry)
            if self.dry_run:
                continue
            file_deleted = self._release_file(item)
            EvidenceItem.objects.filter(pk=item.pk).update(
                description=ERASED_DESCRIPTION,
                text="",
                source_url="",
                original_source="",
                captured_by="",
                attribution_method="",
                original_name="",
                ruling_reason="",
                stored_file=None,
                erased_at=self.now,
            )
            self._audit(
                entry,
                _parties(case),
                f"Evidence item {item.pk} in {case.reference} erased: {reason}.",
                file_deleted=file_deleted,
            )
        if not self.dry_run:
            ids = [item.pk for item in items]
            label = "Evidence item" if len(ids) == 1 else "Evidence items"
            self._timeline(
                case,
                EventKind.EVIDENCE_ERASED,
                f"{label} {', '.join(map(str, ids))} erased ({reason}).",
                {"evidence": ids},
            )

    def _release_file(self, item: EvidenceItem) -> bool:
        """Drop the item's hold on its stored file; delete the file if nothing with content still uses it."""
        if item.stored_file_id is None:
            return False
        stored = StoredFile.objects.select_for_update().get(pk=item.stored_file_id)
        # Erased items no longer point at a file, so any other item pointing at it still has its content.
        if stored.items.exclude(pk=item.pk).exists():
            return False
        EvidenceItem.objects.filter(pk=item.pk).update(stored_file=None)
        stored.delete()
        self._blobs.append(stored.blob_name)
        return True

    # Cases -----------------------------------------------------------------------------------------------------

    def anonymise_case(self, case: Case, kind: RecordKind, reason: str) -> None:
        """Remove what people said and who complained; keep stage, dates, clauses, body and outcome for statistics."""
        self.erase_evidence(case, list(case.evidence.filter(erased_at__isnull=True).order_by("pk")), kind, reason)
        # Every email about the case names its recipient: a non-member complainant's go with their details here.
        self.blank_emails(not_blanked(OutgoingEmail.objects.filter(case=case)), kind, reason)
        entry = Removed(kind, "case", case.pk, case.reference, "anonymised", reason)
        self.removed.append(entry)
        if self.dry_run:
            return
        # Only events written before now: the ones this run writes carry no content.
        events = TimelineEvent.objects.filter(case=case).exclude(kind__in=CONTENT_FREE_EVENTS)
        for event in events:
            event.summary = REMOVED
            event.data = {k: v for k, v in (event.data or {}).items() if k in STRUCTURAL_DATA}
        TimelineEvent.objects.bulk_update(events, ["summary", "data"])
        Allegation.objects.filter(case=case).update(particulars=REMOVED)
        TriageRecord.objects.filter(case=case).exclude(interim_action_reasons="").update(interim_action_reasons=REMOVED)
        InterimSuspension.objects.filter(case=case).update(reasons=REMOVED, proportionality="", lift_reason="")
        DeclaredConflict.objects.filter(case=case).update(reason=REMOVED)
        Appeal.objects.filter(case=case).exclude(late_reason="").update(late_reason=REMOVED)
        Appeal.objects.filter(case=case).exclude(explanation="").update(explanation=REMOVED)
        Decision.objects.filter(case=case).update(reasons=REMOVED)
        Decision.objects.filter(case=case).exclude(departure_reason="").update(departure_reason=REMOVED)
        Finding.objects.filter(decision__case=case).update(reasons=REMOVED)
        # A complainant who is not a member must still be named as such (a database rule), so say it was removed.
        case.complainant_name = REMOVED if case.complainant_kind == ComplainantKind.NON_MEMBER else ""
        case.complainant_email = ""
        # A withdrawal's closure reason is free text ("Withdrawn: ..."): keep only how the case ended.
        case.closure_reason = (
            f"{case.closure_reason.partition(':')[0]}." if ":" in case.closure_reason else case.closure_reason
        )
        case.anonymised_at = self.now
        case.save(update_fields=["complainant_name", "complainant_email", "closure_reason", "anonymised_at"])
        search.reindex([case])  # the removed words must not find the case any more
        self._timeline(
            case,
            EventKind.RECORDS_ANONYMISED,
            f"Personal details in this case anonymised ({reason}).",
            {"kind": kind.value},
        )
        self._audit(entry, _parties(case), f"Personal details in {case.reference} anonymised: {reason}.")

    # Members ---------------------------------------------------------------------------------------------------

    def anonymise_member(self, member: Member, kind: RecordKind, reason: str) -> None:
        """Name and email go; the membership number stays, so the organisation's own records still line up."""
        records = list(SpecialCategoryRecord.objects.filter(member=member).order_by("pk"))
        for record in records:
            entry = Removed(kind, "special_category_record", record.pk, "", "deleted", reason)
            self.removed.append(entry)
            if not self.dry_run:
                record.delete()
                self._audit(
                    entry,
                    [member.pk],
                    f"Special-category record {entry.object_id} of member {member.membership_number} deleted: "
                    f"{reason}.",
                    category=record.category,
                )
        self.blank_emails(not_blanked(OutgoingEmail.objects.filter(member=member)), kind, reason)
        entry = Removed(kind, "member", member.pk, "", "anonymised", reason)
        self.removed.append(entry)
        if self.dry_run:
            return
        prefix = "Former member" if member.left_on else "Anonymised member"
        member.name = f"{prefix} {member.membership_number}"
        member.email = ""
        member.anonymised_at = self.now
        member.save(update_fields=["name", "email", "anonymised_at"])
        search.reindex(cases_of(member).select_related("respondent", "complainant_member"))
        account = self._close_member_account(member)
        self._audit(
            entry,
            [member.pk],
            f"Member {member.membership_number} anonymised: {reason}.",
            account=account,
        )

    def _close_member_account(self, member: Member) -> str:
        """A member-only account holds the same personal details, so it is cleared and can no longer sign in.
        A staff account is left to the administrators: closing it here could lock someone out of their work."""
        account = User.objects.filter(member=member).first()
        if account is None:
            return "none"
        if account.roles() - {Role.MEMBER}:
            return "kept: staff account"
        account.first_name = account.last_name = account.email = ""
        account.is_active = False
        account.set_unusable_password()
        account.save(update_fields=["first_name", "last_name", "email", "is_active", "password"])
        return "closed"

    # Emails ----------------------------------------------------------------------------------------------------

    def blank_emails(self, emails: QuerySet[OutgoingEmail], kind: RecordKind, reason: str) -> None:
        """Blank each email's address, subject and words (and the server's last answer, which often quotes the
        address). The row stays, with its kind, case, dates and status, so the record still shows that an email
        went and when. One still waiting is given up with the reason, so the worker never sends it."""
        for email in emails.select_related("case").order_by("pk"):
            reference = email.case.reference if email.case is not None else ""
            entry = Removed(kind, "outgoing_email", email.pk, reference, "anonymised", reason)
            self.removed.append(entry)
            if self.dry_run:
                continue
            # Given up only if still pending at this moment: a worker marking it sent meanwhile wins, and then it
            # is blanked as sent. A worker holding it from here on cannot mark it sent (that needs it pending).
            stopped = bool(
                OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.PENDING).update(
                    status=EmailStatus.GAVE_UP, gave_up_at=self.now
                )
            )
            OutgoingEmail.objects.filter(pk=email.pk).update(
                recipient="",
                subject=REMOVED,
                body=REMOVED,
                last_error=f"not sent: the recipient's details were removed ({reason})" if stopped else "",
                claimed_until=None,
                claim_token="",
            )
            where = f" in {reference}" if reference else ""
            self._audit(
                entry,
                [email.member_id],
                f"Outgoing email {email.pk}{where} anonymised{' and not sent' if stopped else ''}: {reason}.",
                email_kind=email.kind,
                not_sent=stopped,
            )

    def delete_email(self, email: OutgoingEmail, kind: RecordKind, reason: str) -> None:
        """Delete an email about no case whose period is over (the audit log keeps that it was sent)."""
        entry = Removed(kind, "outgoing_email", email.pk, "", "deleted", reason)
        self.removed.append(entry)
        if self.dry_run:
            return
        member_id, email_kind = email.member_id, email.kind
        email.delete()
        self._audit(entry, [member_id], f"Outgoing email {entry.object_id} deleted: {reason}.", email_kind=email_kind)

    # Requests --------------------------------------------------------------------------------------------------

    def delete_request(self, request, kind: RecordKind, object_type: str, reason: str) -> None:
        entry = Removed(kind, object_type, request.pk, "", "deleted", reason)
        self.removed.append(entry)
        if self.dry_run:
            return
        member_id = request.member_id
        request.delete()
        self._audit(entry, [member_id], f"{entry.name.capitalize()} deleted: {reason}.")

    # -----------------------------------------------------------------------------------------------------------

    def finish(self) -> None:
        """Delete the encrypted files no longer used. Call it last inside the transaction (see the module note)."""
        if not self._blobs:
            return
        vault = self.vault or default_vault()
        for blob_name in self._blobs:
            vault.delete(blob_name)
        self._blobs.clear()


def not_blanked(emails: QuerySet[OutgoingEmail]) -> QuerySet[OutgoingEmail]:
    """The emails not blanked yet, so that removing twice removes nothing the second time."""
    return emails.exclude(recipient="", subject=REMOVED, body=REMOVED)


def cases_of(member: Member):
    """The cases a member is a party to, as respondent or as the complaining member."""
    return Case.objects.filter(Q(respondent=member) | Q(complainant_member=member))
