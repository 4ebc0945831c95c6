"""A case's evidence over the API: each caller sees what the access policy lets them, files are read (and logged)
only by those allowed, uploads go through the evidence service with its refusals named by field, and the DPO
rules on pending items."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Admissibility, EvidenceItem
from fairhearing.demo import files
from fairhearing.evidence.models import StoredFile
from tests.api.client import Api, problem
from tests.cases.organisation import build_org
from tests.evidence.casework import MONITORED, PDF, PNG, add, later, open_case

pytestmark = pytest.mark.django_db

MONITORED_AT = later(1)

FORM = {
    "kind": "screenshot",
    "description": "Screenshot of the post",
    "provenance": "complainant",
    "attribution": "not_applicable",
    "visibility": "not_applicable",
}


@pytest.fixture
def vault_dir(settings, tmp_path):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.FAIRHEARING_EVIDENCE_DIR


@pytest.fixture
def org(example_source, vault_dir):
    return build_org(example_source)


@pytest.fixture
def case(org):
    return open_case(org)


def ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.content
    return {item["id"] for item in answer.json()["results"]}


def url(case, tail: str = "") -> str:
    return f"/cases/{case.reference}/evidence{tail}"


def test_a_case_officer_lists_every_item_with_the_staff_record(org, case):
    admitted = add(org, case)
    pending = add(org, case, name="post.pdf", data=PDF, facts=MONITORED, captured_at=MONITORED_AT)
    answer = Api.of(org.users["officer"]).get(url(case))
    assert ids(answer) == {admitted.pk, pending.pk}
    row = next(r for r in answer.json()["results"] if r["id"] == pending.pk)
    assert row["admissibility"] == "pending" and row["provenance"] == "monitoring" and row["ruling_needed"]
    assert row["media_type"] == "application/pdf" and row["has_file"] and len(row["sha256"]) == 64
    assert row["added_by"] == "officer" and row["lawful_basis"] == "Art. 9(2)(d)"
    assert AuditEvent.objects.filter(action="case.viewed", case_reference=case.reference).exists()


def test_the_list_is_paged(org, case):
    items = [add(org, case, name=f"p{n}.png", data=files.png(bytes([n]))) for n in range(3)]
    api = Api.of(org.users["officer"])
    first = api.get(url(case), limit=2).json()
    second = api.get(url(case), limit=2, cursor=first["next_cursor"]).json()
    assert [r["id"] for r in first["results"] + second["results"]] == [i.pk for i in items]
    assert second["next_cursor"] is None


def test_a_panel_member_sees_admitted_evidence_only(org, case):
    from fairhearing.cases import services
    from tests.cases.organisation import START

    admitted = add(org, case)
    pending = add(org, case, name="post.pdf", data=PDF, facts=MONITORED, captured_at=MONITORED_AT)
    allegation = case.allegations.get()
    services.issue_notice(case, org.users["officer"], evidence={allegation.pk: {admitted.pk}}, now=START)
    services.record_response(case, org.users["mp"], response="I deny it.", now=START)
    services.form_panel(case, org.users["body_officer"], members=org.seats["ndp"][:3], now=START)
    api = Api.of(org.users["panellist"])
    assert ids(api.get(url(case))) == {admitted.pk}
    assert api.get(url(case, f"/{pending.pk}")).status_code == 404
    assert api.get(url(case, f"/{pending.pk}/file")).status_code == 404
    assert api.get(url(case, f"/{admitted.pk}/file")).status_code == 200


def test_a_panel_member_of_another_case_sees_nothing(org, case):
    item = add(org, case)
    api = Api.of(org.users["appeal_panellist"])
    assert problem(api.get(url(case)))["status"] == 404
    assert api.get(url(case, f"/{item.pk}")).status_code == 404


def test_the_complainant_sees_only_what_came_from_the_complainant(org, case):
    theirs = add(org, case)
    add(org, case, name="post.pdf", data=PDF, facts=MONITORED, captured_at=MONITORED_AT)
    answer = Api.of(org.users["complainant"]).get(url(case))
    assert ids(answer) == {theirs.pk}
    row = answer.json()["results"][0]
    # The staff record's judgement of an item is not the complainant's to read.
    assert row["admissibility"] is None and row["added_by"] is None and row["lawful_basis"] is None


def test_a_file_is_read_by_those_allowed_and_the_read_is_logged(org, case):
    item = add(org, case)
    answer = Api.of(org.users["complainant"]).get(url(case, f"/{item.pk}/file"))
    assert answer.status_code == 200 and answer.content == PNG and answer["Content-Type"] == "image/png"
    assert answer["Content-Disposition"] == f'attachment; filename="evidence-{item.pk}.png"'
    assert AuditEvent.objects.filter(action="evidence.file_read", object_id=str(item.pk)).count() == 1


def test_another_member_cannot_read_the_file_or_the_list(org, case):
    item = add(org, case)
    api = Api.of(org.users["respondent"])  # a member with no part in this case
    assert api.get(url(case)).status_code == 404
    assert api.get(url(case, f"/{item.pk}/file")).status_code == 404
    assert api.get(f"/cases/{case.reference}/evidence/{item.pk + 99}").status_code == 404
    assert Api(None).get(url(case, f"/{item.pk}/file")).status_code == 401
    assert not AuditEvent.objects.filter(action="evidence.file_read").exists()


def test_the_respondent_does_not_see_unserved_evidence(org, case):
    item = add(org, case)
    api = Api.of(org.users["mp"])
    assert ids(api.get(url(case))) == set()
    assert api.get(url(case, f"/{item.pk}/file")).status_code == 404


def test_a_case_officer_uploads_evidence(org, case):
    answer = Api.of(org.users["officer"]).upload(
        url(case), FORM | {"file": SimpleUploadedFile("post.png", PNG, content_type="image/png")}
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    item = EvidenceItem.objects.get(pk=body["id"])
    assert item.media_type == "image/png" and item.admissibility == Admissibility.ADMITTED
    assert body["media_type"] == "image/png" and body["size"] == len(PNG) and body["has_file"]
    assert AuditEvent.objects.filter(action="evidence.added", object_id=str(item.pk)).exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"file": ("minutes.pdf", PNG)}, "file"),  # named as a PDF, but it is a PNG
        ({"file": ("big.png", PNG + b"\0" * 2048)}, "file"),  # over the limit set below
        ({"description": "", "text": "Transcript"}, "description"),
        ({"text": ""}, "text"),  # no file, no text, no address
        ({"source_url": "not a url", "text": "x"}, "source_url"),
        ({"kind": "rumour", "text": "x"}, "kind"),
        ({"attribution": "unverified", "visibility": "public", "text": "x"}, "captured_by"),
    ],
)
def test_a_bad_upload_names_the_field_and_keeps_nothing(org, case, settings, vault_dir, fields, field):
    settings.FAIRHEARING_EVIDENCE_MAX_BYTES = len(PNG) + 1024
    data = FORM | fields
    if "file" in fields:
        name, content = fields["file"]
        data["file"] = SimpleUploadedFile(name, content)
    answer = Api.of(org.users["officer"]).upload(url(case), data)
    assert answer.status_code == 422, answer.content
    assert field in {e["field"] for e in problem(answer)["errors"]}
    assert not EvidenceItem.objects.exists() and not StoredFile.objects.exists()
    assert not vault_dir.exists() or not any(p.is_file() for p in vault_dir.rglob("*"))


@pytest.mark.parametrize("who", ["dpo", "oversight", "body_officer"])
def test_only_case_officers_upload(org, case, who):
    answer = Api.of(org.users[who]).upload(url(case), FORM | {"text": "Transcript"})
    assert answer.status_code == 403 and not EvidenceItem.objects.exists()


def test_a_party_is_told_not_found_not_forbidden(org, case):
    # The complainant may see the case in the portal, but uploads here are staff work: "not found", as the web says.
    answer = Api.of(org.users["complainant"]).upload(url(case), FORM | {"text": "Transcript"})
    assert answer.status_code == 404 and not EvidenceItem.objects.exists()


def test_those_who_cannot_see_the_case_cannot_upload_to_it(org, case):
    assert Api.of(org.users["respondent"]).upload(url(case), FORM | {"text": "x"}).status_code == 404
    assert Api.of(org.users["officer"], scope="read").upload(url(case), FORM | {"text": "x"}).status_code == 403
    assert not EvidenceItem.objects.exists()


def test_the_dpo_rules_on_a_pending_item(org, case):
    pending = add(org, case, name="post.pdf", data=PDF, facts=MONITORED, captured_at=MONITORED_AT)
    ruling = url(case, f"/{pending.pk}/ruling")
    assert Api.of(org.users["officer"]).post(ruling, {"ruling": "admit", "reason": "Fine"}).status_code == 403
    api = Api.of(org.users["dpo"])
    missing = api.post(ruling, {"ruling": "admit", "reason": " "})
    assert missing.status_code == 422 and [e["field"] for e in problem(missing)["errors"]] == ["reason"]
    assert api.post(ruling, {"ruling": "maybe"}).status_code == 422
    answer = api.post(ruling, {"ruling": "exclude", "reason": "Systematic monitoring of a private account."})
    assert answer.status_code == 200, answer.content
    assert answer.json()["admissibility"] == "excluded" and answer.json()["ruling"]["by"] == "dpo"
    again = api.post(ruling, {"ruling": "admit", "reason": "Changed my mind."})
    assert again.status_code == 409 and problem(again)["refusals"][0]["guard"] == "pending"
    pending.refresh_from_db()
    assert pending.admissibility == Admissibility.EXCLUDED
