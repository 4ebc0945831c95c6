"""The evidence bundle served with a notice of allegations: one document, and a zip of the files with their hashes.

A bundle shows exactly what the notice served: every allegation, with the clause of the rulebook version that
governs the case, and the evidence relied on for it (REQ 14, 15). Evidence the notice does not list is never in it,
so a bundle cannot disclose more than was served, nor less. The zip carries each file decrypted from the vault,
checked against the SHA-256 recorded when it was added, and a manifest of hashes, so the respondent, a panel or an
auditor can later show that the files in their hands are the ones that were served.

A bundle is built from the notice alone, and its zip entries are dated at the moment of service, so exporting the
same notice twice gives the same bytes (unless an item has since been erased) and its hash can be compared.

Rendering (`notice_bundle_html`) neither checks nor records anything; whatever hands a bundle to a person goes
through `export_notice_bundle_html` or `notice_bundle_zip`, which check who is asking and write the export to the
audit log.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from fairhearing.access.policy import may_export_bundle
from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.cases.models import Case, EvidenceItem, Notice
from fairhearing.evidence.sniffing import EXTENSION_TYPES, type_name
from fairhearing.evidence.vault import Vault, VaultError, default_vault
from fairhearing.formatting import long_date
from fairhearing.procedure import deadlines
from fairhearing.procedure.admissibility import Attribution, Provenance, Visibility
from fairhearing.procedure.rulebook import Rulebook

BUNDLE_NAME = "bundle.html"
MANIFEST_NAME = "manifest.json"
FILES_DIR = "files"
MANIFEST_FORMAT = "fairhearing evidence bundle 1"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 100


class BundleError(Exception):
    """A bundle cannot be produced; the message says why, in words for whoever asked for it."""


class NoNotice(BundleError):
    """The case has no notice of allegations, so there is nothing served to bundle."""


class BundleNotFound(BundleError, LookupError):
    """No such case, or this person may not have its bundle: the two look the same on purpose."""


class BundleDamaged(BundleError):
    """A stored file is missing, damaged, or no longer matches the hash recorded when it was added."""


@dataclass(frozen=True)
class CommandLine:
    """The administrator running `fairhearing bundle` on the server.

    Whoever can run the command there can already read the database and the evidence key, so no role is checked;
    the export is still written to the audit log, with no user and the operating-system account that ran it.
    """

    label: str = "command line"


COMMAND_LINE = CommandLine()
Requester = User | CommandLine


@dataclass
class ItemEntry:
    """An evidence item as the bundle shows it."""

    item: EvidenceItem
    zip_path: str  # where its file is in the zip; empty when it has no file or its content was erased
    allegations: list[tuple[int, str]] = field(default_factory=list)  # (allegation number, clause id)

    @property
    def erased(self) -> bool:
        return self.item.erased_at is not None


@dataclass
class AllegationEntry:
    number: int
    clause_id: str
    clause_title: str
    clause_text: str
    particulars: str
    conduct_date: date
    items: list[ItemEntry]


@dataclass
class Contents:
    """Everything a bundle shows, gathered once so the document and the zip cannot disagree."""

    case: Case
    notice: Notice
    rulebook: Rulebook
    allegations: list[AllegationEntry]
    items: list[ItemEntry]  # each item once, in the order first relied on

    @property
    def response_due(self) -> date:
        return deadlines.response_due(self.rulebook, self.notice.served_on)

    @property
    def earliest_hearing(self) -> date:
        return deadlines.earliest_hearing(self.rulebook, self.notice.served_on)


def safe_file_name(name: str, media_type: str = "") -> str:
    """A name that is safe in a zip on any system: ASCII letters, digits, dot, dash and underscore only.

    The original name is only a label given by whoever uploaded the file; it is kept as written in the manifest
    and the document, and here reduced so that no archive tool can read it as a folder or a hidden file.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE_NAME.sub("_", ascii_name).strip("._-") or "file"
    suffix = PurePosixPath(cleaned).suffix
    if not 1 < len(suffix) <= 10:
        suffix = ""
    stem = cleaned.removesuffix(suffix)[: _MAX_NAME - len(suffix)] or "file"
    if not suffix:
        # A name without an extension gets one from the type its content showed, so the file opens.
        suffix = next((ext for ext, kind in EXTENSION_TYPES.items() if kind == media_type), "")
    return f"{stem}{suffix}"


def _zip_path(item: EvidenceItem) -> str:
    if item.stored_file_id is None or item.erased_at is not None:
        return ""
    return f"{FILES_DIR}/{item.pk}-{safe_file_name(item.original_name, item.media_type)}"


def gather(case: Case) -> Contents:
    """What the notice served, read fresh from the database; raise `NoNotice` if there is none."""
    case = Case.objects.select_related("rulebook_version", "respondent", "body").get(pk=case.pk)
    notice = Notice.objects.filter(case=case).first()
    if notice is None:
        raise NoNotice(
            f"case {case.reference} has no notice of allegations yet, so it has no evidence bundle: "
            "a bundle is the evidence served with the notice"
        )
    rulebook = case.rulebook_version.rulebook
    relied_on: dict[int, list[EvidenceItem]] = {}
    for row in notice.evidence_relied_on.select_related("evidence").order_by("evidence__added_at", "evidence_id"):
        relied_on.setdefault(row.allegation_id, []).append(row.evidence)
    entries: dict[int, ItemEntry] = {}
    allegations = []
    for number, allegation in enumerate(case.allegations.order_by("id"), start=1):
        try:
            clause = rulebook.clause(allegation.clause)
            title, text = clause.title, clause.text
        except KeyError:
            # Cannot happen for a case opened through the services; say so rather than fail to disclose the rest.
            title, text = "(not in this rulebook version)", ""
        items = []
        for item in relied_on.get(allegation.pk, []):
            entry = entries.setdefault(item.pk, ItemEntry(item, _zip_path(item)))
            entry.allegations.append((number, allegation.clause))
            items.append(entry)
        allegations.append(
            AllegationEntry(
                number, allegation.clause, title, text, allegation.particulars, allegation.conduct_date, items
            )
        )
    return Contents(case, notice, rulebook, allegations, list(entries.values()))


