"""The member's own endpoints under /me: the portal's view of a case, replying, appealing, receipts, one's data.

Each side sees exactly what the portal shows it, every look at a case is logged, and every way of reaching a case
that is not the caller's own - another member's, the complainant replying - answers 404 like a missing case.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client

from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Appeal, EventKind, TimelineEvent
from fairhearing.privacy.models import SubjectAccessRequest
from fairhearing.procedure.stages import Stage
from tests.api.client import Api, problem
from tests.cases.organisation import Org, build_org
from tests.portal.cases import FINDING_REASONS, RESPONSE, Journey
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
REPLY = "I deny the allegation: the message was a joke between friends."
EXPLANATION = "A final warning is too much for one message, sent once, which I apologised for the next day."


@pytest.fixture
def org(settings, tmp_path, example_source) -> Org:
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_org(example_source)


def api(org: Org, who: str, scope: str = "write") -> Api:
    return Api.of(org.users[who], scope)


def fields(answer: dict) -> list[str]:
    """The request fields a 422 names: the body's own field, whatever path the API puts before it."""
    assert answer["status"] == 422, answer
    return [[part for part in e["field"].split(".") if not part.isdigit()][-1] for e in answer["errors"]]


def nothing_changed(case) -> dict:
    case.refresh_from_db()
    return {
        "stage": case.stage,
        "timeline": TimelineEvent.objects.filter(case=case).count(),
        "appeals": Appeal.objects.count(),
    }


# -- the list and the case ---------------------------------------------------------------------------------------


def test_each_party_lists_the_case_with_what_happens_next_for_them(org):
    case = Journey(org, days_ago=3).notice().case
    mine = api(org, "respondent").get("/me/cases")
    assert mine.status_code == 200
    [row] = mine.json()["results"]
    assert row["reference"] == case.reference and row["party"] == "respondent"
    assert row["stage"] == Stage.NOTICE_ISSUED and row["stage_label"] == Stage.NOTICE_ISSUED.label
    assert row["next"]["action"] == "respond" and row["next"]["text"].startswith("Reply to the allegations by")
    assert mine.json()["next_cursor"] is None

    [theirs] = api(org, "complainant").get("/me/cases").json()["results"]
    assert theirs["party"] == "complainant" and theirs["next"]["action"] is None
    assert "The respondent has been sent the allegations" in theirs["next"]["text"]

    # Another member, and staff who read the case as staff, have no case here.
    assert api(org, "mp").get("/me/cases").json() == {"results": [], "next_cursor": None}
    assert api(org, "officer").get("/me/cases").json()["results"] == []
    view = AuditEvent.objects.filter(action="portal.viewed").order_by("index").first()
    assert view.actor_user_id == org.users["respondent"].pk
    assert view.data == {"cases": [case.reference], "via": "api"}


def test_the_list_is_paged(org):
    first = Journey(org, days_ago=3).case
    second = Journey(org, days_ago=2).case
    client = api(org, "respondent")
    page = client.get("/me/cases", limit=1).json()
    assert [r["reference"] for r in page["results"]] == [second.reference]
    rest = client.get("/me/cases", limit=1, cursor=page["next_cursor"]).json()
    assert [r["reference"] for r in rest["results"]] == [first.reference] and rest["next_cursor"] is None
    assert problem(client.get("/me/cases", cursor="nonsense"))["errors"][0]["field"] == "cursor"


