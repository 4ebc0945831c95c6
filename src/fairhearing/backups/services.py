"""Backing up and restoring a whole installation: the database, the evidence files and the keys.

`create_backup` writes one archive (fairhearing.backups.archive) and records on the audit log that a copy of
everything was taken. `restore_backup` checks the archive in full, and that it can be restored here, before it
touches anything; then puts back the database, the evidence files and the keys, migrates a backup made by an older
fairhearing, and verifies the audit log against the size and root the backup recorded.
"""

from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection

import fairhearing
from fairhearing import config
from fairhearing.audit import log as audit
from fairhearing.audit.checkpoints import verifier_key
from fairhearing.audit.models import AuditEvent
from fairhearing.audit.proofs import root_at
from fairhearing.audit.verify import LogBroken, Verified, verify_log
from fairhearing.backups import archive, databases
from fairhearing.bulk_insert import refresh_statistics
from fairhearing.evidence.vault import decode_key, key_id
from fairhearing.migration_state import has_pending_migrations
from fairhearing.procedure.checkpoint import NoteError, Signer

# Each key file of the data directory, and the variable that, when set, is used instead of it.
KEY_VARIABLES = {
    "secret_key": "FAIRHEARING_SECRET_KEY",
    "evidence_key": "FAIRHEARING_EVIDENCE_KEY",
    "audit_signing_key": "FAIRHEARING_AUDIT_SIGNING_KEY",
}
_BLOB_LENGTH = 32
_HEX = frozenset("0123456789abcdef")


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why and, where it can, what to do."""


def _from_environment(variable: str) -> bool:
    return bool(os.environ.get(variable, "").strip())


# --- backing up -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupDone:
    path: Path
    size: int
    sha256: str
    seconds: float
    manifest: dict[str, Any]
    key_files: list[str]  # the key files the archive holds
    environment_keys: list[str]  # the variables whose keys it does not hold
    missing_evidence: list[str]  # blobs the database refers to that were not on disk


def create_backup(path: Path, *, label: str) -> BackupDone:
    """Write the backup archive to `path` (replacing a file there only once the new one is complete)."""
    started = time.monotonic()
    try:
        engine = databases.engine()
        # Make sure the keys the installation would generate on first use exist, so they are in the backup.
        evidence_key = config.evidence_key()
        audit_verifier = verifier_key()
        with archive.ArchiveWriter(path) as writer:
            work = Path(tempfile.mkdtemp(prefix=".fairhearing-backup-", dir=writer.temporary.parent))
            try:
                copy = databases.snapshot(work / "database")
                writer.add_file(archive.DATABASE_MEMBERS[engine], copy.path)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            blobs = _evidence_files(Path(settings.FAIRHEARING_EVIDENCE_DIR))
            for blob_name, blob in blobs.items():
                writer.add_file(archive.evidence_member(blob_name), blob)
            keys, environment = _key_files()
            for name, key_file in keys.items():
                writer.add_file(f"keys/{name}", key_file)
            missing = sorted(copy.blob_names - blobs.keys())
            manifest = {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "fairhearing_version": fairhearing.__version__,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
                "database": {"engine": engine, "migrations": copy.migrations},
                "audit_log": {
                    "size": copy.log_size,
                    "root": copy.log_root,
                    "checkpoints": copy.checkpoints,
                    "verifier_key": audit_verifier,
                },
                "evidence": {
                    "files": len(blobs),
                    "key_id": key_id(decode_key(evidence_key)),
                    "missing": missing,
                },
                "keys": {
                    name: "environment" if variable in environment else "included" if name in keys else "absent"
                    for name, variable in KEY_VARIABLES.items()
                },
            }
            written = writer.finish(manifest)
    except (archive.ArchiveError, databases.DatabaseError) as exc:
        raise BackupError(str(exc)) from exc
    except OSError as exc:
        raise BackupError(f"the backup could not be written: {exc}") from exc
    _record_backup(written, manifest, label)
    return BackupDone(
        written.path,
        written.size,
        written.sha256,
        time.monotonic() - started,
        manifest,
        sorted(keys),
        environment,
        missing,
    )


def _evidence_files(root: Path) -> dict[str, Path]:
    """Every evidence blob on disk, by name (half-written `.tmp` files and anything else are not blobs)."""
    found: dict[str, Path] = {}
    if not root.is_dir():
        return found
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or len(folder.name) != 2:
            continue
        for blob in sorted(folder.iterdir()):
            name = blob.name
            if len(name) == _BLOB_LENGTH and set(name) <= _HEX and name[:2] == folder.name and blob.is_file():
                found[name] = blob
    return found


def _key_files() -> tuple[dict[str, Path], list[str]]:
    data_dir = config.data_dir()
    files: dict[str, Path] = {}
    environment: list[str] = []
    for name, variable in KEY_VARIABLES.items():
        if _from_environment(variable):
            environment.append(variable)
        elif (data_dir / name).is_file():
            files[name] = data_dir / name
    return files, environment


def _record_backup(written: archive.Written, manifest: dict[str, Any], label: str) -> None:
    """A backup copies every record and the keys: the log says when one was taken, and which file it was."""
    if AuditEvent._meta.db_table not in connection.introspection.table_names():
        return
    audit.record(
        None,
        "backup.created",
        "backup",
        summary=f"A backup of the whole database, {manifest['evidence']['files']} evidence file(s) and the keys "
        "was written.",
        data={
            "archive_sha256": written.sha256,
            "bytes": written.size,
            "engine": manifest["database"]["engine"],
            "log_size": manifest["audit_log"]["size"],
            "evidence_files": manifest["evidence"]["files"],
            "keys": sorted(k for k, v in manifest["keys"].items() if v == "included"),
        },
        label=label,
    )


# --- restoring --------------------------------------------------------------------------------------------------


@dataclass
class RestoreDone:
    manifest: dict[str, Any]
    replaced: dict[str, int]  # what the database held before, when --force replaced it
    evidence_written: int = 0
    evidence_in_place: int = 0
    keys_restored: list[str] = field(default_factory=list)
    keys_kept: dict[str, Path] = field(default_factory=dict)  # a different key that was there, kept under this name
    environment_keys: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)
    verified: Verified | None = None


def restore_backup(path: Path, *, force: bool = False) -> RestoreDone:
    """Restore the archive at `path` into this installation's database, evidence folder and data directory."""
    work = Path(tempfile.mkdtemp(prefix=".fairhearing-restore-", dir=config.ensure_data_dir()))
    try:
        try:
            staged = archive.read_archive(path, work / "archive")
        except archive.ArchiveError as exc:
            raise BackupError(f"{exc}. Nothing was restored.") from exc
        replaced = _check_restorable(staged, force)
        done = RestoreDone(staged.manifest, replaced)
        try:
            databases.restore(staged.database)
        except databases.DatabaseError as exc:
            raise BackupError(str(exc)) from exc
        try:
            _restore_evidence(staged, done)
            _restore_keys(staged, done)
            if has_pending_migrations():
                done.migrated = _pending_migrations()
                call_command("migrate", interactive=False, verbosity=0)
        except Exception as exc:
            # The database is already the backup's: say plainly that the rest is incomplete, not a traceback.
            raise BackupError(
                f"the database was restored, but then {type(exc).__name__}: {exc}. The installation is incomplete "
                "(evidence files, keys or migrations): put right the cause and run the restore again with --force."
            ) from exc
        # A dump carries no planner statistics: without them PostgreSQL plans as for empty tables.
        refresh_statistics()
        done.verified = _verify(staged.manifest)
        return done
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_restorable(staged: archive.Staged, force: bool) -> dict[str, int]:
    """Everything that would stop the restore or spoil its result, checked before anything is touched."""
    manifest = staged.manifest
    engine = databases.engine()
    if staged.engine != engine:
        raise BackupError(
            f"the backup is of a {staged.engine} database and this installation uses {engine}: restoring from one "
            f"database engine into another is not supported. Restore it into a {staged.engine} installation. "
            "Nothing was restored."
        )
    unknown = sorted(set(manifest["database"]["migrations"]) - databases.known_migrations())
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise BackupError(
            f"the backup was made by a newer fairhearing ({manifest.get('fairhearing_version')}, this is "
            f"{fairhearing.__version__}): its database has migrations this version does not know ({shown}). "
            "Restore it with that version or a later one. Nothing was restored."
        )
    _check_keys(staged)
    holds = databases.contents()
    if holds and not force:
        described = ", ".join(f"{count} {what}" for what, count in holds.items())
        raise BackupError(
            f"the database already holds data ({described}): restoring would replace all of it. Back it up first "
            "if it may be needed, then give --force to replace it. Nothing was restored."
        )
    return holds


