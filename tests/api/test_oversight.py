"""Oversight over the API: the dashboard and counts for oversight officers only; flags raised by oversight alone,
answered on the record by those who may; notes; and each rule tried by someone it must refuse."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Case, CaseFlag, EventKind, TimelineEvent
from tests.api.client import Api, problem
from tests.cases.organisation import build_org
from tests.evidence.casework import MONITORED, PNG, add, later, open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(example_source, settings, tmp_path):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    org = build_org(example_source)
    org.users["admin"] = create_user(username="admin", password="a long test password", roles={Role.ADMINISTRATOR})
    return org


@pytest.fixture
def case(org):
    return open_case(org)


def flag(org, case, kind="delay", detail="Why has this taken so long?"):
    return Api.of(org.users["oversight"]).post(
        "/oversight/flags", {"case": case.reference, "kind": kind, "detail": detail}
    )


def test_the_dashboard_shows_what_oversight_watches(org, case):
    Case.objects.filter(pk=case.pk).update(due_on=date(2020, 1, 1))
    add(org, case, name="p.png", data=PNG, facts=MONITORED, captured_at=later(1))
    assert flag(org, case, kind="inconsistent").status_code == 201
    answer = Api.of(org.users["oversight"]).get("/oversight/dashboard")
    assert answer.status_code == 200, answer.content
    board = answer.json()
    assert [c["reference"] for c in board["overdue_cases"]] == [case.reference]
    assert board["overdue_by_body"] == [{"body": case.body.name, "cases": 1}]
    assert [e["reference"] for e in board["doubtful_evidence"]] == [case.reference]
    assert [f["reference"] for f in board["flagged_inconsistent"]] == [case.reference]
    assert [f["reference"] for f in board["open_flags"]] == [case.reference]


@pytest.mark.parametrize("who", ["officer", "dpo", "body_officer", "panellist", "mp", "admin"])
def test_the_dashboard_and_counts_are_for_oversight_only(org, case, who):
    api = Api.of(org.users[who])
    assert problem(api.get("/oversight/dashboard"))["status"] == 404
    assert problem(api.get("/oversight/statistics"))["status"] == 404


def test_signed_out_callers_get_nothing(org, case):
    for path in ("/oversight/dashboard", "/oversight/statistics", "/oversight/flags"):
        assert Api(None).get(path).status_code == 401


def test_statistics_count_cases_by_stage_and_body(org, case):
    stats = Api.of(org.users["oversight"]).get("/oversight/statistics").json()
    assert stats["total"] == 1
    assert stats["by_stage"] == [{"stage": "investigation", "cases": 1}]
    assert stats["by_body"] == [{"body": case.body.name, "cases": 1}]


def test_oversight_raises_a_flag_and_a_case_officer_answers_it(org, case):
    raised = flag(org, case)
    assert raised.status_code == 201, raised.content
    body = raised.json()
    assert (body["reference"], body["kind"], body["resolved_at"]) == (case.reference, "delay", None)
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.FLAG_RAISED).exists()
    assert AuditEvent.objects.filter(action="timeline.flag_raised", case_reference=case.reference).exists()
    answer_url = f"/oversight/flags/{body['id']}/answer"
    officer = Api.of(org.users["officer"])
    blank = officer.post(answer_url, {"resolution": "  "})
    assert blank.status_code == 422 and problem(blank)["errors"][0]["field"] == "resolution"
    answered = officer.post(answer_url, {"resolution": "The witness was ill; the hearing is now fixed."})
    assert answered.status_code == 200 and answered.json()["resolved_by"] == "officer"
    again = officer.post(answer_url, {"resolution": "Again."})
    assert again.status_code == 409 and "already been answered" in problem(again)["detail"]


@pytest.mark.parametrize(("who", "status"), [("officer", 403), ("dpo", 403), ("mp", 404), ("respondent", 404)])
def test_only_oversight_raises_flags(org, case, who, status):
    answer = Api.of(org.users[who]).post("/oversight/flags", {"case": case.reference, "kind": "delay", "detail": "?"})
    assert answer.status_code == status and not CaseFlag.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"kind": "grudge"}, "kind"), ({"detail": "   "}, "detail"), ({"case": None}, "case")],
)
def test_a_bad_flag_names_the_field(org, case, body, field):
    data = {"case": case.reference, "kind": "delay", "detail": "Why?"} | body
    answer = Api.of(org.users["oversight"]).post("/oversight/flags", data)
    assert answer.status_code == 422
    assert field in {e["field"] for e in problem(answer)["errors"]}
    assert not CaseFlag.objects.exists()


def test_an_unknown_case_cannot_be_flagged(org):
    answer = Api.of(org.users["oversight"]).post(
        "/oversight/flags", {"case": "FH-2099-1", "kind": "delay", "detail": "?"}
    )
    assert answer.status_code == 404


@pytest.mark.parametrize(("who", "status"), [("dpo", 403), ("mp", 404), ("appeal_panellist", 404)])
def test_those_who_may_not_answer_a_flag_are_refused(org, case, who, status):
    flag_id = flag(org, case).json()["id"]
    answer = Api.of(org.users[who]).post(f"/oversight/flags/{flag_id}/answer", {"resolution": "Nothing to see."})
    assert answer.status_code == status
    assert CaseFlag.objects.get(pk=flag_id).resolved_at is None


def test_flags_are_listed_and_paged_for_those_who_answer_them(org, case):
    other = open_case(org)
    ids = [flag(org, c, detail=f"Concern {n}").json()["id"] for n, c in enumerate([case, other, case])]
    Api.of(org.users["officer"]).post(f"/oversight/flags/{ids[0]}/answer", {"resolution": "Done."})
    api = Api.of(org.users["oversight"])
    first = api.get("/oversight/flags", limit=2).json()
    rest = api.get("/oversight/flags", limit=2, cursor=first["next_cursor"]).json()
    assert [f["id"] for f in first["results"] + rest["results"]] == ids[::-1] and rest["next_cursor"] is None
    assert [f["id"] for f in api.get("/oversight/flags", state="open").json()["results"]] == ids[:0:-1]
    assert [f["id"] for f in api.get("/oversight/flags", state="answered").json()["results"]] == ids[:1]
    assert [f["id"] for f in api.get("/oversight/flags", case=other.reference).json()["results"]] == [ids[1]]
    assert api.get("/oversight/flags", state="closed").status_code == 422
    # A case officer reads every case, so every flag; a member, a panellist and the DPO see none.
    assert len(Api.of(org.users["officer"]).get("/oversight/flags").json()["results"]) == 3
    for who in ("mp", "panellist", "dpo", "admin"):
        assert Api.of(org.users[who]).get("/oversight/flags").json()["results"] == []


def test_notes_go_on_the_timeline_for_those_who_may_add_them(org, case):
    answer = Api.of(org.users["oversight"]).post("/oversight/notes", {"case": case.reference, "text": "Checked."})
    assert answer.status_code == 201 and answer.json()["text"] == "Checked."
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.NOTE, summary="Checked.").exists()
    assert Api.of(org.users["dpo"]).post("/oversight/notes", {"case": case.reference, "text": "x"}).status_code == 403
    assert Api.of(org.users["mp"]).post("/oversight/notes", {"case": case.reference, "text": "x"}).status_code == 404
    blank = Api.of(org.users["officer"]).post("/oversight/notes", {"case": case.reference, "text": " "})
    assert blank.status_code == 422
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.NOTE).count() == 1


def test_a_suspension_due_for_review_is_on_the_dashboard(org, case):
    from fairhearing.cases import services

    services.impose_interim_suspension(
        case,
        org.users["officer"],
        criterion="risk to witnesses",
        reasons="Threats were made.",
        proportionality="Nothing less protects them.",
        restricts="Attending meetings.",
        review_by=date(2026, 3, 20),
        now=later(3),
    )
    board = Api.of(org.users["oversight"]).get("/oversight/dashboard").json()
    overdue = date(2026, 3, 20) < timezone.localdate()
    assert [(s["reference"], s["review_overdue"]) for s in board["suspensions"]] == [(case.reference, overdue)]
