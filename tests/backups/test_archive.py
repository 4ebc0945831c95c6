"""Reading an archive never writes outside its private folder: only members of the few names a backup holds, and
only plain files, are accepted."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from fairhearing.backups import archive
from fairhearing.backups.archive import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    SQLITE_MEMBER,
    ArchiveError,
    _digest,
    read_archive,
)


def _archive(path: Path, *members: tarfile.TarInfo) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for member in members:
            tar.addfile(member, io.BytesIO(b"x" * member.size) if member.isreg() else None)
    return path


def _file(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = 1
    return info


def _link(name: str, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = target
    return info


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (_file("../outside"), "it holds '../outside', which no fairhearing backup holds"),
        (_file("/srv/absolute"), "it holds '/srv/absolute', which no fairhearing backup holds"),
        (_file("keys/../../outside"), "which no fairhearing backup holds"),
        (_file("evidence/ab/cd" + "0" * 30), "which no fairhearing backup holds"),  # not under its own folder
        (_link("keys/secret_key", "/etc/passwd"), "keys/secret_key is not a plain file"),
    ],
)
def test_members_a_backup_never_holds_are_refused_before_anything_is_written(tmp_path, member, message):
    path = _archive(tmp_path / "bad.tar.gz", member)
    into = tmp_path / "work" / "staged"
    into.mkdir(parents=True)

    with pytest.raises(ArchiveError) as refused:
        read_archive(path, into)

    assert message in str(refused.value)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bad.tar.gz", "staged", "work"]


def test_an_archive_without_a_manifest_is_refused(tmp_path):
    path = _archive(tmp_path / "bare.tar.gz", _file("keys/secret_key"))
    with pytest.raises(ArchiveError, match=r"it has no manifest\.json"):
        read_archive(path, tmp_path)


def test_a_missing_or_foreign_file_is_refused(tmp_path):
    with pytest.raises(ArchiveError, match="there is no backup file"):
        read_archive(tmp_path / "nothing.tar.gz", tmp_path)
    (tmp_path / "notes.txt").write_text("not an archive")
    with pytest.raises(ArchiveError, match="is damaged or is not a fairhearing backup"):
        read_archive(tmp_path / "notes.txt", tmp_path)


def _with_manifest(path: Path, manifest: dict) -> Path:
    """An archive holding one database and the manifest given, with its digest made right, as a forger would."""
    database = b"x"
    manifest = {
        **manifest,
        "files": manifest.get("files", {SQLITE_MEMBER: {"size": 1, "sha256": hashlib.sha256(database).hexdigest()}}),
    }
    manifest["digest"] = _digest(manifest)
    data = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz") as tar:
        for name, content in ((SQLITE_MEMBER, database), (MANIFEST, data)):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def _good_manifest() -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "fairhearing_version": "1.0",
        "created_at": "2026-12-03T09:00:00Z",
        "database": {"engine": "sqlite", "migrations": ["cases.0001_initial"]},
        "audit_log": {"size": 0, "root": "0" * 64, "checkpoints": 0, "verifier_key": "fh+1234+AAAA"},
        "evidence": {"files": 0, "key_id": "k1", "missing": []},
        "keys": {"secret_key": "included"},
    }


def test_a_well_formed_manifest_is_read(tmp_path):
    (into := tmp_path / "in").mkdir()
    staged = read_archive(_with_manifest(tmp_path / "ok.tar.gz", _good_manifest()), into)
    assert staged.engine == "sqlite" and staged.database.read_bytes() == b"x"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["database"].update(engine=["sqlite"]), "database.engine: Input should be 'sqlite' or"),
        (lambda m: m["database"].update(engine="oracle"), "database.engine: Input should be 'sqlite' or"),
        (lambda m: m["database"].update(migrations="cases.0001"), "database.migrations: Input should be a valid list"),
        (lambda m: m["audit_log"].update(size="12"), "audit_log.size: Input should be a valid integer"),
        (lambda m: m["audit_log"].update(size=-1), "audit_log.size: Input should be greater than or equal to 0"),
        (lambda m: m["audit_log"].update(root="zz"), "audit_log.root: String should match pattern"),
        (lambda m: m.pop("audit_log"), "audit_log: Field required"),
        (lambda m: m.update(database=None), "database: Input should be a valid dictionary"),
        (lambda m: m["evidence"].update(files=None), "evidence.files: Input should be a valid integer"),
        (lambda m: m["keys"].update(secret_key=True), "keys.secret_key: Input should be 'environment'"),
        (lambda m: m.update(created_at=20261203), "created_at: Input should be a valid string"),
        (lambda m: m.update(files={SQLITE_MEMBER: "x"}), "files.database/fairhearing.sqlite3: Input should be a valid"),
        (lambda m: m.update(files=[SQLITE_MEMBER]), "files: Input should be a valid dictionary"),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_refused_naming_the_field(tmp_path, change, message):
    """A manifest with a correct digest but values of the wrong type - made by hand, or by a forger - is refused
    with the field named, before any of it is used, not with a traceback."""
    manifest = _good_manifest()
    change(manifest)
    (into := tmp_path / "in").mkdir()
    with pytest.raises(ArchiveError) as refused:
        read_archive(_with_manifest(tmp_path / "odd.tar.gz", manifest), into)
    assert f"in its manifest.json, {message}" in str(refused.value)


def test_a_file_larger_than_the_free_disk_is_refused_before_any_of_it_is_written(tmp_path, monkeypatch):
    """An archive can declare far more than it was compressed from: unpacking it must not fill the disk."""
    path = _with_manifest(tmp_path / "big.tar.gz", _good_manifest())
    real = shutil.disk_usage

    def nearly_full(where):
        return real(where)._replace(free=archive._DISK_RESERVE)  # nothing to spare beyond the reserve

    monkeypatch.setattr(archive.shutil, "disk_usage", nearly_full)
    into = tmp_path / "in"
    into.mkdir()
    with pytest.raises(ArchiveError, match=r"unpacking database/fairhearing\.sqlite3 needs 1 bytes and .* free"):
        read_archive(path, into)
    assert list(into.rglob("*")) == []
