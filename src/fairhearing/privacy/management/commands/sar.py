from __future__ import annotations

import getpass
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.organisation.models import Member
from fairhearing.privacy.subject_access import export_subject_access, request_subject_access
from fairhearing.procedure.errors import ActionRefused


class Command(BaseCommand):
    help = (
        "Answer a subject access request: record it and write everything held about the member as a zip "
        "(data.json, report.html, the evidence files the redaction rule allows, manifest.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("membership_number", metavar="MEMBERSHIP_NUMBER")
        parser.add_argument(
            "--output", "-o", type=Path, default=None, help="where to write the zip (default: sar-NUMBER-DATE.zip here)"
        )
        parser.add_argument(
            "--by", metavar="USERNAME", default=None, help="the data protection officer's account, for the audit log"
        )

    def handle(self, *args, membership_number: str, output: Path | None, by: str | None, **options):
        if has_pending_migrations():
            raise CommandError(NOT_MIGRATED)
        member = Member.objects.filter(membership_number=membership_number.strip()).first()
        if member is None:
            raise CommandError(f"no member has membership number {membership_number!r}; nothing was written")
        user = None
        if by is not None:
            user = User.objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"no user is called {by!r}; nothing was written")
        # Without --by the log names the command line and the operating-system account that ran it.
        label = None if user is not None else f"command line ({_os_user()})"
        now = timezone.now()
        path = output or Path(f"sar-{member.membership_number}-{timezone.localdate(now).isoformat()}.zip")
        if path.exists():
            raise CommandError(f"{path} already exists; choose another --output. Nothing was written")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a directory; nothing was written")
        try:
            # The request, the export and the file stand or fall together: a failed write leaves no record of an
            # answer that was never handed over.
            with transaction.atomic():
                request = request_subject_access(member, user, now=now, label=label)
                archive = export_subject_access(request, user, now=now, label=label)
                _write_privately(path, archive)
        except ActionRefused as exc:
            raise CommandError(f"{exc}; nothing was written") from exc
        except OSError as exc:
            raise CommandError(f"could not write {path}: {exc.strerror or exc}; nothing was recorded") from exc
        self.stdout.write(
            f"Wrote {path} ({len(archive):,} bytes) for member {member.membership_number}: subject access request "
            f"{request.pk}, received {request.received_at:%Y-%m-%d}, due {request.due_on.isoformat()}."
        )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this process's user id, e.g. in some containers
        return "unknown user"


def _write_privately(path: Path, data: bytes) -> None:
    """Owner-only, and complete or absent: written beside the target, then renamed into place."""
    fd, temporary = tempfile.mkstemp(prefix=".sar-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
