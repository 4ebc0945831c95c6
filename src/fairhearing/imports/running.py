"""Running an import on an uploaded file: the web page and the API hand the file over the same way."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from fairhearing.accounts.models import User
from fairhearing.imports.results import ImportResult

KINDS = ("members", "units", "cases")


def run_upload(
    kind: str,
    upload: UploadedFile,
    *,
    actor: User,
    dry_run: bool,
    preset: str | None = None,
    mapping: dict[str, str] | None = None,
) -> ImportResult:
    """Import an uploaded file. It is written to a private temporary file (the readers work on paths and sniff the
    format from the bytes), read, and deleted whatever happens."""
    suffix = Path(upload.name or "").suffix.lower()
    suffix = suffix if suffix in {".csv", ".tsv", ".txt", ".xlsx"} else ".csv"
    with tempfile.TemporaryDirectory(prefix="fairhearing-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if kind == "members":
            from fairhearing.imports.members import import_members

            return import_members(path, actor=actor, preset=preset or None, mapping=mapping, dry_run=dry_run)
        if kind == "units":
            from fairhearing.imports.units import import_units

            return import_units(path, actor=actor, dry_run=dry_run)
        if kind == "cases":
            from fairhearing.imports.cases import import_cases

            return import_cases(path, actor=actor, dry_run=dry_run)
    raise ValueError(f"no import of {kind!r}")
