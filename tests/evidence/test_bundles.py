"""Evidence bundles: the notice's allegations and evidence relied on, as a document and as a zip with a manifest."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from datetime import date, timedelta
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags

from fairhearing.audit.models import AuditEvent
from fairhearing.cases import services
from fairhearing.cases.models import CaseSource, ComplainantKind, EvidenceItem, EvidenceKind
from fairhearing.cli import usage
from fairhearing.evidence.bundles import (
    BundleDamaged,
    BundleNotFound,
    NoNotice,
    export_notice_bundle_html,
    notice_bundle_html,
    notice_bundle_zip,
    safe_file_name,
)
from fairhearing.evidence.services import Upload, add_evidence
from fairhearing.evidence.vault import default_vault
from fairhearing.procedure.admissibility import Attribution, Facts, Provenance, Visibility
from tests.cases.organisation import START, build_org

pytestmark = pytest.mark.django_db

PARTICULARS = 'Posted <script>alert("x")</script> & called a member a "fool" in the <b>branch</b> group.'


def png_bytes() -> bytes:
    """A real one-pixel PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + (chunk(b"IEND", b""))
    )


PNG = png_bytes()
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
UNUSED_TEXT = b"Minutes of a meeting nobody relies on.\n"


def later(days: int):
    return START + timedelta(days=days)


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path):
    # Each test has its own vault directory; the command reads the same one through the settings.
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"


@pytest.fixture
def org(example_source):
    return build_org(example_source)


def investigated_case(org):
    """A case about the MP with two allegations, under investigation by the national disputes panel."""
    officer = org.users["officer"]
    case = services.open_case(
        user=officer,
        respondent=org.members["mp"],
        allegations=[
            services.AllegationInput("2.2", PARTICULARS, date(2026, 2, 1)),
            services.AllegationInput("2.1", "Swore at a volunteer during a canvassing session.", date(2026, 2, 3)),
        ],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START,
    )
    services.begin_triage(case, officer, now=later(1))
    services.record_triage(
        case,
        officer,
        informal_resolution_suitable=False,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=later(1),
    )
    services.open_investigation(case, officer, investigator=org.seats["unit"][0], now=later(2))
    return case


def add(case, org, description: str, **kwargs) -> EvidenceItem:
    kwargs.setdefault("facts", Facts(provenance=Provenance.COMPLAINANT))
    return add_evidence(
        case,
        org.users["officer"],
        kind=kwargs.pop("kind", EvidenceKind.DOCUMENT),
        description=description,
        now=later(2),
        **kwargs,
    )


@pytest.fixture
def served(org):
    """A served notice: allegation 1 relies on a screenshot and a captured post, allegation 2 on a PDF and the
    same screenshot. A text file and an item awaiting a ruling are in the case but not in the notice."""
    case = investigated_case(org)
    screenshot = add(
        case, org, "Screenshot of the group chat", kind=EvidenceKind.SCREENSHOT, upload=Upload("chat.png", PNG)
    )
    letter = add(case, org, "Letter from the volunteer", upload=Upload("Lettre d'été.pdf", PDF))
    post = add(
        case,
        org,
        "Post on the member's public account",
        kind=EvidenceKind.TEXT,
        text="You are all <fools> & cowards",
        facts=Facts(
            provenance=Provenance.STAFF_PUBLIC_SOURCE,
            attribution=Attribution.ADMITTED,
            visibility=Visibility.PUBLIC,
            source_url="https://social.example/@mp/123?a=1&b=2",
            captured_on=date(2026, 3, 3),
            captured_by="Case officer A. Jones",
            lawful_basis="Legitimate interests in enforcing the rules",
            content_date=date(2019, 6, 1),
        ),
        captured_at=later(1),
    )
    unused = add(case, org, "Unused meeting minutes", upload=Upload("unused-minutes.txt", UNUSED_TEXT))
    pending = add(
        case,
        org,
        "Monitoring report awaiting a ruling",
        kind=EvidenceKind.TEXT,
        text="flagged phrases",
        facts=Facts(provenance=Provenance.MONITORING),
    )
    first, second = case.allegations.order_by("id")
    services.issue_notice(
        case,
        org.users["officer"],
        evidence={first.pk: {screenshot.pk, post.pk}, second.pk: {letter.pk, screenshot.pk}},
        now=later(3),
    )
    case.refresh_from_db()
    return {
        "case": case,
        "screenshot": screenshot,
        "letter": letter,
        "post": post,
        "unused": unused,
        "pending": pending,
    }


def open_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def text_of(html: str) -> str:
    """The document's words as a reader sees them, without markup."""
    return " ".join(unescape(strip_tags(html)).split())


def section(html: str, number: int) -> str:
    """The part of the document about one allegation."""
    start = html.index(f'<section class="allegation" id="allegation-{number}"')
    return html[start : html.index("</section>", start)]


def test_zip_holds_the_document_the_files_and_a_manifest_of_their_hashes(org, served):
    data = notice_bundle_zip(served["case"], org.users["officer"])

    archive = open_zip(data)
    assert archive.testzip() is None
    manifest = json.loads(archive.read("manifest.json"))
    screenshot, letter = served["screenshot"], served["letter"]
    assert sorted(archive.namelist()) == sorted(
        [
            "bundle.html",
            "manifest.json",
            f"files/{screenshot.pk}-chat.png",
            f"files/{letter.pk}-Lettre_d_ete.pdf",
        ]
    )
    assert manifest["case"] == served["case"].reference and manifest["notice_served_on"] == "2026-03-05"
    assert manifest["bundle"]["sha256"] == hashlib.sha256(archive.read("bundle.html")).hexdigest()
    by_item = {entry["evidence_item"]: entry for entry in manifest["files"]}
    assert set(by_item) == {screenshot.pk, letter.pk}
    for item, original in [(screenshot, PNG), (letter, PDF)]:
        entry = by_item[item.pk]
        content = archive.read(entry["path"])
        # The file in the zip is the file uploaded, and its hash is the one recorded when it was added.
        assert content == original
        assert entry["sha256"] == hashlib.sha256(content).hexdigest() == item.sha256
        assert entry["size"] == len(original) == item.size
    assert by_item[letter.pk]["original_name"] == "Lettre d'été.pdf"
    assert by_item[screenshot.pk]["relied_on_for"] == [
        {"allegation": 1, "clause": "2.2"},
        {"allegation": 2, "clause": "2.1"},
    ]
    assert manifest["items_without_file"] == [served["post"].pk]


def test_the_document_states_the_notice_the_rights_and_the_possible_sanctions(served):
    html = notice_bundle_html(served["case"])

    assert "<script" not in html.lower()
    assert served["case"].reference in html and "Mp (membership number M0003)" in html
    assert "5 March 2026" in html  # served
    assert "the end of 19 March 2026" in html  # 14 days to respond
    assert "answer these allegations in writing" in html and "accompanied at any hearing" in html
    assert "No hearing will take place before 19 March 2026" in html  # 10 working days
    text = text_of(html)
    assert "the outcome can range from No further action to Expulsion" in text
    for sanction in ("Advice", "Warning", "Final warning", "Suspension from membership (for up to 24 months)"):
        assert sanction in text
    assert "Medium culpability" in html and "Final warning<br>(range: Warning to Suspension from membership)" in html


def test_every_allegation_appears_with_its_clause_and_the_evidence_relied_on_for_it(served):
    html = notice_bundle_html(served["case"])
    screenshot, letter, post = served["screenshot"], served["letter"], served["post"]

    first, second = section(html, 1), section(html, 2)
    assert "clause 2.2, Abuse of fellow members" in first
    assert "A member must not direct abuse at another member" in first
    assert "1 February 2026" in first
    assert f"Evidence item {screenshot.pk}: Screenshot" in first and f"Evidence item {post.pk}: Text" in first
    assert f"Evidence item {letter.pk}:" not in first
    assert "clause 2.1, Abusive or offensive language" in second and "3 February 2026" in second
    assert f"Evidence item {letter.pk}: Document" in second and f"Evidence item {screenshot.pk}:" in second
    assert f"Evidence item {post.pk}:" not in second
    # Each item's record: provenance, attribution, capture, hash, file, text, address, warnings.
    assert screenshot.sha256 in first and f"files/{screenshot.pk}-chat.png" in first
    assert f"chat.png (a PNG image, {len(PNG):,} bytes)" in first
    assert "Public source looked up by staff for this case" in first and "Admitted by the respondent" in first
    assert "Captured by</dt><dd>Case officer A. Jones" in first and "4 March 2026" not in first
    assert "3 March 2026, 10:00" in first and "Legitimate interests in enforcing the rules" in first
    assert "https://social.example/@mp/123?a=1&amp;b=2" in first and "<a " not in first
    assert "You are all &lt;fools&gt; &amp; cowards" in first
    assert "older than the limitation period" in first  # posted in 2019: the panel is warned
    assert "Lettre d&#x27;été.pdf (a PDF document" in second


