"""Adding evidence, ruling on its admissibility, and reading its files. The only code that writes evidence rows.

Every refusal is raised before anything is kept: a refused upload leaves no row and no file behind, because the
encrypted file is written inside the transaction and deleted again if that transaction does not commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from fairhearing.access.policy import may_read_file
from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.cases.casefile_store import acting_on
from fairhearing.cases.models import Admissibility, Case, EventKind, EvidenceItem
from fairhearing.evidence.models import StoredFile
from fairhearing.evidence.sniffing import CheckedUpload, UploadRefused, check_upload
from fairhearing.evidence.vault import Vault, default_vault
from fairhearing.procedure.admissibility import (
    Attribution,
    Facts,
    Provenance,
    Ruling,
    Visibility,
    assess,
    check_facts,
    check_ruling,
    may_add,
)
from fairhearing.procedure.errors import ActionRefused, Refusal


@dataclass(frozen=True)
class Upload:
    """A file as received: the name it was given, and its bytes."""

    name: str
    data: bytes


class EvidenceNotFound(LookupError):
    """The item does not exist, or this person may not see it: the two look the same on purpose."""


def facts_of(item: EvidenceItem) -> Facts:
    return Facts(
        provenance=Provenance(item.provenance),
        attribution=Attribution(item.attribution),
        attribution_method=item.attribution_method,
        visibility=Visibility(item.visibility),
        source_url=item.source_url,
        original_source=item.original_source,
        captured_on=timezone.localdate(item.captured_at) if item.captured_at else None,
        captured_by=item.captured_by,
        lawful_basis=item.lawful_basis,
        content_date=item.content_date,
    )


def _check_file(upload: Upload) -> CheckedUpload:
    try:
        return check_upload(
            upload.name,
            upload.data,
            max_bytes=settings.FAIRHEARING_EVIDENCE_MAX_BYTES,
            allowed=settings.FAIRHEARING_EVIDENCE_MEDIA_TYPES,
        )
    except UploadRefused as exc:
        raise ActionRefused([Refusal("file", str(exc))]) from exc


def _store(checked: CheckedUpload, vault: Vault, written: list[str], now: datetime) -> StoredFile:
    """The stored file with this content: the existing one if any (a duplicate is linked, not stored twice)."""
    existing = StoredFile.objects.filter(sha256=checked.sha256).first()
    if existing is not None:
        return existing
    blob_name = vault.put(checked.data)
    written.append(blob_name)
    try:
        with transaction.atomic():
            return StoredFile.objects.create(
                sha256=checked.sha256,
                size=checked.size,
                media_type=checked.media_type,
                blob_name=blob_name,
                key_id=vault.key_id,
                stored_at=now,
            )
    except IntegrityError:
        # Someone stored the same content a moment ago: use theirs.
        return StoredFile.objects.get(sha256=checked.sha256)


def add_evidence(
    case: Case,
    user: User,
    *,
    kind: str,
    description: str,
    facts: Facts,
    upload: Upload | None = None,
    text: str = "",
    captured_at: datetime | None = None,
    now: datetime | None = None,
    vault: Vault | None = None,
) -> EvidenceItem:
    """Record an item of evidence with its provenance, attribution and admissibility as the rulebook decides."""
    refusals: list[Refusal] = []
    if not description.strip():
        refusals.append(Refusal("description", "describe the evidence"))
    if upload is None and not text.strip() and not facts.source_url.strip():
        refusals.append(Refusal("content", "give a file, a web address or the text of the evidence"))
    checked = None
    if upload is not None:
        try:
            checked = _check_file(upload)
        except ActionRefused as exc:
            refusals += exc.refusals
    if refusals:
        raise ActionRefused(refusals)
    vault = vault or default_vault()
    written: list[str] = []
    try:
        with acting_on(case, user, now) as a:
            refusals = may_add(
                a.actor.roles, a.actor.member_id == a.case.respondent_id, facts, a.file.stage.is_open
            ) + check_facts(facts, a.today)
            if checked is not None:
                duplicate = a.case.evidence.filter(sha256=checked.sha256).first()
                if duplicate is not None:
                    refusals.append(Refusal("file", f"this file is already evidence item {duplicate.pk} in this case"))
            if refusals:
                raise ActionRefused(refusals)
            assessment = assess(
                a.rulebook.evidence_policy,
                facts,
                conduct_dates=[allegation.conduct_date for allegation in a.file.allegations],
                received_on=timezone.localdate(a.case.received_at),
            )
            stored = _store(checked, vault, written, a.now) if checked is not None else None
            item = EvidenceItem.objects.create(
                case=a.case,
                kind=kind,
                description=description.strip(),
                text=text,
                source_url=facts.source_url,
                original_source=facts.original_source,
                captured_at=captured_at,
                captured_by=facts.captured_by,
                content_date=facts.content_date,
                visibility=facts.visibility,
                lawful_basis=facts.lawful_basis,
                provenance=facts.provenance,
                attribution=facts.attribution,
                attribution_method=facts.attribution_method,
                stored_file=stored,
                original_name=checked.name if checked else "",
                sha256=checked.sha256 if checked else "",
                size=checked.size if checked else None,
                media_type=checked.media_type if checked else "",
                admissibility=Admissibility.ADMITTED if assessment.admitted_on_entry else Admissibility.PENDING,
                ruling_needed=list(assessment.ruling_needed),
                flags=list(assessment.flags),
                added_by=user,
                added_at=a.now,
            )
            status = (
                "admissible as added"
                if assessment.admitted_on_entry
                else "awaiting the data protection officer's ruling (" + "; ".join(assessment.ruling_needed) + ")"
            )
            a.record(
                EventKind.EVIDENCE_ADDED,
                f"Evidence item {item.pk} added ({item.get_kind_display().lower()}, "
                f"{facts.provenance.label.lower()}): {status}.",
                {"evidence": item.pk, "sha256": item.sha256},
            )
            audit.record(
                user,
                "evidence.added",
                "evidence_item",
                item.pk,
                summary=f"Evidence item {item.pk} added to {a.case.reference}.",
                case_reference=a.case.reference,
                subjects=[a.case.respondent_id, a.case.complainant_member_id],
                data={"sha256": item.sha256, "admissibility": item.admissibility},
                at=a.now,
            )
    except BaseException:
        for blob_name in written:
            vault.delete(blob_name)
        raise
    return item


def rule_on_evidence(
    item: EvidenceItem, user: User, *, ruling: Ruling, reason: str, now: datetime | None = None
) -> EvidenceItem:
    """The DPO admits or excludes a pending item, with written reasons (REQ 28, 29, 31)."""
    with acting_on(item.case, user, now) as a:
        item = EvidenceItem.objects.select_for_update().get(pk=item.pk, case=a.case)
        check_ruling(
            a.rulebook.evidence_policy,
            facts_of(item),
            roles=a.actor.roles,
            pending=item.admissibility == Admissibility.PENDING,
            ruling=ruling,
            reason=reason,
        )
        item.admissibility = Admissibility.ADMITTED if ruling == Ruling.ADMIT else Admissibility.EXCLUDED
        item.ruled_by, item.ruled_at, item.ruling_reason = user, a.now, reason.strip()
        item.save(update_fields=["admissibility", "ruled_by", "ruled_at", "ruling_reason"])
        verb = "admitted" if ruling == Ruling.ADMIT else "excluded"
        a.record(
            EventKind.EVIDENCE_RULED,
            f"Evidence item {item.pk} {verb} by the data protection officer: {reason.strip()}",
            {"evidence": item.pk, "ruling": ruling.value},
        )
        audit.record(
            user,
            f"evidence.{verb}",
            "evidence_item",
            item.pk,
            summary=f"Evidence item {item.pk} in {a.case.reference} {verb}.",
            case_reference=a.case.reference,
            subjects=[a.case.respondent_id, a.case.complainant_member_id],
            at=a.now,
        )
    return item


def read_evidence_file(item: EvidenceItem, user: User, *, vault: Vault | None = None) -> bytes:
    """The decrypted file, for someone allowed to see it; every read is on the audit log."""
    if item.stored_file is None or not may_read_file(user, item):
        raise EvidenceNotFound(f"no evidence file {item.pk}")
    data = (vault or default_vault()).get(item.stored_file.blob_name)
    with transaction.atomic():
        audit.record(
            user,
            "evidence.file_read",
            "evidence_item",
            item.pk,
            summary=f"File of evidence item {item.pk} in {item.case.reference} opened.",
            case_reference=item.case.reference,
            subjects=[item.case.respondent_id, item.case.complainant_member_id],
        )
    return data
