"""Opening a case from the staff workspace: the complaint, one or more allegations, and refusals naming the field."""

from __future__ import annotations

import pytest

from fairhearing.cases.models import Case, TimelineEvent
from tests.cases.organisation import build_org
from tests.cases.pages import alert, get_as, inline_code, post_as, unlabelled_controls

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(example_source):
    return build_org(example_source)


def complaint(org, *allegations: tuple[str, str, str], **changes) -> dict:
    allegations = allegations or (("2.2", "Abusive messages to branch members.", "2026-02-01"),)
    form = {
        "respondent": org.members["respondent"].membership_number,
        "complainant_kind": "member",
        "complainant_member": org.members["complainant"].membership_number,
        "complainant_name": "",
        "complainant_email": "",
        "source": "email",
        "allegations-TOTAL_FORMS": str(len(allegations)),
        "allegations-INITIAL_FORMS": "0",
    }
    for n, (clause, particulars, conduct) in enumerate(allegations):
        form |= {
            f"allegations-{n}-clause": clause,
            f"allegations-{n}-particulars": particulars,
            f"allegations-{n}-conduct_date": conduct,
        }
    return form | changes


def test_a_case_officer_opens_a_case_with_two_allegations(client, org, clock):
    officer = org.users["officer"]
    form = get_as(client, officer, "/cases/new/").content.decode()
    assert '<option value="2.2">2.2 ' in form
    assert unlabelled_controls(form) == [] and inline_code(form) == []
    data = complaint(
        org,
        ("2.2", "Abusive messages to branch members.", "2026-02-01"),
        ("2.1", "Shouted down a speaker at the branch meeting.", "2026-02-10"),
    )
    response = post_as(client, officer, "/cases/new/", data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.reference}/"
    assert [(a.clause, str(a.conduct_date)) for a in case.allegations.all()] == [
        ("2.2", "2026-02-01"),
        ("2.1", "2026-02-10"),
    ]
    assert case.complainant_member == org.members["complainant"] and case.source == "email"
    page = client.get(response["Location"]).content.decode()
    assert f"Case {case.reference} opened, with the {case.body.name}." in page
    assert "Abuse of fellow members" in page  # the clause's title from the rulebook


def test_a_complainant_who_is_not_a_member(client, org, clock):
    data = complaint(
        org,
        complainant_kind="non_member",
        complainant_member="",
        complainant_name="A. Neighbour",
        complainant_email="neighbour@example.org",
        source="letter",
    )
    response = post_as(client, org.users["officer"], "/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.complainant_member, case.complainant_name) == (None, "A. Neighbour")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"respondent": "M9999"}, "Respondent&#x27;s membership number: No member has the membership number M9999."),
        ({"complainant_member": ""}, "Complainant&#x27;s membership number: Enter the complainant&#x27;s membership"),
        (
            {"complainant_kind": "non_member", "complainant_member": ""},
            "Complainant&#x27;s name: Enter the complainant&#x27;s name.",
        ),
        ({"complainant_email": "not an address"}, "must be written like name@example.org"),
        ({"allegations-0-clause": ""}, "Clause (allegation 1): Choose the clause alleged."),
        ({"allegations-0-conduct_date": "2027-01-01"}, "The date of the conduct cannot be in the future."),
        ({"allegations-0-conduct_date": "yesterday"}, "Date of the conduct (allegation 1): The date of the conduct"),
        ({"allegations-0-particulars": " "}, "Write down what the respondent is alleged to have done."),
    ],
)
def test_bad_answers_are_field_errors_and_open_nothing(client, org, clock, changes, problem):
    response = post_as(client, org.users["officer"], "/cases/new/", complaint(org, **changes))
    assert response.status_code == 400
    assert problem in alert(response.content.decode())
    assert not Case.objects.exists() and not TimelineEvent.objects.exists()


def test_the_rules_refusals_are_shown_and_open_nothing(client, org, clock):
    officer = org.users["officer"]
    same = complaint(org, complainant_member=org.members["respondent"].membership_number)
    response = post_as(client, officer, "/cases/new/", same)
    assert "A member cannot complain about themselves." in alert(response.content.decode())
    old = complaint(org, ("2.2", "Long ago.", "2019-06-01"))
    response = post_as(client, officer, "/cases/new/", old)
    assert "No rulebook version was in force on 1 June 2019" in alert(response.content.decode())
    assert not Case.objects.exists()


def test_add_another_allegation_adds_a_row_and_saves_nothing(client, org, clock):
    response = post_as(client, org.users["officer"], "/cases/new/", complaint(org) | {"more": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and 'name="allegations-1-clause"' in page
    assert 'value="Abusive messages' in page or "Abusive messages to branch members." in page
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["body_officer", "panellist", "oversight", "dpo", "mp"])
def test_only_case_officers_open_cases(client, org, who):
    assert get_as(client, org.users[who], "/cases/new/").status_code == 404
    assert post_as(client, org.users[who], "/cases/new/", complaint(org)).status_code == 404
    assert not Case.objects.exists()
