"""Small helpers shared by the portal's tests."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client

from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Appeal, Case, EvidenceItem, TimelineEvent
from fairhearing.evidence.models import StoredFile
from tests.cases.organisation import Org
from tests.signin import sign_in


def client_for(org: Org, name: str) -> Client:
    return sign_in(Client(), org.users[name])


def blobs() -> list[Path]:
    root = Path(settings.FAIRHEARING_EVIDENCE_DIR)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts(case: Case) -> dict[str, object]:
    """Everything a refused submission must leave as it was."""
    case.refresh_from_db()
    return {
        "stage": case.stage,
        "responded_on": case.responded_on,
        "evidence": EvidenceItem.objects.count(),
        "stored_files": StoredFile.objects.count(),
        "timeline": TimelineEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
        "appeals": Appeal.objects.count(),
        "blobs": blobs(),
    }
