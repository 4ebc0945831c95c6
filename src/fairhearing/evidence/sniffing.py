"""Checking an uploaded file before anything is stored: its size, its name, and its type judged from its bytes.

A file's name and the type a browser claims are only claims. The type recorded is the one its content shows;
a file whose name claims another type is refused, because a mislabelled file is either a mistake or a trick.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath

import puremagic

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ZIP = "application/zip"

# What each extension claims, for comparing with what the bytes show.
EXTENSION_TYPES: dict[str, str] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/plain",
    ".csv": "text/plain",
    ".eml": "message/rfc822",
    ".docx": DOCX,
    ".odt": ODT,
    ".zip": ZIP,
}
TYPE_NAMES: dict[str, str] = {
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "application/pdf": "a PDF document",
    "text/plain": "plain text",
    "message/rfc822": "an email message",
    DOCX: "a Word document",
    ODT: "an OpenDocument text document",
    ZIP: "a zip archive",
}
_EMAIL_HEADER = re.compile(rb"^(From|To|Subject|Date|Received|Return-Path|Message-ID|MIME-Version|Delivered-To):", re.I)
MAX_NAME_LENGTH = 200


class UploadRefused(ValueError):
    """The upload cannot be stored; the message says why, for the person who uploaded it."""

    field = "file"


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    data: bytes
    media_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def type_name(media_type: str) -> str:
    return TYPE_NAMES.get(media_type, media_type)


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return ZIP
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    return ZIP


def _text_type(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text):
        return None
    first_lines = data.lstrip().splitlines()[:5]
    if sum(1 for line in first_lines if _EMAIL_HEADER.match(line)) >= 2:
        return "message/rfc822"
    return "text/plain"


def detect_media_type(data: bytes) -> str | None:
    """The media type the content shows, or None when it is not recognised."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    try:
        found = puremagic.from_string(data, mime=True)
    except puremagic.PureError:
        found = ""
    return found or _text_type(data)


def clean_name(name: str) -> str:
    """The name as given, refused if it tries to name a place on disk. It is kept only as a label."""
    if not name or not name.strip():
        raise UploadRefused("the file has no name")
    if "\x00" in name or any(unicodedata.category(c) == "Cc" for c in name):
        raise UploadRefused("the file name contains control characters")
    if "/" in name or "\\" in name or name.strip() in {".", ".."} or ".." in PurePosixPath(name).parts:
        raise UploadRefused("the file name must be a plain name, without folders (such as ../)")
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRefused(f"the file name is longer than {MAX_NAME_LENGTH} characters")
    return unicodedata.normalize("NFC", name.strip())


def check_upload(name: str, data: bytes, *, max_bytes: int, allowed: Collection[str]) -> CheckedUpload:
    """Check an upload completely before anything is written; raise `UploadRefused` with the reason."""
    cleaned = clean_name(name)
    if not data:
        raise UploadRefused("the file is empty")
    if len(data) > max_bytes:
        raise UploadRefused(f"the file is {len(data):,} bytes; the largest allowed is {max_bytes:,} bytes")
    detected = detect_media_type(data)
    if detected is None:
        raise UploadRefused("the type of this file cannot be recognised from its content")
    claimed = EXTENSION_TYPES.get(PurePosixPath(cleaned).suffix.lower())
    if claimed is not None and claimed != detected:
        raise UploadRefused(
            f"the file is named as {type_name(claimed)}, but its content is {type_name(detected)}; "
            "rename it or upload the original"
        )
    if detected not in allowed:
        kinds = ", ".join(sorted(type_name(t) for t in allowed))
        raise UploadRefused(f"{type_name(detected)} cannot be uploaded as evidence (allowed: {kinds})")
    return CheckedUpload(cleaned, data, detected, hashlib.sha256(data).hexdigest())