def test_evidence_not_relied_on_is_not_in_the_bundle(org, served):
    html = notice_bundle_html(served["case"])
    archive = open_zip(notice_bundle_zip(served["case"], org.users["officer"]))

    for item in (served["unused"], served["pending"]):
        assert item.description not in html and f"Evidence item {item.pk}" not in html
        assert not any(name.startswith(f"files/{item.pk}-") for name in archive.namelist())
    assert "unused-minutes" not in html and UNUSED_TEXT not in b"".join(archive.read(n) for n in archive.namelist())
    assert "flagged phrases" not in html


def test_html_in_particulars_and_evidence_is_shown_as_text_never_as_markup(org, served):
    html = notice_bundle_html(served["case"])

    assert "<script>alert" not in html and "<b>branch</b>" not in html
    assert (
        "Posted &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; called a member a &quot;fool&quot; "
        "in the &lt;b&gt;branch&lt;/b&gt; group." in html
    )
    archive = open_zip(notice_bundle_zip(served["case"], org.users["officer"]))
    assert b"<script>alert" not in archive.read("bundle.html")


def test_a_case_without_a_notice_has_no_bundle(org):
    case = investigated_case(org)

    with pytest.raises(NoNotice, match=r"case FH-2026-00001 has no notice of allegations yet"):
        notice_bundle_zip(case, org.users["officer"])
    with pytest.raises(NoNotice):
        notice_bundle_html(case)
    assert not AuditEvent.objects.filter(action="evidence.bundle_exported").exists()


def test_a_member_who_is_not_the_respondent_is_refused_as_if_there_were_no_case(org, served):
    case = served["case"]
    for name in ("respondent", "appeals_officer", "panellist"):
        with pytest.raises(BundleNotFound, match=f"no case {case.reference}"):
            notice_bundle_zip(case, org.users[name])
        with pytest.raises(BundleNotFound, match=f"no case {case.reference}"):
            export_notice_bundle_html(case, org.users[name])
    assert not AuditEvent.objects.filter(action="evidence.bundle_exported").exists()
    # The respondent it was served on, oversight and the data protection officer may have it.
    for user in (org.users["mp"], org.users["oversight"], org.users["dpo"]):
        assert open_zip(notice_bundle_zip(case, user)).read("manifest.json")


def test_the_sitting_panel_may_have_the_bundle_unless_conflicted(org, served):
    case, panellist = served["case"], org.users["panellist"]
    services.form_panel(case, org.users["body_officer"], members=org.seats["ndp"][:3], now=later(11))

    assert served["screenshot"].description in export_notice_bundle_html(case, panellist)

    services.declare_conflict(
        case,
        panellist,
        panel_member=org.members["ndp0"],
        with_member=org.members["mp"],
        reason="We run a business together.",
        now=later(12),
    )
    with pytest.raises(BundleNotFound):
        export_notice_bundle_html(case, panellist)


def test_each_export_is_on_the_audit_log_without_its_content(org, served):
    case, mp = served["case"], org.users["mp"]
    data = notice_bundle_zip(case, mp)
    export_notice_bundle_html(case, org.users["officer"])

    first, second = AuditEvent.objects.filter(action="evidence.bundle_exported").order_by("pk")
    assert first.actor_user_id == mp.pk and first.case_reference == case.reference
    assert first.object_type == "notice" and first.object_id == str(case.notice.pk)
    assert first.subject_member_ids == sorted([org.members["mp"].pk, org.members["complainant"].pk])
    assert first.data["format"] == "zip" and first.data["sha256"] == hashlib.sha256(data).hexdigest()
    assert sorted(first.data["evidence"]) == sorted([served["screenshot"].pk, served["letter"].pk, served["post"].pk])
    assert second.actor_user_id == org.users["officer"].pk and second.data["format"] == "html"
    recorded = json.dumps([first.summary, first.data, second.summary, second.data])
    assert "script" not in recorded and "fools" not in recorded and "chat.png" not in recorded


