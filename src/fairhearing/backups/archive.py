"""The backup archive: a gzip-compressed tar of the database, the evidence files, the key files and a manifest.

The manifest (`manifest.json`, written last) names every other member with its size and SHA-256, and carries a
digest of itself. Reading checks the compression checksum, every member's name, type, size and hash, and the
manifest, before anything is used. Nothing is extracted by the names an archive carries: only names of the few
shapes below are accepted, and each is written to a path built from it in a private staging folder.

Plain Python, no Django: the services decide what goes in and what is done with it.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FORMAT = "fairhearing-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/fairhearing.sqlite3"
POSTGRESQL_MEMBER = "database/fairhearing.pgdump"
DATABASE_MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRESQL_MEMBER}
KEY_NAMES = ("secret_key", "evidence_key", "audit_signing_key")
_EVIDENCE = re.compile(r"evidence/([0-9a-f]{2})/(\1[0-9a-f]{30})")
_KEY = re.compile(r"keys/(" + "|".join(KEY_NAMES) + ")")
_CHUNK = 1 << 20
_DISK_RESERVE = 256 << 20  # what unpacking leaves free, for the database and the logs
_MANIFEST_LIMIT = 512 << 20  # a manifest lists every evidence file: generous, but not unbounded


class ArchiveError(Exception):
    """The archive cannot be written, or is missing, damaged, or not a fairhearing backup."""


_Count = Annotated[int, Field(ge=0)]
_Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class _Shape(BaseModel):
    # Strict: a manifest is written by fairhearing, so anything not of the type it writes is not one of ours.
    model_config = ConfigDict(strict=True, extra="allow")


class _File(_Shape):
    size: _Count
    sha256: _Hex64


class _Database(_Shape):
    engine: Literal["sqlite", "postgresql"]
    migrations: list[str]


class _AuditLog(_Shape):
    size: _Count
    root: _Hex64
    checkpoints: _Count
    verifier_key: str | None


class _Evidence(_Shape):
    files: _Count
    key_id: str | None
    missing: list[str]


class _Manifest(_Shape):
    """What restoring reads from a manifest, and of what type: checked before any of it is used."""

    fairhearing_version: str
    created_at: str
    database: _Database
    audit_log: _AuditLog
    evidence: _Evidence
    keys: dict[str, Literal["environment", "included", "absent"]]
    files: dict[str, _File]


def _digest(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "digest"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def evidence_member(blob_name: str) -> str:
    return f"evidence/{blob_name[:2]}/{blob_name}"


class _Hashing:
    """A file read through once, hashed and counted on the way (tarfile reads exactly the size it was given)."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        block = self.source.read(size)
        self.sha256.update(block)
        self.size += len(block)
        return block


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    sha256: str


class ArchiveWriter:
    """Writes the archive under a temporary name beside `path` (owner-only), renamed to `path` only once complete:
    a crash or an error never leaves a half archive under the real name."""

    def __init__(self, path: Path) -> None:
        self.path = path.resolve()
        if self.path.is_dir():
            raise ArchiveError(f"{path} is a folder: give the name of the archive to write")
        if not self.path.parent.is_dir():
            raise ArchiveError(f"there is no folder {self.path.parent} to write the backup in")
        try:
            fd, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".partial", dir=self.path.parent)
        except OSError as exc:
            raise ArchiveError(f"cannot write in {self.path.parent}: {exc.strerror or exc}") from exc
        self.temporary = Path(name)
        self._raw = os.fdopen(fd, "wb")
        self._tar = tarfile.open(fileobj=self._raw, mode="w:gz", compresslevel=6)  # noqa: SIM115 - closed in finish
        self.files: dict[str, dict[str, Any]] = {}
        self._mtime = int(time.time())

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None:
            self.abort()

    def add_file(self, name: str, source: Path) -> None:
        if name in self.files or name == MANIFEST:
            raise ArchiveError(f"{name} is in the archive twice")
        with source.open("rb") as f:
            info = self._info(name, os.fstat(f.fileno()).st_size)
            hashing = _Hashing(f)
            self._tar.addfile(info, hashing)
        self.files[name] = {"size": hashing.size, "sha256": hashing.sha256.hexdigest()}

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        info.mtime = self._mtime
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        return info

    def finish(self, manifest: dict[str, Any]) -> Written:
        """Add the manifest (with the list of files and its own digest), make the file durable, and rename it."""
        manifest = {**manifest, "files": dict(sorted(self.files.items()))}
        manifest["digest"] = _digest(manifest)
        data = json.dumps(manifest, indent=2, sort_keys=True).encode()
        self._tar.addfile(self._info(MANIFEST, len(data)), io.BytesIO(data))
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        digest = hashlib.sha256()
        with self.temporary.open("rb") as done:
            for block in iter(lambda: done.read(_CHUNK), b""):
                digest.update(block)
        size = self.temporary.stat().st_size
        os.replace(self.temporary, self.path)
        _fsync_folder(self.path.parent)
        return Written(self.path, size, digest.hexdigest())

    def abort(self) -> None:
        for closing in (self._tar.close, self._raw.close):
            with contextlib.suppress(OSError, tarfile.TarError, ValueError):
                closing()
        self.temporary.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class Staged:
    """An archive checked in full and unpacked into a private folder."""

    manifest: dict[str, Any]
    root: Path

    @property
    def engine(self) -> str:
        return self.manifest["database"]["engine"]

    @property
    def database(self) -> Path:
        return self.root / DATABASE_MEMBERS[self.engine]

    def evidence(self) -> Iterator[tuple[str, Path]]:
        """(blob name, staged file) of every evidence file."""
        for name in self.manifest["files"]:
            found = _EVIDENCE.fullmatch(name)
            if found:
                yield found.group(2), self.root / name

    def key_files(self) -> dict[str, Path]:
        return {found.group(1): self.root / name for name in self.manifest["files"] if (found := _KEY.fullmatch(name))}


