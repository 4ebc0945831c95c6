"""`fairhearing restore FILE`: put back a backup made by `fairhearing backup` (docs/backups.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fairhearing.backups.services import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `fairhearing backup`: checks the manifest and every SHA-256 first, then puts back "
        "the database, the evidence files and the key files, migrates a backup from an older version, and verifies "
        "the audit log. Stop the server first. Refuses a database that already holds data unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the archive written by `fairhearing backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace a database that already holds data (it is lost)"
        )

    def handle(self, *args, file: Path, force: bool, **options) -> None:
        try:
            done = restore_backup(file, force=force)
        except BackupError as exc:
            raise CommandError(f"restore failed: {exc}") from None
        manifest = done.manifest
        self.stdout.write(
            f"Checked {file}: made {manifest['created_at']} by fairhearing {manifest['fairhearing_version']}, "
            f"{len(manifest['files'])} files, every SHA-256 matches."
        )
        if done.replaced:
            held = ", ".join(f"{count} {what}" for what, count in done.replaced.items())
            self.stdout.write(f"Replaced the database, which held {held}.")
        self.stdout.write(f"Database restored ({manifest['database']['engine']}).")
        self.stdout.write(
            f"Evidence files: {done.evidence_written} restored, {done.evidence_in_place} already in place."
        )
        self.stdout.write(f"Key files restored: {', '.join(done.keys_restored) or 'none'}.")
        for name, kept in done.keys_kept.items():
            self.stdout.write(f"  the {name} that was there differed, and is kept as {kept}")
        if done.environment_keys:
            self.stdout.write(
                f"Keys set in the environment, used instead of files: {', '.join(done.environment_keys)}."
            )
        if done.migrated:
            self.stdout.write(f"The backup was from an older version: applied {len(done.migrated)} migration(s).")
        verified = done.verified
        assert verified is not None
        self.stdout.write(
            f"audit log verifies: {verified.size} entries, root {verified.root.hex()}, "
            f"{verified.checkpoints} checkpoint(s) signed and consistent"
        )
        backed_up = manifest["audit_log"]
        self.stdout.write(f"It holds the log as backed up: {backed_up['size']} entries, root {backed_up['root']}.")