def _moment(value: datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{long_date(local.date())}, {local:%H:%M} ({local:%Z})"


def _item_view(entry: ItemEntry) -> dict[str, object]:
    """The item's record as plain text values; the template escapes every one of them."""
    item = entry.item
    attribution = Attribution(item.attribution)
    visibility = Visibility(item.visibility)
    view: dict[str, object] = {
        "number": item.pk,
        "kind": item.get_kind_display(),
        "description": item.description,
        "provenance": Provenance(item.provenance).label,
        "attribution": attribution.label if attribution != Attribution.NOT_APPLICABLE else "",
        "attribution_method": item.attribution_method,
        "visibility": visibility.label if visibility != Visibility.NOT_APPLICABLE else "",
        "original_source": item.original_source,
        "captured_at": _moment(item.captured_at),
        "captured_by": item.captured_by,
        "content_date": long_date(item.content_date) if item.content_date else "",
        "lawful_basis": item.lawful_basis,
        "admissibility": (
            f"Admitted by the data protection officer's ruling on {long_date(timezone.localdate(item.ruled_at))}"
            if item.ruled_at
            else "Admissible as added"
        ),
        "flags": list(item.flags),
        "allegations": ", ".join(f"allegation {n} (clause {clause})" for n, clause in entry.allegations),
        "erased": _moment(item.erased_at) if entry.erased else "",
        "sha256": "",
        "file_name": "",
        "file_size": "",
        "media_type": "",
        "zip_path": "",
        "text": "",
        "source_url": "",
    }
    if not entry.erased:
        view |= {
            "text": item.text,
            # Shown as text, never as a link: a recorded address is evidence, not something to follow from here.
            "source_url": item.source_url,
        }
        if item.stored_file_id is not None:
            view |= {
                "sha256": item.sha256,
                "file_name": item.original_name,
                "file_size": f"{item.size:,} bytes" if item.size is not None else "",
                "media_type": type_name(item.media_type),
                "zip_path": entry.zip_path,
            }
    return view


def _context(contents: Contents) -> dict[str, object]:
    rulebook, case, notice = contents.rulebook, contents.case, contents.notice
    sanctions = [
        {
            "name": s.name,
            "description": s.description,
            "limit": f"for up to {s.max_months} months" if s.time_limited and s.max_months else "",
        }
        for s in rulebook.sanctions
    ]
    names = {s.id: s.name for s in rulebook.sanctions}
    guidelines = rulebook.guidelines
    grid = [
        {
            "culpability": c.name,
            "cells": [
                {
                    "starting_point": names[cell.starting_point],
                    "lowest": names[cell.range[0]],
                    "highest": names[cell.range[1]],
                }
                for h in guidelines.harm
                for cell in [guidelines.cell(c.id, h.id)]
            ],
        }
        for c in guidelines.culpability
    ]
    return {
        "organisation": rulebook.rulebook.organisation,
        "rulebook_version": rulebook.version,
        "rulebook_title": rulebook.rulebook.title,
        "reference": case.reference,
        "respondent": case.respondent.name,
        "membership_number": case.respondent.membership_number,
        "body": case.body.name,
        "served_on": long_date(notice.served_on),
        "response_due": long_date(contents.response_due),
        "respond_days": rulebook.time_limits.respond_days,
        "earliest_hearing": long_date(contents.earliest_hearing),
        "notice_working_days": rulebook.time_limits.notice_before_hearing_working_days,
        "appeal_days": rulebook.time_limits.appeal_days,
        "sanctions": sanctions,
        "mildest": rulebook.sanctions[0].name,
        "most_severe": rulebook.sanctions[-1].name,
        "harm_levels": [h.name for h in guidelines.harm],
        "culpability_levels": [{"name": c.name, "description": c.description} for c in guidelines.culpability],
        "harm_descriptions": [{"name": h.name, "description": h.description} for h in guidelines.harm],
        "grid": grid,
        "allegations": [
            {
                "number": a.number,
                "clause_id": a.clause_id,
                "clause_title": a.clause_title,
                "clause_text": a.clause_text,
                "particulars": a.particulars,
                "conduct_date": long_date(a.conduct_date),
                "items": [_item_view(entry) for entry in a.items],
            }
            for a in contents.allegations
        ],
        "item_count": len(contents.items),
    }


def _render(contents: Contents) -> str:
    # Django's template engine escapes every value; nothing in the template is marked safe.
    return render_to_string("evidence/bundle.html", _context(contents))


def notice_bundle_html(case: Case) -> str:
    """The bundle as one self-contained, printable HTML document. Renders only: see the module's note."""
    return _render(gather(case))


def _check_requester(case: Case, requester: Requester) -> Case:
    """The case, if `requester` may have its bundle; otherwise `BundleNotFound`, as if there were no such case."""
    try:
        case = Case.objects.get(pk=case.pk)
    except Case.DoesNotExist as exc:
        raise BundleNotFound(f"no case {case.reference}") from exc
    if isinstance(requester, CommandLine):
        return case
    if not may_export_bundle(requester, case):
        raise BundleNotFound(f"no case {case.reference}")
    return case


def _record_export(contents: Contents, requester: Requester, what: str, data: dict[str, object]) -> None:
    case = contents.case
    user = None if isinstance(requester, CommandLine) else requester
    where = ""
    if isinstance(requester, CommandLine):
        data = data | {"via": requester.label, "os_user": _os_user()}
        where = " at the command line"
    with transaction.atomic():
        audit.record(
            user,
            "evidence.bundle_exported",
            "notice",
            contents.notice.pk,
            summary=f"Evidence bundle ({what}) of the notice in {case.reference} exported{where}.",
            case_reference=case.reference,
            subjects=[case.respondent_id, case.complainant_member_id],
            data=data | {"evidence": [entry.item.pk for entry in contents.items]},
            label=f"{requester.label} ({data['os_user']})" if isinstance(requester, CommandLine) else None,
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this process's user id, e.g. in some containers
        return ""


def export_notice_bundle_html(case: Case, requester: Requester) -> str:
    """The bundle document for someone allowed to have it; the export is on the audit log."""
    case = _check_requester(case, requester)
    contents = gather(case)
    html = _render(contents)
    _record_export(
        contents, requester, "document", {"format": "html", "sha256": hashlib.sha256(html.encode()).hexdigest()}
    )
    return html


def _read_checked(item: EvidenceItem, vault: Vault) -> bytes:
    """The decrypted file, refused unless it is byte for byte the file recorded when the item was added."""
    try:
        data = vault.get(item.stored_file.blob_name)
    except VaultError as exc:
        raise BundleDamaged(
            f"the file of evidence item {item.pk} cannot be read ({exc}); no bundle was made. "
            "Restore the evidence directory from a backup, with the key it was encrypted under."
        ) from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != item.sha256 or (item.size is not None and len(data) != item.size):
        raise BundleDamaged(
            f"the file of evidence item {item.pk} no longer matches the hash recorded when it was added "
            f"(recorded SHA-256 {item.sha256}, stored file {digest}); no bundle was made. "
            "Restore the evidence directory from a backup."
        )
    return data


def _zip_moment(moment: datetime) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(moment)
    return max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second


def _add(archive: zipfile.ZipFile, name: str, data: bytes, moment: tuple[int, int, int, int, int, int]) -> None:
    info = zipfile.ZipInfo(name, date_time=moment)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16  # personal data: readable by its owner only when unpacked
    archive.writestr(info, data)


def build_zip(contents: Contents, vault: Vault) -> bytes:
    """The zip of a gathered bundle; raise `BundleDamaged` before anything is returned if a file is wrong."""
    html = _render(contents).encode("utf-8")
    files: list[tuple[ItemEntry, bytes]] = []
    for entry in contents.items:
        if entry.zip_path:
            files.append((entry, _read_checked(entry.item, vault)))
    manifest = {
        "format": MANIFEST_FORMAT,
        "case": contents.case.reference,
        "rulebook_version": contents.rulebook.version,
        "notice_served_on": contents.notice.served_on.isoformat(),
        "response_due": contents.response_due.isoformat(),
        "hash_algorithm": "sha256",
        "bundle": {"path": BUNDLE_NAME, "sha256": hashlib.sha256(html).hexdigest(), "size": len(html)},
        "files": [
            {
                "path": entry.zip_path,
                "evidence_item": entry.item.pk,
                "original_name": entry.item.original_name,
                "media_type": entry.item.media_type,
                "size": len(data),
                "sha256": entry.item.sha256,
                "relied_on_for": [{"allegation": n, "clause": clause} for n, clause in entry.allegations],
            }
            for entry, data in files
        ],
        "items_without_file": [e.item.pk for e in contents.items if e.item.stored_file_id is None and not e.erased],
        "erased_items": [e.item.pk for e in contents.items if e.erased],
    }
    moment = _zip_moment(contents.notice.served_at)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _add(archive, BUNDLE_NAME, html, moment)
        for entry, data in files:
            _add(archive, entry.zip_path, data, moment)
        _add(archive, MANIFEST_NAME, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode(), moment)
    return buffer.getvalue()


def notice_bundle_zip(case: Case, user: Requester, *, vault: Vault | None = None) -> bytes:
    """The bundle as a zip (bundle.html, files/, manifest.json) for someone allowed to have it; audited."""
    case = _check_requester(case, user)
    contents = gather(case)
    data = build_zip(contents, vault or default_vault())
    _record_export(contents, user, "zip", {"format": "zip", "sha256": hashlib.sha256(data).hexdigest()})
    return data