def test_the_same_notice_gives_the_same_bytes(org, served):
    # So a copy in the respondent's hands can be compared with the hash on the audit log.
    assert notice_bundle_zip(served["case"], org.users["officer"]) == notice_bundle_zip(served["case"], org.users["mp"])


def test_a_file_that_no_longer_matches_its_hash_stops_the_bundle(org, served):
    vault = default_vault()
    blob = served["letter"].stored_file.blob_name
    path = vault.root / blob[:2] / blob
    path.write_bytes(vault.seal(PDF.replace(b"Catalog", b"Katalog"), blob.encode()))

    with pytest.raises(BundleDamaged, match=rf"evidence item {served['letter'].pk} no longer matches the hash"):
        notice_bundle_zip(served["case"], org.users["officer"])
    path.unlink()
    with pytest.raises(BundleDamaged, match="is missing"):
        notice_bundle_zip(served["case"], org.users["officer"])
    assert not AuditEvent.objects.filter(action="evidence.bundle_exported").exists()


def test_the_command_writes_the_zip_or_the_document_and_audits_it(served, tmp_path):
    case = served["case"]
    target = tmp_path / "out.zip"
    out = io.StringIO()

    call_command("bundle", case.reference, "--output", str(target), stdout=out)

    assert f"Evidence bundle of {case.reference} written to {target}" in out.getvalue()
    assert json.loads(open_zip(target.read_bytes()).read("manifest.json"))["case"] == case.reference
    assert target.stat().st_mode & 0o077 == 0  # personal data: only its owner may read it
    entry = AuditEvent.objects.get(action="evidence.bundle_exported")
    assert entry.actor_user_id is None and entry.data["via"] == "command line" and "command line" in entry.summary
    assert entry.actor_label.startswith("command line")

    page = tmp_path / "bundle.html"
    call_command("bundle", case.reference.lower(), "--html", "--output", str(page), stdout=io.StringIO())
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    with pytest.raises(CommandError, match="already exists"):
        call_command("bundle", case.reference, "--output", str(target), stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="evidence.bundle_exported").count() == 2


def test_the_command_refuses_unknown_cases_and_cases_without_a_notice(org, tmp_path):
    case = investigated_case(org)
    target = tmp_path / "out.zip"

    with pytest.raises(CommandError, match="no case FH-1999-00001"):
        call_command("bundle", "FH-1999-00001", "--output", str(target))
    with pytest.raises(CommandError, match="has no notice of allegations yet"):
        call_command("bundle", case.reference, "--output", str(target))
    assert not target.exists()  # nothing half-written is left behind


def test_an_erased_item_is_listed_as_erased_without_its_content(org, served):
    # No erasure service exists yet; this stands in for it, as the retention work will set erased_at.
    EvidenceItem.objects.filter(pk__in=[served["letter"].pk, served["post"].pk]).update(erased_at=later(5))

    html = notice_bundle_html(served["case"])
    archive = open_zip(notice_bundle_zip(served["case"], org.users["officer"]))

    assert "The content of this item was erased on 7 March 2026" in text_of(section(html, 2))
    assert "fools" not in html and "social.example" not in html and served["letter"].sha256 not in html
    manifest = json.loads(archive.read("manifest.json"))
    assert [entry["evidence_item"] for entry in manifest["files"]] == [served["screenshot"].pk]
    assert sorted(manifest["erased_items"]) == sorted([served["letter"].pk, served["post"].pk])


def test_the_command_is_listed_in_the_help():
    assert "bundle REFERENCE [--output PATH] [--html]" in usage()


@pytest.mark.parametrize(
    ("name", "media_type", "expected"),
    [
        ("chat.png", "image/png", "chat.png"),
        ("../../etc/passwd", "text/plain", "etc_passwd.txt"),
        (".hidden", "text/plain", "hidden.txt"),
        ("Lettre d'été.pdf", "application/pdf", "Lettre_d_ete.pdf"),
        ("", "application/pdf", "file.pdf"),
        ("x" * 300 + ".png", "image/png", "x" * 96 + ".png"),
    ],
)
def test_file_names_in_the_zip_are_plain_and_safe(name, media_type, expected):
    assert safe_file_name(name, media_type) == expected
