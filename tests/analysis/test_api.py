"""The analysis over the API: a case's precedents for whoever reads the case as staff, the latest analysis for
oversight officers; everyone else is told there is nothing there, and every rule is tried by someone it refuses."""

from __future__ import annotations

import pytest

from fairhearing.analysis.models import AnalysisTrigger
from fairhearing.analysis.services import refresh_analysis
from fairhearing.audit.models import AuditEvent
from tests.analysis.casework import decided, heard, later
from tests.api.client import Api, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(org):
    """Before the panel the `panellist` user sits on, with two like cases decided before it."""
    decided(org)
    decided(org, sanction="advice", departure_reason="A full apology.")
    return heard(org)[0]


@pytest.mark.parametrize("who", ["officer", "body_officer", "panellist", "oversight", "dpo"])
def test_staff_who_read_the_case_see_its_precedents(org, case, who):
    answer = Api.of(org.users[who], scope="read").get(f"/cases/{case.reference}/precedents")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["case"] == case.reference
    refs = [p["case_ref"] for p in body["precedents"]]
    assert len(refs) == 2 and case.reference not in refs
    assert {p["sanction"] for p in body["precedents"]} == {"final-warning", "advice"}
    assert body["spread"] == {
        "counts": {"advice": 1, "final-warning": 1},
        "lowest": "advice",
        "highest": "final-warning",
        "median": "advice",
    }
    assert AuditEvent.objects.filter(
        action="case.viewed", case_reference=case.reference, data__page="api/precedents"
    ).exists()


def test_k_limits_the_precedents_and_is_checked(org, case):
    api = Api.of(org.users["officer"])
    assert len(api.get(f"/cases/{case.reference}/precedents", k=1).json()["precedents"]) == 1
    assert problem(api.get(f"/cases/{case.reference}/precedents", k=0))["status"] == 422
    assert problem(api.get(f"/cases/{case.reference}/precedents", k=51))["status"] == 422


@pytest.mark.parametrize(
    "who",
    [
        "mp",  # the respondent: members have the portal, never the staff record
        "complainant",
        "respondent",  # a member with no part in this case
        "appeal_panellist",  # a panel member who does not sit on this case
        "appeals_officer",  # a body officer of a body without the case
    ],
)
def test_anyone_else_is_told_the_case_is_not_there(org, case, who):
    answer = Api.of(org.users[who]).get(f"/cases/{case.reference}/precedents")
    assert problem(answer)["status"] == 404
    assert "precedents" not in answer.json()
    assert not AuditEvent.objects.filter(action="case.viewed", data__page="api/precedents").exists()


def test_an_unknown_case_is_not_found_and_signed_out_callers_are_unauthorised(org, case):
    assert problem(Api.of(org.users["officer"]).get("/cases/FH-1999-00001/precedents"))["status"] == 404
    assert problem(Api(None).get(f"/cases/{case.reference}/precedents"))["status"] == 401
    assert problem(Api("fh_not-a-real-token").get(f"/cases/{case.reference}/precedents"))["status"] == 401


def test_the_latest_analysis_for_oversight(org, case):
    api = Api.of(org.users["oversight"], scope="read")
    assert problem(api.get("/oversight/analysis"))["status"] == 404
    refresh_analysis(now=later(30), trigger=AnalysisTrigger.SCHEDULE)
    latest = refresh_analysis(now=later(31), trigger=AnalysisTrigger.COMMAND)
    answer = api.get("/oversight/analysis")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["run"] == latest.pk and body["trigger"] == "command" and body["flags_raised"] == 0
    assert (body["cases"], body["decisions"]) == (3, 2)
    assert body["report"] == latest.report


@pytest.mark.parametrize(
    "who", ["officer", "body_officer", "panellist", "appeal_panellist", "dpo", "mp", "complainant", "respondent"]
)
def test_the_analysis_is_for_oversight_officers_only(org, case, who):
    refresh_analysis(now=later(30), trigger=AnalysisTrigger.SCHEDULE)
    assert problem(Api.of(org.users[who]).get("/oversight/analysis"))["status"] == 404


def test_the_analysis_needs_signing_in(org, case):
    refresh_analysis(now=later(30), trigger=AnalysisTrigger.SCHEDULE)
    assert problem(Api(None).get("/oversight/analysis"))["status"] == 401
