"""The media type is judged from the bytes: the formats evidence arrives in, and names that try to be paths."""

from __future__ import annotations

import io
import zipfile

import pytest

from fairhearing.demo import files
from fairhearing.evidence.sniffing import DOCX, ODT, UploadRefused, check_upload, clean_name, detect_media_type


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (files.png(b"abc"), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), "image/jpeg"),
        (files.pdf("Minutes", ["one line"]), "application/pdf"),
        (
            files.email("a@example.org", "b@example.org", "Mon, 2 Mar 2026 10:00:00 +0000", "Hi", "Body"),
            "message/rfc822",
        ),
        ("Plain notes of a phone call, with accents: café.\n".encode(), "text/plain"),
        (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}), DOCX),
        (_zip({"mimetype": ODT, "content.xml": "<office:document/>"}), ODT),
        (_zip({"notes.txt": "x"}), "application/zip"),
        (b"\xde\xad\xbe\xef" * 64, None),
        (b"text with a NUL \x00 inside", None),
    ],
)
def test_types_are_detected_from_content(data, expected):
    assert detect_media_type(data) == expected


def test_the_checked_upload_carries_the_detected_type_and_hash():
    data = files.pdf("Statement", ["I was there."])
    checked = check_upload("statement.PDF", data, max_bytes=10_000, allowed={"application/pdf"})
    assert checked.media_type == "application/pdf" and checked.size == len(data) and len(checked.sha256) == 64
    # No extension, or one we do not know, claims nothing: the content decides.
    assert check_upload("scan", data, max_bytes=10_000, allowed={"application/pdf"}).media_type == "application/pdf"


@pytest.mark.parametrize("name", ["../x.png", "a/b.png", "C:\\temp\\x.png", "..", " ", ""])
def test_names_that_point_elsewhere_are_refused(name):
    with pytest.raises(UploadRefused):
        clean_name(name)


def test_an_ordinary_name_is_kept_as_a_label():
    assert clean_name("  Screenshot 2026-03-01 at 10.15.png ") == "Screenshot 2026-03-01 at 10.15.png"
