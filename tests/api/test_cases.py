"""The case list, the case record and opening a case through the API: the web's access policy, tried from every side."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fairhearing.audit.models import AuditEvent
from fairhearing.cases import services
from fairhearing.cases.models import Case, CaseSource, ComplainantKind
from fairhearing.organisation.models import Body
from fairhearing.procedure.workflow import Finding
from tests.api.client import Api, problem
from tests.cases.pages import before_the_hearing, later, noticed, open_about_mp, snapshot

pytestmark = pytest.mark.django_db


def fields(body: dict) -> set[str]:
    """The API fields a 422 names."""
    return {e["field"] for e in body["errors"]}


def minor(org, particulars: str = "Shouted at a meeting.", clause: str = "2.2") -> Case:
    """A complaint about an ordinary member of the North: not a national case."""
    return services.open_case(
        user=org.users["officer"],
        respondent=org.members["respondent"],
        allegations=[services.AllegationInput(clause, particulars, date(2026, 2, 1))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=later(0),
    )


def references(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [row["reference"] for row in response.json()["results"]]


def walk(api: Api, **query) -> list[str]:
    """Every page of the list, following next_cursor."""
    seen, cursor = [], None
    while True:
        page = api.get("/cases", **query, **({"cursor": cursor} if cursor else {}))
        seen += references(page)
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return seen


def test_the_list_walks_every_page_once_newest_first(org, clock):
    cases = [open_about_mp(org) if n % 2 else minor(org, f"Incident number {n}.") for n in range(7)]
    officer = Api.of(org.users["officer"])
    seen = walk(officer, limit=3)
    assert seen == [c.reference for c in sorted(cases, key=lambda c: -c.pk)]
    assert len(set(seen)) == 7
    first = officer.get("/cases", limit=3).json()
    assert len(first["results"]) == 3 and first["next_cursor"]
    row = first["results"][0]
    assert row["respondent"]["membership_number"] == cases[-1].respondent.membership_number
    assert set(row) >= {"reference", "stage", "body", "received_at", "due_on", "overdue", "suspended"}
    # A cursor not from this API, and a limit beyond the maximum, are named.
    assert fields(problem(officer.get("/cases", cursor="nonsense"))) == {"cursor"}
    assert officer.get("/cases", limit=1000).status_code == 422


def test_the_list_filters_as_the_workspace_does(org, clock):
    national = open_about_mp(org)
    regional = minor(org, "Posted insults about the treasurer.")
    investigating = open_about_mp(org)
    services.begin_triage(investigating, org.users["officer"], now=later(1))
    officer = Api.of(org.users["officer"])
    assert references(officer.get("/cases", stage="triage")) == [investigating.reference]
    assert set(references(officer.get("/cases", stage=["triage", "received"]))) == {
        national.reference,
        regional.reference,
        investigating.reference,
    }
    assert references(officer.get("/cases", body=regional.body_id)) == [regional.reference]
    assert references(officer.get("/cases", q="treasurer")) == [regional.reference]
    assert references(officer.get("/cases", q=national.reference)) == [national.reference]
    assert len(references(officer.get("/cases", clause="2.2"))) == 3
    assert references(officer.get("/cases", clause="9.9")) == []
    assert references(officer.get("/cases", suspended="true")) == []
    assert references(officer.get("/cases", received_from="2026-03-03")) == []
    assert len(references(officer.get("/cases", received_to="2026-03-02"))) == 3
    assert references(officer.get("/cases", overdue="true")) == []
    # Long past its stage's target date, the case in triage is overdue (a received case has no target yet).
    clock.day(60)
    officer = Api.of(org.users["officer"])
    overdue = officer.get("/cases", overdue="true").json()["results"]
    assert [row["reference"] for row in overdue] == [investigating.reference] and overdue[0]["overdue"]
    # Nonsense is named, not ignored.
    assert "received_to" in fields(problem(officer.get("/cases", received_from="2026-03-05", received_to="2026-03-01")))
    assert officer.get("/cases", stage="nowhere").status_code == 422
    assert officer.get("/cases", received_from="yesterday").status_code == 422


def test_the_list_costs_the_same_queries_however_many_cases(org, clock):
    officer = Api.of(org.users["officer"])
    for _ in range(2):
        open_about_mp(org)
    officer.get("/cases")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert len(references(officer.get("/cases"))) == 2
    for _ in range(6):
        minor(org)
    with CaptureQueriesContext(connection) as many:
        assert len(references(officer.get("/cases"))) == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_member_sees_no_staff_list_and_no_record(org, clock):
    case, _ = noticed(org)
    for who in ("mp", "complainant"):
        api = Api.of(org.users[who])
        assert references(api.get("/cases")) == []
        for path in ("", "/timeline", "/decision", "/appeals", "/actions"):
            answer = api.get(f"/cases/{case.reference}{path}")
            assert answer.status_code == 404, (who, path)
            assert problem(answer)["detail"] == "There is no case that you may see."
    # A case that does not exist answers exactly the same.
    missing = Api.of(org.users["officer"]).get("/cases/FH-2099-99999")
    assert problem(missing)["detail"] == "There is no case that you may see."
    assert not AuditEvent.objects.filter(action="case.viewed", case_reference=case.reference).exists()


def test_a_panel_member_reads_only_the_case_their_panel_hears(org, clock):
    heard, item = before_the_hearing(org)
    org.evidence(heard, admitted=False, description="Posts gathered by monitoring")
    other = open_about_mp(org)
    clock.day(13)
    panellist = Api.of(org.users["panellist"])
    assert references(panellist.get("/cases")) == [heard.reference]
    assert panellist.get(f"/cases/{other.reference}").status_code == 404
    record = panellist.get(f"/cases/{heard.reference}").json()
    # What the web hides from a panel, the API hides too: evidence not admitted.
    assert record["view"] == "panel"
    assert [e["id"] for e in record["evidence"]] == [item.pk]
    officer_record = Api.of(org.users["officer"]).get(f"/cases/{heard.reference}").json()
    assert officer_record["view"] == "staff" and len(officer_record["evidence"]) == 2
    # A panellist who sits on no panel of the case sees nothing of it.
    appeal_panellist = Api.of(org.users["appeal_panellist"])
    assert references(appeal_panellist.get("/cases")) == []
    assert appeal_panellist.get(f"/cases/{heard.reference}").status_code == 404


def test_a_conflicted_panel_member_is_refused(org, clock):
    case, _ = before_the_hearing(org)
    panellist = Api.of(org.users["panellist"])
    assert panellist.get(f"/cases/{case.reference}").status_code == 200
    services.declare_conflict(
        case,
        org.users["body_officer"],
        panel_member=org.members["ndp0"],
        with_member=org.members["complainant"],
        reason="The complainant is my sister.",
        now=later(12),
    )
    assert references(panellist.get("/cases")) == []
    for path in ("", "/timeline", "/actions"):
        assert panellist.get(f"/cases/{case.reference}{path}").status_code == 404


def test_a_body_officer_reads_only_their_bodys_cases(org, clock):
    national = open_about_mp(org)
    regional = minor(org)
    assert Body.objects.get(pk=regional.body_id).kind != "national-disputes-panel"
    body_officer = Api.of(org.users["body_officer"])
    assert references(body_officer.get("/cases")) == [national.reference]
    assert body_officer.get(f"/cases/{regional.reference}").status_code == 404
    # Filtering by a body they do not serve is not a way round it.
    assert body_officer.get("/cases", body=regional.body_id).status_code == 422
    # Oversight reads every case.
    assert set(references(Api.of(org.users["oversight"]).get("/cases"))) == {national.reference, regional.reference}


def test_every_look_at_a_case_is_on_the_audit_log(org, clock):
    case, _ = noticed(org)
    officer = org.users["officer"]
    api = Api.of(officer)
    before = AuditEvent.objects.filter(action="case.viewed", case_reference=case.reference).count()
    api.get(f"/cases/{case.reference}")
    api.get(f"/cases/{case.reference}/timeline")
    views = AuditEvent.objects.filter(action="case.viewed", case_reference=case.reference).order_by("index")
    assert views.count() == before + 2
    assert [v.data.get("page") for v in views][-2:] == ["api/case", "api/timeline"]
    assert views.last().actor_user_id == officer.pk


def test_the_timeline_pages_with_audit_log_indexes(org, clock):
    case, _ = noticed(org)
    api = Api.of(org.users["officer"])
    seen, cursor = [], None
    while True:
        page = api.get(f"/cases/{case.reference}/timeline", limit=2, **({"cursor": cursor} if cursor else {}))
        assert page.status_code == 200
        seen += page.json()["results"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert [e["id"] for e in seen] == list(case.timeline.order_by("pk").values_list("pk", flat=True))
    assert seen[0]["kind"] == "opened" and all(e["log_index"] is not None for e in seen)


def test_the_decision_and_the_appeal_are_their_own_resources(org, clock):
    case, item = before_the_hearing(org)
    api = Api.of(org.users["officer"])
    assert problem(api.get(f"/cases/{case.reference}/decision"))["status"] == 404
    assert api.get(f"/cases/{case.reference}/appeals").json() == {"results": [], "next_cursor": None}
    allegation = case.allegations.get()
    services.record_decision(
        case,
        org.users["panellist"],
        findings=[Finding(allegation.pk, True, "Proven on the messages.", frozenset({item.pk}))],
        sanction="advice",
        culpability="B",
        harm="2",
        departure_reason="An isolated lapse, apologised for.",
        now=later(23),
    )
    decision = api.get(f"/cases/{case.reference}/decision").json()
    assert decision["sanction"] == "advice" and decision["departure_reason"] == "An isolated lapse, apologised for."
    assert decision["guideline"] == {
        "starting_point": "Final warning",
        "lowest": "Warning",
        "highest": "Suspension from membership",
        "within_range": False,
    }
    assert decision["findings"] == [
        {
            "allegation": allegation.pk,
            "number": 1,
            "proven": True,
            "reasons": "Proven on the messages.",
            "evidence": [item.pk],
        }
    ]
    services.notify_decision(case, org.users["officer"], now=later(24))
    services.lodge_appeal(case, org.users["mp"], grounds={"disproportionate"}, now=later(25))
    appeals = api.get(f"/cases/{case.reference}/appeals").json()["results"]
    assert len(appeals) == 1 and appeals[0]["grounds"] == ["disproportionate"]
    assert appeals[0]["grounds_in_words"] == ["The sanction is disproportionate"] and appeals[0]["decision"] is None
    record = api.get(f"/cases/{case.reference}").json()
    assert record["appeal"]["grounds"] == ["disproportionate"] and len(record["decisions"]) == 1


def complaint(org, **changes) -> dict:
    return {
        "respondent": org.members["mp"].membership_number,
        "complainant_kind": "member",
        "complainant_member": org.members["complainant"].membership_number,
        "source": "email",
        "allegations": [{"clause": "2.2", "particulars": "Abusive messages.", "conduct_date": "2026-02-01"}],
    } | changes


def test_a_case_officer_opens_a_case(org, clock):
    answer = Api.of(org.users["officer"]).post("/cases", complaint(org))
    assert answer.status_code == 201, answer.content
    record = answer.json()
    case = Case.objects.get(reference=record["reference"])
    assert case.respondent == org.members["mp"] and record["stage"] == "received"
    assert record["body"]["kind"] == "national-disputes-panel"
    assert [a["clause"] for a in record["allegations"]] == ["2.2"]


def test_an_invalid_complaint_names_each_field_and_opens_nothing(org, clock):
    officer = Api.of(org.users["officer"])
    cases = Case.objects.count()
    answer = officer.post("/cases", complaint(org, respondent="M9999"))
    assert fields(problem(answer)) == {"respondent"}
    assert "No member has the membership number M9999." in answer.json()["detail"] + str(answer.json()["errors"])
    future = [{"clause": "2.2", "particulars": "Later.", "conduct_date": "2099-01-01"}]
    assert fields(problem(officer.post("/cases", complaint(org, allegations=future)))) == {"allegations.0.conduct_date"}
    unknown = [{"clause": "99.9", "particulars": "x", "conduct_date": "2026-02-01"}]
    assert fields(problem(officer.post("/cases", complaint(org, allegations=unknown)))) == {"allegations.0.clause"}
    nameless = complaint(org, complainant_kind="non_member", complainant_member="")
    assert fields(problem(officer.post("/cases", nameless))) == {"complainant_name"}
    # The schema's own checks: none, a wrong kind, an unknown field, an imported source.
    assert problem(officer.post("/cases", complaint(org, allegations=[])))["status"] == 422
    assert problem(officer.post("/cases", complaint(org, complainant_kind="alien")))["status"] == 422
    assert problem(officer.post("/cases", complaint(org, surprise=1)))["status"] == 422
    assert problem(officer.post("/cases", complaint(org, source="import")))["status"] == 422
    assert Case.objects.count() == cases


def test_a_refused_complaint_says_why_and_opens_nothing(org, clock):
    officer = Api.of(org.users["officer"])
    selfish = complaint(org, complainant_member=org.members["mp"].membership_number)
    body = problem(officer.post("/cases", selfish))
    assert body["status"] == 409
    assert body["refusals"] == [
        {"guard": "complainant", "message": "A member cannot complain about themselves.", "field": "complainant_member"}
    ]
    assert not Case.objects.exists()


def test_only_case_officers_open_cases_and_only_with_a_write_token(org, clock):
    for who in ("body_officer", "panellist", "oversight", "mp"):
        assert Api.of(org.users[who]).post("/cases", complaint(org)).status_code == 403, who
    read = Api.of(org.users["officer"], scope="read").post("/cases", complaint(org))
    assert problem(read)["status"] == 403
    assert not Case.objects.exists()


def test_the_record_is_the_web_pages_in_json(org, clock):
    case, item = before_the_hearing(org)
    before = snapshot(case)
    record = Api.of(org.users["officer"]).get(f"/cases/{case.reference}").json()
    assert snapshot(case) == before
    assert record["parties"]["respondent"]["membership_number"] == org.members["mp"].membership_number
    assert record["parties"]["offices"] == ["Member of Parliament"]
    assert record["notice"]["relied_on"] == [
        {"allegation": case.allegations.get().pk, "number": 1, "evidence": [item.pk]}
    ]
    assert record["response"]["text"] == "I deny it."
    assert [seat["seat"] for seat in record["panels"][0]["seats"]] == sorted(
        (s.pk for s in org.seats["ndp"][:3]), key=lambda pk: next(s.member.name for s in org.seats["ndp"] if s.pk == pk)
    )
    assert record["hearing_on"] == "2026-03-25" and record["suspended"] is False


def test_the_panel_reads_no_evidence_rulings_on_the_timeline(org, clock):
    case, _ = before_the_hearing(org)
    org.evidence(case, admitted=False, description="Posts gathered by monitoring")
    kinds = {
        e["kind"] for e in Api.of(org.users["panellist"]).get(f"/cases/{case.reference}/timeline").json()["results"]
    }
    assert "evidence_added" not in kinds and "notice_issued" in kinds
    staff = {e["kind"] for e in Api.of(org.users["officer"]).get(f"/cases/{case.reference}/timeline").json()["results"]}
    assert "evidence_added" in staff
