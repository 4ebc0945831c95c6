"""`fairhearing backup FILE`: the database, the evidence files and the keys in one archive (docs/backups.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairhearing.backups.services import BackupError, create_backup

ADMIN_LABEL = "an administrator at the command line"


class Command(BaseCommand):
    help = (
        "Back up the database (consistently, while the server runs), the evidence files and the key files into "
        "one archive FILE (a .tar.gz), with a manifest of SHA-256 hashes. The file holds the keys: keep it as "
        "safely as them. See docs/backups.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive to write, e.g. fairhearing-2026-12-03.tar.gz")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            done = create_backup(file, label=ADMIN_LABEL)
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}. No backup file was written.") from None
        manifest = done.manifest
        log = manifest["audit_log"]
        database = manifest["database"]
        self.stdout.write(
            f"Backed up to {done.path} ({_size(done.size)}, {done.seconds:.1f} s): the {database['engine']} database "
            f"({len(database['migrations'])} migrations applied), {manifest['evidence']['files']} evidence file(s), "
            f"key files: {', '.join(done.key_files) or 'none'}."
        )
        self.stdout.write(f"Audit log at the backup: {log['size']} entries, root {log['root']}.")
        self.stdout.write(f"SHA-256 of the file: {done.sha256}")
        if done.key_files:
            self.stderr.write(
                f"WARNING: this file holds the keys ({', '.join(done.key_files)}). Anyone who has it can read every "
                "evidence file and sign audit checkpoints as this installation: keep it as safely as the keys "
                "themselves - encrypted, off this machine, readable only by those who may restore it."
            )
        if done.environment_keys:
            self.stderr.write(
                f"Not included: {', '.join(done.environment_keys)} (set in the environment, not kept in the data "
                "directory). Back them up with the environment's configuration: without the evidence key the "
                "evidence files cannot be read, without the signing key no new checkpoint matches the old ones."
            )
        if done.missing_evidence:
            self.stderr.write(
                f"warning: {len(done.missing_evidence)} evidence file(s) the database refers to were not found in the "
                f"evidence folder, so are not in the backup: {', '.join(done.missing_evidence[:10])}"
            )


def _size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover
