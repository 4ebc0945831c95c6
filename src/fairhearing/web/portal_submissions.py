"""What a member sends through the portal, kept in one transaction: all of it, or nothing.

A reply with files is one act for the member, so it is one transaction here: the response service, then the
evidence service once per file. If anything is refused, the transaction rolls back - and since an evidence file is
written to the vault before its row, the encrypted files of the items already added are deleted too (the evidence
service cleans up only after its own failure, not after a rollback around it that comes later).

"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.cases.models import Case
from fairhearing.cases.services import lodge_appeal, record_response
from fairhearing.evidence.services import Upload, add_evidence
from fairhearing.evidence.vault import Vault, default_vault
from fairhearing.organisation.models import Member
from fairhearing.privacy.subject_access import export_subject_access, request_subject_access
from fairhearing.procedure.admissibility import Facts, Provenance
from fairhearing.procedure.errors import ActionRefused
from fairhearing.web.portal_forms import Attachment
from fairhearing.web.portal_selectors import PartyCase

RESPONDENT_SUPPLIED = Facts(provenance=Provenance.RESPONDENT)


class RecordingVault(Vault):
    """The installation's vault, remembering each blob it writes so a rollback can delete them again."""

    def __init__(self, inner: Vault) -> None:
        self.__dict__.update(inner.__dict__)
        self.written: list[str] = []

    def put(self, data: bytes) -> str:
        blob_name = super().put(data)
        self.written.append(blob_name)
        return blob_name


@contextmanager
def _all_or_nothing() -> Iterator[RecordingVault]:
    vault = RecordingVault(default_vault())
    try:
        with transaction.atomic():
            yield vault
    except BaseException:
        for blob_name in vault.written:
            vault.delete(blob_name)
        raise


class FileRefused(Exception):
    """An evidence service refusal, with the attachment it was about (so the page can put it on that field)."""

    def __init__(self, attachment: Attachment, refused: ActionRefused) -> None:
        super().__init__(str(refused))
        self.attachment = attachment
        self.refused = refused


def submit_response(case: Case, user: User, *, response: str, attachments: Sequence[Attachment]) -> None:
    """Record the reply and every file with it; raise `ActionRefused` or `FileRefused` and keep nothing."""
    with _all_or_nothing() as vault:
        # The reply first: if the procedure refuses it, no file is even written.
        record_response(case, user, response=response)
        for attachment in attachments:
            try:
                add_evidence(
                    case,
                    user,
                    kind=attachment.kind,
                    description=attachment.description,
                    facts=RESPONDENT_SUPPLIED,
                    upload=Upload(attachment.name, attachment.data),
                    vault=vault,
                )
            except ActionRefused as refused:
                raise FileRefused(attachment, refused) from refused


def submit_appeal(case: Case, user: User, *, grounds: Sequence[str], explanation: str, late_reason: str = "") -> None:
    """Lodge the appeal and keep the member's explanation with it; raise `ActionRefused` and keep nothing."""
    lodge_appeal(case, user, grounds=grounds, explanation=explanation, late_reason=late_reason)


def record_case_view(user: User, pc: PartyCase, now: datetime, *, through: str) -> None:
    """A member's view of their own case goes on the log as a staff view does (REQ: every view of a case is
    recorded); `through` says where: "the member portal" or "the API"."""
    case = pc.case
    audit.record(
        user,
        "portal.case_viewed",
        "case",
        case.pk,
        summary=f"{case.reference} viewed through {through} by its {pc.party.value}.",
        case_reference=case.reference,
        subjects=[case.respondent_id, case.complainant_member_id],
        data={"as": pc.party.value} | ({"via": "api"} if through == "the API" else {}),
        at=now,
    )


def record_cases_listed(user: User, member: Member, cases: Sequence[PartyCase], now: datetime, *, through: str) -> None:
    """Looking at one's list of cases is a view of them, and views go on the log too."""
    audit.record(
        user,
        "portal.viewed",
        "member",
        member.pk,
        summary=f"A member listed their cases through {through}.",
        subjects=[member.pk],
        data={"cases": [pc.case.reference for pc in cases]} | ({"via": "api"} if through == "the API" else {}),
        at=now,
    )


def own_data_download(member: Member, user: User) -> HttpResponse:
    """The member's own data as a zip: asked for and answered in one step, as one transaction. Marked no-store:
    neither a cache nor the API's store of idempotent answers may keep it."""
    now = timezone.now()
    with transaction.atomic():
        sar = request_subject_access(member, user, now=now)
        archive = export_subject_access(sar, user, now=now)
    name = f"my-data-{member.membership_number}-{timezone.localdate(now).isoformat()}.zip"
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    patch_cache_control(response, no_store=True, private=True)
    return response
