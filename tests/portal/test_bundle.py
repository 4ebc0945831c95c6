"""The notice's evidence bundle in the portal: the respondent's to read and download, each export on the log."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest

from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import EvidenceItem
from fairhearing.evidence.vault import default_vault
from tests.portal.cases import SERVED_FILE, Journey
from tests.portal.helpers import client_for, counts

pytestmark = pytest.mark.django_db


def test_the_respondent_downloads_the_bundle_and_the_export_is_audited(org):
    journey = Journey(org, days_ago=4).notice()
    case = journey.case
    response = client_for(org, "respondent").get(f"/portal/cases/{case.reference}/bundle.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="evidence-bundle-{case.reference}.zip"'
    assert "no-store" in response["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        [entry] = manifest["files"]
        assert archive.read(entry["path"]) == SERVED_FILE
    export = AuditEvent.objects.get(action="evidence.bundle_exported")
    assert export.actor_user_id == org.users["respondent"].pk and export.case_reference == case.reference
    assert export.data["format"] == "zip"
    assert export.data["sha256"] == hashlib.sha256(response.content).hexdigest()


def test_the_respondent_reads_the_bundle_as_a_page_within_its_own_policy(org):
    case = Journey(org, days_ago=4).notice().case
    response = client_for(org, "respondent").get(f"/portal/cases/{case.reference}/notice/")
    assert response.status_code == 200 and response["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert "<h1>Notice of allegations: evidence bundle</h1>" in body and case.reference in body
    # The document styles itself inline and runs nothing: the page's policy allows exactly that, and no more.
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    export = AuditEvent.objects.get(action="evidence.bundle_exported")
    assert export.data["format"] == "html" and export.actor_user_id == org.users["respondent"].pk


def test_no_notice_no_bundle(org):
    case = Journey(org, days_ago=4).investigate().case
    client = client_for(org, "respondent")
    before = counts(case)
    for page in ("notice/", "bundle.zip"):
        assert client.get(f"/portal/cases/{case.reference}/{page}").status_code == 404
    assert counts(case) == before
    # The case page says a notice is still to come, and offers no bundle.
    text = client.get(f"/portal/cases/{case.reference}/").content.decode()
    assert "No notice has been served yet." in text and "bundle.zip" not in text


def test_a_damaged_file_says_so_instead_of_giving_a_wrong_bundle(org):
    journey = Journey(org, days_ago=4).notice()
    item = EvidenceItem.objects.select_related("stored_file").get(pk=journey.served.pk)
    default_vault().delete(item.stored_file.blob_name)
    client = client_for(org, "respondent")
    response = client.get(f"/portal/cases/{journey.case.reference}/bundle.zip")
    assert response.status_code == 503
    assert "The evidence bundle cannot be made now" in response.content.decode()
    assert not AuditEvent.objects.filter(action="evidence.bundle_exported").exists()
