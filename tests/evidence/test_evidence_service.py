"""Adding evidence: refused uploads leave nothing behind, duplicates are stored once, files are unreadable without
the key, and evidence waiting for the DPO cannot be cited until admitted with reasons."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from fairhearing.audit.models import AuditEvent
from fairhearing.cases import services
from fairhearing.cases.models import Admissibility, EventKind, EvidenceItem, EvidenceKind
from fairhearing.demo import files
from fairhearing.evidence import services as evidence
from fairhearing.evidence.models import StoredFile
from fairhearing.evidence.vault import Vault, VaultError, decode_key, default_vault, new_key_text
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.admissibility import Attribution, Facts, Provenance, Ruling, Visibility
from fairhearing.procedure.errors import ActionRefused
from tests.evidence.casework import COMPLAINANT, MONITORED, PDF, PNG, SECRET_TEXT, add, later, open_case

pytestmark = pytest.mark.django_db


def on_disk(vault_dir: Path) -> list[Path]:
    return sorted(p for p in vault_dir.rglob("*") if p.is_file()) if vault_dir.exists() else []


def nothing_kept(case, vault_dir) -> bool:
    return (
        not on_disk(vault_dir)
        and not EvidenceItem.objects.filter(case=case).exists()
        and not StoredFile.objects.exists()
        and not case.timeline.filter(kind=EventKind.EVIDENCE_ADDED).exists()
        and not AuditEvent.objects.filter(action="evidence.added").exists()
    )


def test_an_upload_is_recorded_with_hash_size_detected_type_and_who_added_it(org, vault_dir):
    case = open_case(org)
    item = add(org, case)
    assert item.media_type == "image/png" and item.size == len(PNG) and item.original_name == "screenshot.png"
    import hashlib

    assert item.sha256 == hashlib.sha256(PNG).hexdigest() == item.stored_file.sha256
    assert item.added_by == org.users["officer"] and item.added_at == later(2)
    assert item.admissibility == Admissibility.ADMITTED  # from the complainant, no account in doubt
    event = case.timeline.get(kind=EventKind.EVIDENCE_ADDED)
    assert event.summary == (
        f"Evidence item {item.pk} added (screenshot, submitted by the complainant): admissible as added."
    )
    assert AuditEvent.objects.get(action="evidence.added").subject_member_ids == sorted(
        [org.members["mp"].pk, org.members["complainant"].pk]
    )
    # Stored under a generated name, not the file's name or its hash.
    [blob] = on_disk(vault_dir)
    assert blob.name == item.stored_file.blob_name and "screenshot" not in str(blob) and item.sha256 not in str(blob)


def test_files_on_disk_cannot_be_read_without_the_key(org, vault_dir):
    case = open_case(org)
    item = evidence.add_evidence(
        case,
        org.users["officer"],
        kind=EvidenceKind.TEXT,
        description="Message",
        facts=COMPLAINANT,
        upload=evidence.Upload("message.txt", SECRET_TEXT),
        now=later(2),
    )
    [blob] = on_disk(vault_dir)
    raw = blob.read_bytes()
    assert SECRET_TEXT not in raw and b"behind the branch office" not in raw
    assert blob.stat().st_mode & 0o077 == 0  # owner-only
    assert default_vault().get(item.stored_file.blob_name) == SECRET_TEXT
    stranger = Vault(vault_dir, decode_key(new_key_text()))
    with pytest.raises(VaultError, match="sealed under another key"):
        stranger.get(item.stored_file.blob_name)
    # A blob copied under another item's name does not open as that item: the name is bound to the content.
    other = add(org, case)
    Path(blob.parent.parent / other.stored_file.blob_name[:2] / other.stored_file.blob_name).write_bytes(raw)
    with pytest.raises(VaultError):
        default_vault().get(other.stored_file.blob_name)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("minutes.pdf", PNG, "the file is named as a PDF document, but its content is a PNG image"),
        ("photo.png", b"\xde\xad\xbe\xef" * 64, "cannot be recognised from its content"),
        ("empty.png", b"", "the file is empty"),
        ("../../etc/passwd.png", PNG, "the file name must be a plain name, without folders"),
        ("..\\..\\evil.png", PNG, "the file name must be a plain name, without folders"),
        ("shot\x00.png", PNG, "the file name contains control characters"),
        ("archive.zip", _zip := (lambda: None), "a zip archive cannot be uploaded as evidence"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_leave_nothing(org, vault_dir, name, data, message):
    case = open_case(org)
    if callable(data):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("a.txt", "x")
        data = buffer.getvalue()
    with pytest.raises(ActionRefused, match=message) as refused:
        add(org, case, name=name, data=data)
    assert refused.value.guards == {"file"}
    assert nothing_kept(case, vault_dir)


def test_an_oversized_file_is_refused_before_anything_is_written(org, vault_dir, settings):
    settings.FAIRHEARING_EVIDENCE_MAX_BYTES = len(PDF) - 1
    case = open_case(org)
    with pytest.raises(ActionRefused, match=f"the largest allowed is {len(PDF) - 1:,} bytes"):
        add(org, case, name="minutes.pdf", data=PDF)
    assert nothing_kept(case, vault_dir)


def test_a_type_not_allowed_by_the_settings_is_refused(org, vault_dir, settings):
    settings.FAIRHEARING_EVIDENCE_MEDIA_TYPES = ["application/pdf"]
    case = open_case(org)
    with pytest.raises(ActionRefused, match=r"a PNG image cannot be uploaded as evidence \(allowed: a PDF document\)"):
        add(org, case)
    assert nothing_kept(case, vault_dir)


def test_a_duplicate_is_linked_not_stored_twice(org, vault_dir):
    case, other = open_case(org), open_case(org)
    first = add(org, case)
    with pytest.raises(ActionRefused, match=f"this file is already evidence item {first.pk} in this case"):
        add(org, case, name="same-picture.png")
    assert case.evidence.count() == 1
    # The same file in another case: a second item, one stored file.
    second = add(org, other, name="copy.png")
    assert second.stored_file == first.stored_file and len(on_disk(vault_dir)) == 1
    assert StoredFile.objects.count() == 1


def test_a_failure_after_the_file_was_written_removes_it(org, vault_dir, monkeypatch):
    case = open_case(org)

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(evidence.audit, "record", broken)
    with pytest.raises(RuntimeError):
        add(org, case)
    assert nothing_kept(case, vault_dir)


def test_evidence_needs_a_description_and_some_content_and_an_officer(org, vault_dir):
    case = open_case(org)
    with pytest.raises(ActionRefused) as refused:
        evidence.add_evidence(case, org.users["officer"], kind=EvidenceKind.TEXT, description=" ", facts=COMPLAINANT)
    assert refused.value.guards == {"description", "content"}
    with pytest.raises(ActionRefused, match="only a case officer, or the respondent, may add evidence"):
        add(org, case, user="panellist")
    with pytest.raises(ActionRefused, match="give the legal condition relied on"):
        add(org, case, facts=Facts(provenance=Provenance.COMPLAINANT, visibility=Visibility.PUBLIC, source_url="x"))
    assert nothing_kept(case, vault_dir)


def test_the_respondent_may_add_their_own_evidence(org, vault_dir):
    case = open_case(org)
    with pytest.raises(ActionRefused, match="evidence a respondent adds is recorded as supplied by them"):
        add(org, case, user="mp")
    item = add(org, case, user="mp", facts=Facts(provenance=Provenance.RESPONDENT))
    assert item.admissibility == Admissibility.ADMITTED and item.added_by == org.users["mp"]
    with pytest.raises(ActionRefused, match="only a case officer, or the respondent, may add evidence"):
        add(org, case, user="complainant", name="other.png", data=files.png(b"\x01\x02\x03"))


def test_evidence_waiting_for_the_dpo_cannot_be_cited_until_admitted_with_reasons(org, vault_dir):
    case = open_case(org)
    monitored = add(org, case, facts=MONITORED)
    anonymous = add(
        org,
        case,
        name="anon.png",
        data=files.png(b"\x09\x08\x07"),
        facts=Facts(
            provenance=Provenance.COMPLAINANT,
            attribution=Attribution.ANONYMOUS,
            visibility=Visibility.PUBLIC,
            source_url="https://social.example.net/anon/1",
            captured_on=date(2026, 3, 1),
            captured_by="The complainant",
            lawful_basis="Art. 9(2)(d)",
        ),
    )
    assert monitored.admissibility == anonymous.admissibility == Admissibility.PENDING
    assert monitored.ruling_needed == ["obtained by systematic monitoring or bulk collection"]
    allegation = case.allegations.get()
    officer, dpo = org.users["officer"], org.users["dpo"]
    for item in (monitored, anonymous):
        with pytest.raises(ActionRefused, match=f"evidence item {item.pk} has not been admitted"):
            services.issue_notice(case, officer, evidence={allegation.pk: {item.pk}}, now=later(3))
    # Only the DPO rules, and never without reasons.
    with pytest.raises(ActionRefused, match="only the data protection officer may rule on evidence"):
        evidence.rule_on_evidence(monitored, officer, ruling=Ruling.ADMIT, reason="Looks relevant.")
    with pytest.raises(ActionRefused, match="a ruling needs written reasons"):
        evidence.rule_on_evidence(monitored, dpo, ruling=Ruling.ADMIT, reason="  ")
    monitored.refresh_from_db()
    assert monitored.admissibility == Admissibility.PENDING and not monitored.ruling_reason
    evidence.rule_on_evidence(monitored, dpo, ruling=Ruling.ADMIT, reason="Public post, within the DPIA.", now=later(3))
    evidence.rule_on_evidence(anonymous, dpo, ruling=Ruling.EXCLUDE, reason="Nothing ties the account to the MP.")
    monitored.refresh_from_db()
    assert (monitored.admissibility, monitored.ruled_by, monitored.ruling_reason) == (
        Admissibility.ADMITTED,
        dpo,
        "Public post, within the DPIA.",
    )
    with pytest.raises(ActionRefused, match="this evidence has already been ruled on"):
        evidence.rule_on_evidence(anonymous, dpo, ruling=Ruling.ADMIT, reason="Changed my mind.")
    with pytest.raises(ActionRefused, match=f"evidence item {anonymous.pk} has not been admitted"):
        services.issue_notice(case, officer, evidence={allegation.pk: {anonymous.pk}}, now=later(3))
    services.issue_notice(case, officer, evidence={allegation.pk: {monitored.pk}}, now=later(3))
    assert case.notice.evidence_relied_on.get().evidence == monitored
    summaries = list(case.timeline.filter(kind=EventKind.EVIDENCE_RULED).values_list("summary", flat=True))
    assert summaries == [
        f"Evidence item {monitored.pk} admitted by the data protection officer: Public post, within the DPIA.",
        f"Evidence item {anonymous.pk} excluded by the data protection officer: Nothing ties the account to the MP.",
    ]


def test_a_finding_cannot_rest_only_on_an_account_not_proven_to_be_the_respondents(org, vault_dir):
    case = open_case(org)
    unverified = add(
        org,
        case,
        facts=Facts(
            provenance=Provenance.COMPLAINANT,
            attribution=Attribution.UNVERIFIED,
            visibility=Visibility.PUBLIC,
            source_url="https://social.example.net/post/3",
            captured_on=date(2026, 3, 1),
            captured_by="The complainant",
            lawful_basis="Art. 9(2)(d)",
        ),
    )
    evidence.rule_on_evidence(unverified, org.users["dpo"], ruling=Ruling.ADMIT, reason="Relevant context.")
    allegation = case.allegations.get()
    officer, body_officer = org.users["officer"], org.users["body_officer"]
    services.issue_notice(case, officer, evidence={allegation.pk: {unverified.pk}}, now=later(3))
    services.record_response(case, org.users["mp"], response="That account is not mine.", now=later(10))
    services.form_panel(case, body_officer, members=org.seats["ndp"][:3], now=later(11))
    services.schedule_hearing(case, body_officer, hearing_on=date(2026, 3, 25), now=later(12))
    finding = wf.Finding(allegation.pk, True, "Proven.", frozenset({unverified.pk}))
    with pytest.raises(ActionRefused, match="rests only on accounts not proven to be the respondent's"):
        services.record_decision(
            case,
            org.users["panellist"],
            findings=[finding],
            sanction="warning",
            culpability="C",
            harm="3",
            now=later(23),
        )


def test_old_conduct_is_flagged_on_the_item(org, vault_dir):
    case = open_case(org)
    item = add(org, case, facts=Facts(provenance=Provenance.COMPLAINANT, content_date=date(2015, 5, 1)))
    assert item.flags == [
        "concerns conduct on 2015-05-01, older than the limitation period of 2190 days before the complaint"
    ]


def test_reading_a_file_is_allowed_by_role_and_audited(org, vault_dir):
    case = open_case(org)
    item = add(org, case)
    assert evidence.read_evidence_file(item, org.users["dpo"]) == PNG
    assert AuditEvent.objects.filter(action="evidence.file_read", object_id=str(item.pk)).count() == 1
    # Not served on the respondent yet, and never any business of another member or an unrelated panellist.
    for who in ("mp", "panellist"):
        with pytest.raises(evidence.EvidenceNotFound):
            evidence.read_evidence_file(item, org.users[who])
    services.issue_notice(case, org.users["officer"], evidence={case.allegations.get().pk: {item.pk}}, now=later(3))
    assert evidence.read_evidence_file(item, org.users["mp"]) == PNG
    # It came from the complainant, so it is theirs to see again; that read is on the log too.
    assert evidence.read_evidence_file(item, org.users["complainant"]) == PNG
    assert AuditEvent.objects.filter(action="evidence.file_read").count() == 3