def _key_in_force(name: str, staged: archive.Staged) -> str | None:
    """The key this installation will use after the restore: its variable, else the backup's file, else the file
    already in the data directory."""
    variable = KEY_VARIABLES[name]
    if _from_environment(variable):
        return os.environ[variable].strip()
    for source in (staged.key_files().get(name), config.data_dir() / name):
        if source is not None and source.is_file():
            return source.read_text().strip()
    return None


def _check_keys(staged: archive.Staged) -> None:
    manifest = staged.manifest
    if manifest["evidence"]["files"]:
        text = _key_in_force("evidence_key", staged)
        try:
            found = key_id(decode_key(text)) if text else None
        except ValueError:
            found = "unreadable"
        if found != manifest["evidence"]["key_id"]:
            raise BackupError(_key_problem("evidence_key", staged, "its evidence files could not be opened"))
    if manifest["audit_log"]["checkpoints"]:
        text = _key_in_force("audit_signing_key", staged)
        try:
            found = Signer.parse(text).verifier.verifier_key if text else None
        except NoteError:
            found = "unreadable"
        if found != manifest["audit_log"]["verifier_key"]:
            raise BackupError(
                _key_problem("audit_signing_key", staged, "the audit log's signed checkpoints would not verify")
            )


def _key_problem(name: str, staged: archive.Staged, consequence: str) -> str:
    variable = KEY_VARIABLES[name]
    if _from_environment(variable):
        return (
            f"{variable} is set, to another key than the one this backup was made with: {consequence}. Set "
            f"{variable} to the key in use when the backup was made"
            + (", or unset it to use the key file in the backup" if name in staged.key_files() else "")
            + ". Nothing was restored."
        )
    return (
        f"the backup does not hold the {name.replace('_', ' ')} (it was set by {variable} when the backup was made), "
        f"and without it {consequence}. Set {variable} to that key and restore again. Nothing was restored."
    )


