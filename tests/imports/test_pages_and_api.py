"""The same imports from the web (the administrator's page) and from the API: all rows or none, problems by row and
column, and nobody but an administrator may import."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.audit.models import AuditEvent
from fairhearing.organisation.models import Branch, Member, Region
from tests.api.client import Api, problem
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

UNITS = b"region_code,region_name,branch_code,branch_name\nnorth,North,n1,North One\nnorth,North,n2,North Two\n"
BAD_UNITS = b"region_code,region_name,branch_code,branch_name\nnorth,North,n1,North One\nnorth,=HYPERLINK(1),n2,Two\n"


@pytest.fixture
def admin(example_source):
    from fairhearing.organisation.services import load_rulebook_version

    load_rulebook_version(example_source)
    return create_user(username="admin", password="a long test password", roles={Role.ADMINISTRATOR})


def _upload(content: bytes, name: str = "units.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def _written() -> tuple[int, int, int]:
    return Region.objects.count(), Branch.objects.count(), AuditEvent.objects.count()


def test_the_page_checks_then_imports(client, admin):
    sign_in(client, admin)
    assert client.get("/imports/").status_code == 200
    before = _written()
    checked = client.post("/imports/", {"kind": "units", "file": _upload(UNITS), "check": ""})
    assert checked.status_code == 200
    assert "Would import 2 row(s) of units" in checked.content.decode()
    assert _written() == before
    imported = client.post("/imports/", {"kind": "units", "file": _upload(UNITS), "import": ""})
    assert imported.status_code == 200 and "Imported 2 row(s) of units" in imported.content.decode()
    assert set(Branch.objects.values_list("code", flat=True)) == {"n1", "n2"}


def test_the_page_lists_problems_and_offers_them_as_a_csv(client, admin):
    sign_in(client, admin)
    before = _written()
    response = client.post("/imports/", {"kind": "units", "file": _upload(BAD_UNITS), "import": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in page and "formula" in page
    assert _written() == before
    link = page.split('href="data:text/csv;base64,', 1)[1].split('"', 1)[0]
    assert b"3,region_name," in base64.b64decode(link)


def test_presets_are_for_member_files_only(client, admin):
    sign_in(client, admin)
    response = client.post("/imports/", {"kind": "units", "file": _upload(UNITS), "preset": "civicrm", "check": ""})
    assert response.status_code == 400 and "Column presets are for member files only" in response.content.decode()


def _member() -> Member:
    branch = Branch.objects.create(code="w1", name="West One", region=Region.objects.create(code="west", name="West"))
    return Member.objects.create(membership_number="M1", name="Ann", branch=branch, joined=date(2020, 1, 1))


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.OVERSIGHT_OFFICER, Role.DATA_PROTECTION_OFFICER, Role.MEMBER])
def test_only_administrators_import(client, admin, role):
    member = _member() if role == Role.MEMBER else None
    someone = create_user(username="someone", password="a long test password", roles={role}, member=member)
    sign_in(client, someone)
    assert client.get("/imports/").status_code == 404
    assert client.post("/imports/", {"kind": "units", "file": _upload(UNITS), "import": ""}).status_code == 404
    assert Api.of(someone).upload("/imports/units", {"file": _upload(UNITS)}).status_code == 404
    assert not Branch.objects.filter(code__in=["n1", "n2"]).exists()


def test_the_api_imports_and_dry_runs(admin):
    api = Api.of(admin)
    dry = api.upload("/imports/units", {"file": _upload(UNITS), "dry_run": "true"})
    assert dry.status_code == 200, dry.content
    assert dry.json()["dry_run"] is True and dry.json()["rows"] == 2 and "Would import" in dry.json()["summary"]
    assert not Region.objects.exists()
    done = api.upload("/imports/units", {"file": _upload(UNITS)}, key="units-2026-12")
    assert done.status_code == 200 and done.json()["read_as"].startswith("CSV")
    assert Branch.objects.count() == 2


def test_the_api_answers_problems_by_row_and_column(admin):
    api = Api.of(admin)  # making the token is on the audit log: count after it
    before = _written()
    answer = api.upload("/imports/units", {"file": _upload(BAD_UNITS)})
    body = problem(answer)
    assert answer.status_code == 422 and "Nothing was imported" in body["detail"]
    assert any(e["row"] == 3 and e["field"] == "region_name" and "formula" in e["message"] for e in body["errors"])
    assert _written() == before


def test_a_read_token_cannot_import(admin):
    answer = Api.of(admin, scope="read").upload("/imports/units", {"file": _upload(UNITS)})
    assert answer.status_code == 403 and not Region.objects.exists()


def test_the_api_takes_a_crm_preset_and_column_map_for_members(admin):
    Branch.objects.create(code="n1", name="North One", region=Region.objects.create(code="north", name="North"))
    export = (
        b"External Identifier,First Name,Last Name,Email,Member Since,Membership Status,Local Party\n"
        b"C1,Ann,Ode,ann@example.org,2020-01-05,Current,n1\n"
    )
    answer = Api.of(admin).upload(
        "/imports/members",
        {"file": _upload(export, "contacts.csv"), "preset": "civicrm", "map": ["Local Party=branch"]},
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["created"] == 1
    member = Member.objects.get(membership_number="C1")
    assert (member.name, member.branch.code, member.status) == ("Ann Ode", "n1", "active")