def test_the_respondent_sees_the_record_served_on_them(org):
    journey = Journey(org, days_ago=5).notice().suspend(days=3)
    case = journey.case
    response = api(org, "respondent").get(f"/me/cases/{case.reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["party"] == "respondent" and body["next"]["action"] == "respond"
    [allegation] = body["allegations"]
    assert allegation["number"] == 1 and allegation["clause"] == "2.2"
    assert body["notice"]["served_on"] == journey.date(1).isoformat()
    assert body["notice"]["response_due"] == body["next"]["due"]
    assert body["time_limits"]["respond_days"] > 0
    [suspension] = body["suspensions"]
    assert suspension["active"] and suspension["review_by"] == journey.date(23).isoformat()
    [served] = body["evidence"]
    assert served["served"] and served["file_name"] == "forwarded-message.txt"
    assert [r["index"] for r in body["receipts"]] == sorted(r["index"] for r in body["receipts"])
    assert len(body["receipts"]) == case.timeline.count()
    assert body["response"] is None and body["appeal"] is None and body["outcome"] is None
    view = AuditEvent.objects.get(action="portal.case_viewed")
    assert view.actor_user_id == org.users["respondent"].pk and view.case_reference == case.reference
    assert view.data == {"as": "respondent", "via": "api"}


def test_the_complainant_sees_the_outcome_and_nothing_of_the_respondents(org):
    journey = Journey(org, days_ago=40).notify()
    case = journey.case
    response = api(org, "complainant").get(f"/me/cases/{case.reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["party"] == "complainant" and body["outcome"]["sanction"] == "Final warning"
    assert body["outcome"]["reasons"] == "" and body["outcome"]["findings"] == []
    for respondent_only in ("allegations", "notice", "time_limits", "suspensions", "response", "appeal"):
        assert body[respondent_only] is None, respondent_only
    text = json.dumps(body)
    assert RESPONSE not in text and FINDING_REASONS not in text
    assert "Evidence added" not in text and "Response received" in text
    # The respondent sees their reply and the panel's reasons.
    mine = api(org, "respondent").get(f"/me/cases/{case.reference}").json()
    assert mine["response"]["text"] == RESPONSE
    assert mine["outcome"]["findings"][0]["reasons"] == FINDING_REASONS
    assert mine["next"]["action"] == "appeal"


def test_the_complainant_is_not_told_of_an_interim_suspension(org):
    case = Journey(org, days_ago=5).notice().suspend(days=3).case
    body = api(org, "complainant").get(f"/me/cases/{case.reference}").json()
    assert body.pop("suspensions") is None  # the field is the respondent's only: null, never a list
    assert "suspen" not in json.dumps(body).lower()
    receipts = api(org, "complainant").get("/me/receipts")
    assert "suspen" not in receipts.content.decode().lower()


def test_another_members_case_is_not_found_like_a_missing_one(org):
    case = Journey(org, days_ago=3).notice().case
    missing = problem(api(org, "mp").get("/me/cases/NO-SUCH-CASE"))
    for who in ("mp", "officer", "panellist"):
        refused = api(org, who).get(f"/me/cases/{case.reference}")
        assert refused.status_code == 404 and problem(refused)["detail"] == missing["detail"]
    assert not AuditEvent.objects.filter(action="portal.case_viewed").exists()


# -- replying ------------------------------------------------------------------------------------------------------


def test_the_respondent_replies_through_the_portals_path(org):
    case = Journey(org, days_ago=3).notice().case
    response = api(org, "respondent").post(f"/me/cases/{case.reference}/response", {"response": REPLY})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reference"] == case.reference and body["stage"] == Stage.RESPONSE_RECEIVED
    assert body["next"]["text"].startswith("Your reply was received on")
    event = TimelineEvent.objects.get(case=case, kind=EventKind.RESPONSE_RECEIVED)
    assert event.data == {"response": REPLY} and event.actor == org.users["respondent"]
    assert AuditEvent.objects.filter(action="timeline.response_received", case_reference=case.reference).count() == 1


@pytest.mark.parametrize("who", ["complainant", "mp", "officer"])
def test_nobody_but_the_respondent_can_reply(org, who):
    case = Journey(org, days_ago=3).notice().case
    before = nothing_changed(case)
    response = api(org, who).post(f"/me/cases/{case.reference}/response", {"response": REPLY})
    assert response.status_code == 404 and problem(response)["detail"] == "There is no case that you may see."
    assert nothing_changed(case) == before


def test_a_blank_or_missing_reply_names_the_field(org):
    case = Journey(org, days_ago=3).notice().case
    before = nothing_changed(case)
    client = api(org, "respondent")
    for body in ({"response": "   \n "}, {}, {"response": "x" * 50_001}):
        assert fields(problem(client.post(f"/me/cases/{case.reference}/response", body))) == ["response"]
    assert nothing_changed(case) == before


def test_a_reply_the_procedure_refuses_is_a_conflict_that_changes_nothing(org):
    case = Journey(org, days_ago=3).investigate().case  # no notice yet: nothing to reply to
    before = nothing_changed(case)
    answer = problem(api(org, "respondent").post(f"/me/cases/{case.reference}/response", {"response": REPLY}))
    assert answer["status"] == 409 and answer["refusals"]
    assert nothing_changed(case) == before


def test_a_read_token_cannot_reply(org):
    case = Journey(org, days_ago=3).notice().case
    answer = problem(api(org, "respondent", "read").post(f"/me/cases/{case.reference}/response", {"response": REPLY}))
    assert answer["status"] == 403
    assert case.timeline.filter(kind=EventKind.RESPONSE_RECEIVED).count() == 0


# -- appealing -----------------------------------------------------------------------------------------------------


def test_the_respondent_appeals_within_the_window(org):
    case = Journey(org, days_ago=40).notify().case
    response = api(org, "respondent").post(
        f"/me/cases/{case.reference}/appeal",
        {"grounds": ["disproportionate", "procedure"], "explanation": EXPLANATION},
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"] == Stage.APPEAL_LODGED
    appeal = Appeal.objects.get(case=case)
    assert appeal.grounds == ["disproportionate", "procedure"] and appeal.explanation == EXPLANATION
    mine = api(org, "respondent").get(f"/me/cases/{case.reference}").json()
    assert mine["appeal"]["lodged_on"] == appeal.lodged_on.isoformat() and len(mine["appeal"]["grounds"]) == 2


def test_appeal_checks_name_the_field_and_change_nothing(org):
    case = Journey(org, days_ago=40).notify().case
    before = nothing_changed(case)
    client = api(org, "respondent")
    url = f"/me/cases/{case.reference}/appeal"
    assert fields(problem(client.post(url, {"grounds": ["made-up"], "explanation": EXPLANATION}))) == ["grounds"]
    assert fields(problem(client.post(url, {"grounds": [], "explanation": EXPLANATION}))) == ["grounds"]
    assert fields(problem(client.post(url, {"grounds": ["procedure"], "explanation": " "}))) == ["explanation"]
    assert nothing_changed(case) == before


def test_an_appeal_before_any_decision_is_refused_by_the_procedure(org):
    case = Journey(org, days_ago=40).hearing().case
    before = nothing_changed(case)
    answer = problem(
        api(org, "respondent").post(
            f"/me/cases/{case.reference}/appeal", {"grounds": ["procedure"], "explanation": EXPLANATION}
        )
    )
    assert answer["status"] == 409 and answer["refusals"]
    assert nothing_changed(case) == before


@pytest.mark.parametrize("who", ["complainant", "mp"])
def test_nobody_but_the_respondent_can_appeal(org, who):
    case = Journey(org, days_ago=40).notify().case
    response = api(org, who).post(
        f"/me/cases/{case.reference}/appeal", {"grounds": ["procedure"], "explanation": EXPLANATION}
    )
    assert response.status_code == 404 and problem(response)
    assert not Appeal.objects.exists()


# -- receipts and one's data ---------------------------------------------------------------------------------------


def test_receipts_are_each_partys_own_paged_by_log_index(org):
    case = Journey(org, days_ago=5).notice().suspend(days=3).case
    other = Journey(org, days_ago=5)  # a second case of the same respondent
    client = api(org, "respondent")
    seen, cursor = [], None
    while True:
        page = client.get("/me/receipts", limit=4, **({"cursor": cursor} if cursor else {})).json()
        seen += page["results"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    mine = {case.reference, other.case.reference}
    events = AuditEvent.objects.filter(object_type="timeline_event", case_reference__in=mine).order_by("index")
    assert [r["index"] for r in seen] == [e.index for e in events]
    assert {r["case_reference"] for r in seen} == mine
    assert seen[0]["proof"] == f"/audit/entries/{seen[0]['index']}/proof"
    assert "Interim suspension imposed" in {r["what"] for r in seen}

    theirs = api(org, "complainant").get("/me/receipts", limit=200).json()["results"]
    kinds = {r["what"] for r in theirs}
    assert "Case opened" in kinds and "Notice issued" in kinds
    assert not kinds & {"Interim suspension imposed", "Evidence added"}
    assert api(org, "mp").get("/me/receipts").json()["results"] == []


def test_a_member_downloads_their_data_and_the_request_is_recorded(org):
    Journey(org, days_ago=3).notice()
    response = api(org, "respondent").post("/me/data-request")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-M0000-')
    assert zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    sar = SubjectAccessRequest.objects.get()
    assert sar.member == org.members["respondent"]
    # Staff without a membership record have no data request of their own to make here.
    assert problem(api(org, "officer").post("/me/data-request"))["status"] == 404
    assert SubjectAccessRequest.objects.count() == 1


def test_a_member_signed_in_on_the_web_uses_the_same_endpoints(org):
    case = Journey(org, days_ago=3).notice().case
    client = sign_in(Client(), org.users["respondent"])
    assert client.get(f"/api/v1/me/cases/{case.reference}").json()["party"] == "respondent"
    assert client.get("/api/v1/me/cases").status_code == 200
