"""A subject access request for a member of the demo organisation: it opens, is complete, and names nobody else."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from django.db.models import Count

from fairhearing.accounts.models import User
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Case, ComplainantKind, EvidenceItem, NoticeEvidence
from fairhearing.demo.build import build_demo
from fairhearing.organisation.models import Member
from fairhearing.privacy.subject_access import WITHHELD, export_subject_access, request_subject_access
from tests.privacy.sar_case import names_found, open_zip

pytestmark = pytest.mark.django_db
DEMO = {"seed": 1, "today": date(2026, 11, 25), "members": 100, "cases": 20}


@pytest.fixture
def demo(settings, tmp_path, example_source):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    build_demo(example_source, **DEMO)


def demo_respondent() -> tuple[Member, Case]:
    """A respondent in a decided case brought by another member, with evidence served on them and some not."""
    served_cases = set(NoticeEvidence.objects.values_list("notice__case_id", flat=True))
    candidates = (
        Case.objects.filter(complainant_kind=ComplainantKind.MEMBER, pk__in=served_cases, decisions__isnull=False)
        .annotate(events=Count("timeline", distinct=True))
        .order_by("-events", "reference")
    )
    case = candidates.first()
    assert case is not None, "the demo always has decided cases brought by members"
    return case.respondent, case


def test_a_demo_members_data_is_complete_and_names_nobody_else(demo):
    member, case = demo_respondent()
    dpo = User.objects.get(username="dpo")
    request = request_subject_access(member, dpo)
    files = open_zip(export_subject_access(request, dpo))
    data = json.loads(files["data.json"])
    assert {"data.json", "report.html", "manifest.json"} <= set(files)

    # Complete: the profile, every case either way round, each timeline, the evidence, the log entries.
    assert data["profile"]["membership_number"] == member.membership_number
    assert data["profile"]["name"] == member.name
    as_respondent = {c["reference"]: c for c in data["cases_as_respondent"]}
    assert set(as_respondent) == set(Case.objects.filter(respondent=member).values_list("reference", flat=True))
    assert {c["reference"] for c in data["cases_as_complainant"]} == set(
        Case.objects.filter(complainant_member=member).values_list("reference", flat=True)
    )
    mine = as_respondent[case.reference]
    assert len(mine["timeline"]) == case.timeline.count() and mine["decisions"]
    assert [e["id"] for e in mine["evidence"]] == list(
        case.evidence.order_by("added_at", "pk").values_list("pk", flat=True)
    )
    served = set(NoticeEvidence.objects.filter(notice__case=case).values_list("evidence_id", flat=True))
    for item in mine["evidence"]:
        if item["id"] in served:
            assert item["file"] and files[item["file"]]
            stored = EvidenceItem.objects.get(pk=item["id"])
            assert hashlib.sha256(files[item["file"]]).hexdigest() == stored.sha256
        else:
            assert item["file"] is None and item["content"] == WITHHELD
    # Every log entry about them, up to the export itself (which is logged once the zip is made).
    logged = AuditEvent.objects.exclude(action="subject_access.exported")
    expected = [(e.action, e.object_id) for e in logged if member.pk in e.subject_member_ids]
    assert [(e["action"], e["object_id"]) for e in data["audit_log"]] == expected
    assert {"evidence.added", "subject_access.requested"} <= {action for action, _ in expected}

    manifest = json.loads(files["manifest.json"])
    assert {f["path"] for f in manifest["files"]} == set(files) - {"manifest.json"}
    assert all(hashlib.sha256(files[f["path"]]).hexdigest() == f["sha256"] for f in manifest["files"])

    # Nobody else is named: no other member, user or complainant, anywhere the rule redacts (everything but the
    # evidence files, which go out as they were served on the member).
    others = set(Member.objects.exclude(pk=member.pk).values_list("name", flat=True))
    others |= {u.get_full_name() for u in User.objects.exclude(member=member) if u.get_full_name()}
    others |= set(Case.objects.exclude(complainant_name="").values_list("complainant_name", flat=True))
    others -= {member.name}  # a namesake cannot be told apart from the member in their own record
    complainant = case.complainant_member.name
    assert complainant in others
    for name in ("data.json", "report.html", "manifest.json"):
        text = files[name].decode()
        assert names_found(text, others) == set(), name
    assert "[the complainant]" in files["report.html"].decode()
