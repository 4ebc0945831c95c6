"""Reading an archive never writes outside its private folder: only members of the few names a backup holds, and
only plain files, are accepted."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from fairhearing.backups.archive import ArchiveError, read_archive


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