def _allowed(name: str) -> bool:
    return (
        name in DATABASE_MEMBERS.values() or _EVIDENCE.fullmatch(name) is not None or _KEY.fullmatch(name) is not None
    )


def read_archive(path: Path, into: Path) -> Staged:
    """Check the archive at `path` in full and unpack it into the (empty, private) folder `into`. Raises
    ArchiveError naming the first problem; nothing outside `into` is touched."""
    if not path.is_file():
        raise ArchiveError(f"there is no backup file {path}")
    into.mkdir(parents=True, exist_ok=True, mode=0o700)
    seen: dict[str, dict[str, Any]] = {}
    manifest_bytes: bytes | None = None
    damaged = f"{path} is damaged or is not a fairhearing backup"
    try:
        with gzip.open(path, "rb") as compressed:
            with tarfile.open(fileobj=compressed, mode="r|") as tar:
                for member in tar:
                    name = member.name
                    if name in seen or (name == MANIFEST and manifest_bytes is not None):
                        raise ArchiveError(f"{damaged}: {name} is in it twice")
                    if not member.isreg():
                        raise ArchiveError(f"{damaged}: {name} is not a plain file")
                    source = tar.extractfile(member)
                    if source is None:  # pragma: no cover - isreg() members always have data
                        raise ArchiveError(f"{damaged}: {name} has no data")
                    if name == MANIFEST:
                        if member.size > _MANIFEST_LIMIT:
                            raise ArchiveError(f"{damaged}: its {MANIFEST} is {member.size} bytes long")
                        manifest_bytes = source.read()
                        continue
                    if not _allowed(name):
                        raise ArchiveError(f"{damaged}: it holds {name!r}, which no fairhearing backup holds")
                    _check_room(into, name, member.size)
                    seen[name] = _unpack(source, into / name)
            # Read to the end, so the gzip trailer's checksum and length are checked too.
            while compressed.read(_CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError(f"{damaged}: {exc}") from exc
    manifest = _check_manifest(manifest_bytes, damaged)
    listed = manifest["files"]
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            raise ArchiveError(f"{damaged}: the manifest lists {name}, which is not in the archive")
        if name not in listed:
            raise ArchiveError(f"{damaged}: {name} is in the archive but not in its manifest")
        if (seen[name]["size"], seen[name]["sha256"]) != (listed[name].get("size"), listed[name].get("sha256")):
            raise ArchiveError(f"{damaged}: {name} does not match its SHA-256 in the manifest")
    database = DATABASE_MEMBERS.get(manifest["database"]["engine"])
    if database not in seen:
        raise ArchiveError(f"{damaged}: it holds no database")
    return Staged(manifest, into)


def _check_room(into: Path, name: str, size: int) -> None:
    """Refuse a file the disk cannot hold before writing any of it: a damaged or hostile archive can declare far
    more than it was compressed from, and filling the disk would take the running installation down with it."""
    free = shutil.disk_usage(into).free
    if size > free - _DISK_RESERVE:
        raise ArchiveError(
            f"unpacking {name} needs {size:,} bytes and {into} has {max(free, 0):,} free (less {_DISK_RESERVE:,} "
            "kept in reserve): free some space on that disk and try again"
        )


def _unpack(source: BinaryIO, target: Path) -> dict[str, Any]:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    size = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for block in iter(lambda: source.read(_CHUNK), b""):
            digest.update(block)
            size += len(block)
            out.write(block)
    return {"size": size, "sha256": digest.hexdigest()}


def _check_manifest(data: bytes | None, damaged: str) -> dict[str, Any]:
    if data is None:
        raise ArchiveError(f"{damaged}: it has no {MANIFEST}")
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArchiveError(f"{damaged}: its {MANIFEST} is not valid JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError(f"{damaged}: its {MANIFEST} is not a fairhearing backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"{damaged}: it says it is format version {manifest.get('format_version')!r}, and this fairhearing "
            f"reads version {FORMAT_VERSION}"
        )
    if manifest.get("digest") != _digest(manifest):
        raise ArchiveError(f"{damaged}: its {MANIFEST} has been changed (its digest does not match)")
    try:
        _Manifest.model_validate(manifest)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ArchiveError(f"{damaged}: in its {MANIFEST}, {where}: {first['msg']}") from exc
    return manifest
