"""The case officer's page for adding evidence: field-by-field errors, nothing kept when refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fairhearing.cases.models import Admissibility, EvidenceItem
from fairhearing.evidence.models import StoredFile
from tests.evidence.casework import PDF, PNG, open_case
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

BASE = {
    "kind": "screenshot",
    "description": "Screenshot of the post",
    "provenance": "complainant",
    "attribution": "not_applicable",
    "visibility": "not_applicable",
}


def post(client, case, **fields):
    return client.post(reverse("evidence:add", args=[case.reference]), BASE | fields)


def test_a_case_officer_adds_a_file_and_sees_it_listed(client, org):
    case = open_case(org)
    sign_in(client, org.users["officer"])
    answer = post(client, case, file=SimpleUploadedFile("post.png", PNG, content_type="image/png"))
    assert answer.status_code == 302
    item = EvidenceItem.objects.get(case=case)
    assert item.media_type == "image/png" and item.admissibility == Admissibility.ADMITTED
    page = client.get(answer["Location"]).content.decode()
    assert f"Evidence item {item.pk} added: admissible as added." in page
    assert reverse("evidence:file", args=[item.pk]) in page


def test_a_mislabelled_file_is_refused_on_the_file_field_and_nothing_is_kept(client, org, vault_dir):
    case = open_case(org)
    sign_in(client, org.users["officer"])
    answer = post(client, case, file=SimpleUploadedFile("minutes.pdf", PNG, content_type="application/pdf"))
    assert answer.status_code == 400
    assert answer.context["form"].errors["file"] == [
        "the file is named as a PDF document, but its content is a PNG image; rename it or upload the original"
    ]
    assert not EvidenceItem.objects.exists() and not StoredFile.objects.exists()
    assert not vault_dir.exists() or not any(p.is_file() for p in vault_dir.rglob("*"))


def test_online_content_without_its_capture_details_names_each_missing_field(client, org):
    case = open_case(org)
    sign_in(client, org.users["officer"])
    answer = post(
        client,
        case,
        attribution="unverified",
        visibility="public",
        file=SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"),
    )
    errors = answer.context["form"].errors
    assert answer.status_code == 400
    assert set(errors) == {"source_url", "captured_at", "captured_by", "lawful_basis"}
    assert not EvidenceItem.objects.exists()


@pytest.mark.parametrize("who", ["dpo", "oversight", "panellist", "mp", "body_officer"])
def test_only_case_officers_reach_the_page(client, org, who):
    case = open_case(org)
    sign_in(client, org.users[who])
    assert client.get(reverse("evidence:add", args=[case.reference])).status_code == 404
    assert post(client, case, text="Something").status_code == 404
    assert not EvidenceItem.objects.exists()


def test_an_unknown_case_is_not_found(client, org):
    sign_in(client, org.users["officer"])
    assert client.get(reverse("evidence:add", args=["FH-2099-99999"])).status_code == 404
