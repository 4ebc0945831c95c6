"""The register of members over the API: need-to-know reads (each one on the log), administrators' changes on the
log without the values, and fields named when input is bad."""

from __future__ import annotations

import pytest

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.audit.models import AuditEvent
from fairhearing.organisation.models import Member
from tests.api.client import Api, problem
from tests.cases.organisation import build_org

pytestmark = pytest.mark.django_db


def named(answer) -> set[str]:
    return {e["field"] for e in problem(answer)["errors"]}


NEW = {
    "membership_number": "M9001",
    "name": "Nadia Okafor",
    "email": "nadia@example.org",
    "branch": "s1",
    "joined": "2024-01-15",
    "offices": [{"office": "councillor", "since": "2025-05-01"}],
}


@pytest.fixture
def org(example_source):
    org = build_org(example_source)
    org.users["admin"] = create_user(username="admin", password="a long test password", roles={Role.ADMINISTRATOR})
    return org


@pytest.mark.parametrize("who", ["officer", "oversight", "dpo", "admin"])
def test_those_who_need_the_register_list_and_filter_it(org, who):
    api = Api.of(org.users[who])
    page = api.get("/members", limit=3).json()
    assert len(page["results"]) == 3 and page["next_cursor"]
    numbers = [m["membership_number"] for m in page["results"]]
    rest = api.get("/members", cursor=page["next_cursor"], limit=200).json()
    assert not set(numbers) & {m["membership_number"] for m in rest["results"]}
    assert len(numbers) + len(rest["results"]) == Member.objects.count() and rest["next_cursor"] is None
    south = api.get("/members", region="south", limit=200).json()["results"]
    assert south and {m["region"] for m in south} == {"south"}
    assert [m["membership_number"] for m in api.get("/members", branch="n1", q="respond").json()["results"]] == [
        org.members["respondent"].membership_number
    ]
    assert "email" not in page["results"][0]


@pytest.mark.parametrize("who", ["respondent", "panellist", "body_officer"])
def test_everyone_else_sees_no_members_and_no_record(org, who):
    api = Api.of(org.users[who])
    assert api.get("/members").json() == {"results": [], "next_cursor": None}
    answer = api.get(f"/members/{org.members['mp'].membership_number}")
    assert answer.status_code == 404 and problem(answer)["status"] == 404
    assert not AuditEvent.objects.filter(action="member.viewed").exists()


def test_signed_out_callers_are_refused(org):
    assert Api(None).get("/members").status_code == 401
    assert Api(None).post("/members", NEW).status_code == 401


def test_reading_a_record_shows_its_offices_and_goes_on_the_log(org):
    mp = org.members["mp"]
    answer = Api.of(org.users["officer"]).get(f"/members/{mp.membership_number}")
    assert answer.status_code == 200
    record = answer.json()
    assert record["branch"] == "s1" and record["region"] == "south" and record["branch_name"] == "South One"
    assert record["offices"] == [{"office": "mp", "since": "2015-05-07", "until": None}]
    entry = AuditEvent.objects.get(action="member.viewed")
    assert entry.subject_member_ids == [mp.pk] and mp.name not in entry.summary


def test_an_administrator_adds_a_member_and_the_log_names_fields_not_values(org):
    answer = Api.of(org.users["admin"]).post("/members", NEW)
    assert answer.status_code == 201, answer.content
    member = Member.objects.get(membership_number="M9001")
    assert answer.json()["offices"] == [{"office": "councillor", "since": "2025-05-01", "until": None}]
    assert member.branch.code == "s1" and member.offices.get().office == "councillor"
    entry = AuditEvent.objects.get(action="member.created")
    assert entry.subject_member_ids == [member.pk] and entry.actor_user_id == org.users["admin"].pk
    assert "email" in entry.data["fields"] and "offices" in entry.data["fields"]
    text = entry.summary + str(entry.data)
    assert "Nadia" not in text and "nadia@example.org" not in text and "councillor" not in text


def test_an_administrator_changes_a_member(org):
    mp = org.members["mp"]
    api = Api.of(org.users["admin"])
    answer = api.patch(
        f"/members/{mp.membership_number}",
        {"name": "Margaret Peabody", "branch": "n1", "status": "resigned", "left_on": "2026-01-31", "offices": []},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["name"], body["branch"], body["status"], body["left_on"], body["offices"]) == (
        "Margaret Peabody",
        "n1",
        "resigned",
        "2026-01-31",
        [],
    )
    entry = AuditEvent.objects.get(action="member.updated")
    assert entry.data["fields"] == ["branch", "left_on", "name", "status", "offices"]
    assert "Margaret" not in entry.summary + str(entry.data)
    # Sending the same values again changes nothing, so nothing more goes on the log.
    assert api.patch(f"/members/{mp.membership_number}", {"name": "Margaret Peabody"}).status_code == 200
    assert AuditEvent.objects.filter(action="member.updated").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"branch": "nowhere"}, "branch"),
        ({"membership_number": "M0000"}, "membership_number"),
        ({"email": "not an address"}, "email"),
        ({"joined": "yesterday"}, "joined"),
        ({"status": "banished"}, "status"),
        ({"left_on": "2000-01-01"}, "left_on"),
        ({"offices": [{"office": "emperor", "since": "2020-01-01"}]}, "offices.0.office"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_input_names_the_field_and_adds_nobody(org, change, field):
    before = Member.objects.count()
    answer = Api.of(org.users["admin"]).post("/members", NEW | change)
    assert answer.status_code == 422
    assert field in named(answer)
    assert Member.objects.count() == before and not AuditEvent.objects.filter(action="member.created").exists()


def test_a_bad_change_names_the_field_and_changes_nothing(org):
    mp = org.members["mp"]
    answer = Api.of(org.users["admin"]).patch(f"/members/{mp.membership_number}", {"name": "X", "branch": "zz"})
    assert answer.status_code == 422 and [e["field"] for e in problem(answer)["errors"]] == ["branch"]
    mp.refresh_from_db()
    assert mp.name == "Mp" and not AuditEvent.objects.filter(action="member.updated").exists()


@pytest.mark.parametrize("who", ["officer", "oversight", "dpo"])
def test_only_administrators_change_the_register(org, who):
    api = Api.of(org.users[who])
    assert api.post("/members", NEW).status_code == 403
    assert api.patch(f"/members/{org.members['mp'].membership_number}", {"name": "X"}).status_code == 403
    assert not Member.objects.filter(membership_number="M9001").exists()


def test_members_and_panellists_cannot_change_it_and_learn_nothing(org):
    for who in ("mp", "panellist"):
        api = Api.of(org.users[who])
        assert api.post("/members", NEW).status_code == 404
        assert api.patch(f"/members/{org.members['mp'].membership_number}", {"name": "X"}).status_code == 404


def test_a_read_token_cannot_change_the_register(org):
    answer = Api.of(org.users["admin"], scope="read").post("/members", NEW)
    assert answer.status_code == 403 and not Member.objects.filter(membership_number="M9001").exists()


def test_an_anonymised_member_cannot_be_changed(org):
    from django.utils import timezone

    mp = org.members["mp"]
    Member.objects.filter(pk=mp.pk).update(anonymised_at=timezone.now())
    answer = Api.of(org.users["admin"]).patch(f"/members/{mp.membership_number}", {"status": "lapsed"})
    assert answer.status_code == 409 and "anonymised" in problem(answer)["detail"]
    mp.refresh_from_db()
    assert mp.status == "active"