def _write_atomically(target: Path, source: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = target.with_name(f".{target.name}.restore.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as data:
            shutil.copyfileobj(data, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _restore_evidence(staged: archive.Staged, done: RestoreDone) -> None:
    root = Path(settings.FAIRHEARING_EVIDENCE_DIR)
    for blob_name, source in staged.evidence():
        target = root / blob_name[:2] / blob_name
        if target.is_file() and filecmp.cmp(source, target, shallow=False):
            done.evidence_in_place += 1
            continue
        _write_atomically(target, source)
        done.evidence_written += 1


def _restore_keys(staged: archive.Staged, done: RestoreDone) -> None:
    """Put the backup's key files in the data directory. A different key already there is never destroyed: it is
    kept beside, renamed, in case anything was sealed or signed with it."""
    data_dir = config.ensure_data_dir()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name, source in sorted(staged.key_files().items()):
        target = data_dir / name
        if target.is_file():
            if _sha256(target) == _sha256(source):
                done.keys_restored.append(name)
                continue
            kept = data_dir / f"{name}.replaced-{stamp}"
            os.replace(target, kept)
            done.keys_kept[name] = kept
        _write_atomically(target, source)
        done.keys_restored.append(name)
    done.environment_keys = [v for v in KEY_VARIABLES.values() if _from_environment(v)]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pending_migrations() -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def _verify(manifest: dict[str, Any]) -> Verified:
    """The restored log must verify, and hold the backup's log: the same root at the size the backup recorded."""
    try:
        verified = verify_log()
    except LogBroken as broken:
        raise BackupError(f"the backup was restored, but the audit log does NOT verify: {broken}") from broken
    size, root = manifest["audit_log"]["size"], manifest["audit_log"]["root"]
    if verified.size < size or root_at(size)[1].hex() != root:
        raise BackupError(
            f"the backup was restored and its audit log verifies, but it is not the log the backup recorded "
            f"({size} entries, root {root}): the database in the archive is not the one its manifest describes"
        )
    return verified
