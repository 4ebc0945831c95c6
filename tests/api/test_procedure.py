"""Procedure actions through the API: the web's forms and services behind typed JSON bodies, refusals that change
nothing, and every access rule tried from the wrong side."""

from __future__ import annotations

import json

import pytest

from fairhearing.api.action_bodies import BODIES
from fairhearing.cases.actions.registry import FORMS
from fairhearing.cases.models import Decision, DecisionKind, Notice
from fairhearing.procedure.stages import Stage
from tests.api.client import Api, problem
from tests.cases.pages import before_the_hearing, investigating, noticed, open_about_mp, snapshot

pytestmark = pytest.mark.django_db


def fields(body: dict) -> set[str]:
    return {e["field"] for e in body["errors"]}


class Actor:
    """One user calling actions on one case; a fresh token after each move of the clock (tokens expire)."""

    def __init__(self, user, case) -> None:
        self.user, self.case = user, case

    def act(self, action: str, body: dict | None = None):
        return Api.of(self.user).post(f"/cases/{self.case.reference}/actions/{action}", body or {})

    def ok(self, action: str, body: dict | None = None) -> dict:
        answer = self.act(action, body)
        assert answer.status_code == 200, answer.content.decode()[:2000]
        return answer.json()


def test_every_action_is_its_own_documented_operation():
    assert set(BODIES) == set(FORMS)
    names = {op.view_func.__name__ for path in _procedure_paths() for op in path.operations}
    assert names >= {f"act_{action.value}" for action in FORMS}
    schemas = {BODIES[a].schema.__name__ for a in FORMS}
    assert len(schemas) == len(FORMS)  # each its own body schema
    for path in _procedure_paths():
        for op in path.operations:
            if op.view_func.__name__.startswith("act_"):
                assert op.summary and op.methods == ["POST"]


def _procedure_paths():
    from fairhearing.api.routers.procedure import router

    return router.path_operations.values()


def test_the_whole_procedure_through_the_api(org, clock):
    officer, body_officer = org.users["officer"], org.users["body_officer"]
    opened = Api.of(officer).post(
        "/cases",
        {
            "respondent": org.members["mp"].membership_number,
            "complainant_kind": "member",
            "complainant_member": org.members["complainant"].membership_number,
            "source": "email",
            "allegations": [
                {"clause": "2.2", "particulars": "Abusive messages to branch members.", "conduct_date": "2026-02-01"}
            ],
        },
    )
    assert opened.status_code == 201, opened.content
    case = org.members["mp"].cases_as_respondent.get()
    allegation = case.allegations.get()
    as_officer, as_body = Actor(officer, case), Actor(body_officer, case)

    clock.day(1)
    offers = Api.of(officer).get(f"/cases/{case.reference}/actions").json()
    assert offers["next_steps"][0]["path"] == f"/api/v1/cases/{case.reference}/actions/begin_triage"
    assert as_officer.ok("begin_triage")["stage"] == "triage"
    triage = {"informal_resolution_suitable": False, "interim_action_needed": False}
    record = as_officer.ok("record_triage", triage | {"protected_characteristics_involved": False})
    assert record["triage"]["informal_resolution_suitable"] is False
    clock.day(2)
    record = as_officer.ok("open_investigation", {"investigator": org.seats["unit"][0].pk})
    assert record["stage"] == "investigation" and record["investigator"] == "Investigator"
    item = org.evidence(case)
    clock.day(3)
    record = as_officer.ok("issue_notice", {"relied_on": [{"allegation": allegation.pk, "evidence": [item.pk]}]})
    assert record["notice"]["relied_on"][0]["evidence"] == [item.pk]
    clock.day(10)
    assert as_officer.ok("record_response", {"response": "I deny it, by email."})["stage"] == "response_received"

    clock.day(11)
    assert "form_panel" in [
        o["name"] for o in Api.of(body_officer).get(f"/cases/{case.reference}/actions").json()["next_steps"]
    ]
    record = as_body.ok("form_panel", {"members": [s.pk for s in org.seats["ndp"][:3]]})
    assert len(record["panels"][0]["seats"]) == 3
    clock.day(12)
    assert as_body.ok("schedule_hearing", {"hearing_on": "2026-03-25"})["hearing_on"] == "2026-03-25"

    clock.day(23)
    decision = {
        "findings": [
            {"allegation": allegation.pk, "proven": True, "reasons": "Proven on the messages.", "evidence": [item.pk]}
        ],
        "culpability": "B",
        "harm": "2",
        "aggravating": ["repeated-conduct"],
        "mitigating": ["no-previous-findings"],
        "sanction": "final-warning",
    }
    record = Actor(org.users["panellist"], case).ok("record_decision", decision)
    assert record["stage"] == "decided" and record["decisions"][0]["guideline"]["within_range"] is True
    clock.day(24)
    assert as_officer.ok("notify_decision")["stage"] == "appeal_window"
    clock.day(30)
    assert as_officer.ok("lodge_appeal", {"grounds": ["disproportionate"]})["appeal"]["grounds"] == ["disproportionate"]
    clock.day(31)
    Actor(org.users["appeals_officer"], case).ok(
        "form_appeal_panel", {"members": [s.pk for s in org.seats["appeals"][:3]]}
    )
    clock.day(40)
    ruling = {"result": "varied", "reasons": "A warning suffices.", "sanction": "warning"}
    Actor(org.users["appeal_panellist"], case).ok("record_appeal_decision", ruling)
    clock.day(41)
    assert as_officer.ok("close")["stage"] == "closed"

    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.outcome == "warning"
    first = Decision.objects.get(case=case, kind=DecisionKind.FIRST_INSTANCE)
    assert (first.culpability, first.harm, first.aggravating) == ("B", "2", ["repeated-conduct"])
    assert first.findings.get().evidence.get() == item
    assert Api.of(officer).get(f"/cases/{case.reference}/actions").json() == {"next_steps": [], "other_actions": []}


def _decision(case, item, sanction: str, **more) -> dict:
    allegation = case.allegations.get()
    finding = {"allegation": allegation.pk, "proven": True, "reasons": "Proven.", "evidence": [item.pk]}
    return {"findings": [finding], "culpability": "B", "harm": "2", "sanction": sanction} | more


def test_a_decision_outside_the_guideline_needs_a_departure_reason(org, clock):
    case, item = before_the_hearing(org)
    clock.day(23)
    panellist = Actor(org.users["panellist"], case)
    before = snapshot(case)
    body = problem(panellist.act("record_decision", _decision(case, item, "advice")))
    assert body["status"] == 409
    assert [(r["guard"], r["field"]) for r in body["refusals"]] == [("departure_reason", "departure_reason")]
    assert "a departure needs written reasons" in body["refusals"][0]["message"]
    assert snapshot(case) == before
    departure = "An isolated lapse, promptly and fully apologised for."
    record = panellist.ok("record_decision", _decision(case, item, "advice", departure_reason=departure))
    assert record["decisions"][0]["departure_reason"] == departure
    assert record["decisions"][0]["guideline"]["within_range"] is False


def test_a_decision_form_error_names_the_finding(org, clock):
    case, item = before_the_hearing(org)
    clock.day(23)
    panellist = Actor(org.users["panellist"], case)
    before = snapshot(case)
    blank = _decision(case, item, "suspension")
    blank["findings"][0]["reasons"] = ""
    assert fields(problem(panellist.act("record_decision", blank))) == {"findings.0.reasons", "suspension_months"}
    # A finding left out is named as missing from the findings.
    assert "findings" in fields(
        problem(panellist.act("record_decision", _decision(case, item, "warning") | {"findings": []}))
    )
    # An allegation of no case of ours, or one given twice.
    stray = _decision(case, item, "warning")
    stray["findings"].append(stray["findings"][0] | {"allegation": 999999})
    stray["findings"].append(stray["findings"][0])
    assert fields(problem(panellist.act("record_decision", stray))) == {
        "findings.1.allegation",
        "findings.2.allegation",
    }
    assert snapshot(case) == before


def test_evidence_of_another_case_is_not_accepted(org, clock):
    case = investigating(org)
    other = investigating(org)
    foreign = org.evidence(other, description="Evidence in another case")
    clock.day(3)
    officer = Actor(org.users["officer"], case)
    before = snapshot(case)
    allegation = case.allegations.get()
    body = problem(
        officer.act("issue_notice", {"relied_on": [{"allegation": allegation.pk, "evidence": [foreign.pk]}]})
    )
    assert body["status"] == 422 and fields(body) == {"relied_on.0.evidence"}
    # Nor is an allegation of the other case.
    other_allegation = other.allegations.get().pk
    body = problem(officer.act("issue_notice", {"relied_on": [{"allegation": other_allegation, "evidence": []}]}))
    assert fields(body) == {"relied_on.0.allegation"}
    assert snapshot(case) == before and not Notice.objects.filter(case=case).exists()

    heard, _ = before_the_hearing(org)
    clock.day(23)
    body = problem(Actor(org.users["panellist"], heard).act("record_decision", _decision(heard, foreign, "warning")))
    assert body["status"] == 422 and fields(body) == {"findings.0.evidence"}
    assert not heard.decisions.exists()


def test_a_conflicted_panel_member_is_refused_with_the_reason(org, clock):
    case, _ = noticed(org)
    clock.day(4)
    neighbour = org.seats["ndp"][-1]  # sits on the national panel, in the MP's own branch
    before = snapshot(case)
    members = [neighbour.pk, *(s.pk for s in org.seats["ndp"][1:3])]
    body = problem(Actor(org.users["body_officer"], case).act("form_panel", {"members": members}))
    assert body["status"] == 409
    refusal = body["refusals"][0]
    assert (refusal["guard"], refusal["field"]) == ("panel_unconflicted", "members")
    assert refusal["message"] == (
        f"Mp_Neighbour ({neighbour.member.membership_number}) cannot sit: is in the same branch as the respondent."
    )
    assert snapshot(case) == before


def test_a_panel_member_who_declares_their_own_conflict_loses_the_case(org, clock):
    case, item = before_the_hearing(org)
    clock.day(13)
    panellist = Actor(org.users["panellist"], case)
    conflict = {
        "panel_member": org.members["ndp0"].pk,
        "with_member": org.members["complainant"].pk,
        "reason": "The complainant is my sister.",
    }
    answer = panellist.act("declare_conflict", conflict)
    assert answer.status_code == 204 and case.declared_conflicts.count() == 1
    assert Api.of(org.users["panellist"]).get(f"/cases/{case.reference}").status_code == 404
    clock.day(23)
    # A body that does not even parse is a 422 for any case, so the refusal is tried with a well-formed one.
    assert panellist.act("record_decision", _decision(case, item, "warning")).status_code == 404
    assert not case.decisions.exists()


def test_a_refusal_at_the_wrong_stage_changes_nothing(org, clock):
    case = investigating(org)
    clock.day(3)
    before = snapshot(case)
    body = problem(Actor(org.users["officer"], case).act("dismiss", {"reasons": "Nothing in it."}))
    assert body["status"] == 409 and body["refusals"][0]["guard"] == "stage"
    assert "investigation" in body["detail"]
    body = problem(Actor(org.users["officer"], case).act("begin_triage"))
    assert body["status"] == 409
    assert snapshot(case) == before


def test_triage_reasons_refusal_names_the_field(org, clock):
    case = open_about_mp(org)
    clock.day(1)
    officer = Actor(org.users["officer"], case)
    officer.ok("begin_triage")
    triage = {"informal_resolution_suitable": True, "interim_action_needed": True}
    body = problem(officer.act("record_triage", triage | {"protected_characteristics_involved": False}))
    assert body["status"] == 409 and body["refusals"][0]["field"] == "interim_action_reasons"


@pytest.mark.parametrize("who", ["panellist", "oversight", "dpo", "mp", "complainant", "appeal_panellist"])
def test_those_without_a_part_in_the_case_get_not_found(org, clock, who):
    case, _ = noticed(org)
    clock.day(4)
    before = snapshot(case)
    actor = Actor(org.users[who], case)
    for action, body in {
        "record_response": {"response": "x"},
        "withdraw": {"reason": "x"},
        "form_panel": {"members": [org.seats["ndp"][0].pk]},
        "impose_suspension": {
            "criterion": "x",
            "reasons": "x",
            "proportionality": "x",
            "restricts": "x",
            "review_by": "2026-03-20",
        },
    }.items():
        answer = actor.act(action, body)
        assert answer.status_code == 404, (who, action, answer.content)
        assert problem(answer)["detail"] == "There is no case that you may see."
    assert snapshot(case) == before


def test_staff_reach_only_the_actions_their_role_takes(org, clock):
    case, _ = noticed(org)
    clock.day(4)
    officer, body_officer = Actor(org.users["officer"], case), Actor(org.users["body_officer"], case)
    before = snapshot(case)
    assert officer.act("form_panel", {"members": [org.seats["ndp"][0].pk]}).status_code == 404
    assert body_officer.act("issue_notice", {"relied_on": []}).status_code == 404
    assert Api.of(org.users["officer"]).post(f"/cases/{case.reference}/actions/elapse_response_time").status_code == 404
    assert (
        Api.of(org.users["officer"]).post("/cases/FH-2099-99999/actions/withdraw", {"reason": "x"}).status_code == 404
    )
    assert snapshot(case) == before
    # Oversight reads the case and may take no action.
    offers = Api.of(org.users["oversight"]).get(f"/cases/{case.reference}/actions").json()
    assert offers == {"next_steps": [], "other_actions": []}


def test_a_read_token_cannot_act(org, clock):
    case, _ = noticed(org)
    clock.day(4)
    before = snapshot(case)
    read = Api.of(org.users["officer"], scope="read")
    answer = read.post(f"/cases/{case.reference}/actions/withdraw", {"reason": "Taken away."})
    assert problem(answer)["status"] == 403
    assert read.get(f"/cases/{case.reference}/actions").status_code == 200
    assert snapshot(case) == before


BAD_BODIES = [
    {"surprise": True},
    {"reasons": 5, "reason": ["x"], "response": None},
    {"members": "everyone", "investigator": "me", "hearing_on": "next Tuesday", "review_by": "2026-02-30"},
    {"findings": [{"allegation": "one"}], "relied_on": [{"allegation": None}], "grounds": ["because"]},
    {"result": "maybe", "informal_resolution_suitable": "perhaps", "suspension_months": "six"},
]


@pytest.mark.parametrize("action", sorted(a.value for a in FORMS))
def test_nonsense_bodies_are_named_never_a_server_error(org, clock, action):
    case, _ = before_the_hearing(org)
    clock.day(23)
    before = snapshot(case)
    actors = [org.users[u] for u in ("officer", "body_officer", "panellist")]
    # The body is checked before the case: nobody may form the appeal panel of an unappealed case.
    user = next((u for u in actors if _may(u, case, action)), org.users["officer"])
    api = Api.of(user)
    for body in BAD_BODIES:
        answer = api.post(f"/cases/{case.reference}/actions/{action}", body)
        assert answer.status_code == 422, (action, body, answer.content)
        assert problem(answer)["errors"] and all(e["field"] for e in answer.json()["errors"])
    for raw in ("[1, 2]", '"text"', "null"):
        answer = api.client.post(
            f"/api/v1/cases/{case.reference}/actions/{action}",
            raw,
            content_type="application/json",
            headers=api.headers,
        )
        assert 400 <= answer.status_code < 500, (action, raw, answer.content)
    broken = api.client.post(
        f"/api/v1/cases/{case.reference}/actions/{action}",
        "{not json",
        content_type="application/json",
        headers=api.headers,
    )
    assert problem(broken)["status"] == 400
    assert snapshot(case) == before


def _may(user, case, action: str) -> bool:
    from fairhearing.cases.actions.available import may_take
    from fairhearing.procedure.workflow import Action

    return may_take(user, case, Action(action))


def test_a_form_error_is_a_422_naming_the_api_field(org, clock):
    case, _ = noticed(org)
    clock.day(4)
    officer = Actor(org.users["officer"], case)
    before = snapshot(case)
    body = problem(officer.act("record_response", {"response": "   "}))
    assert body["errors"] == [{"in": "body", "field": "response", "message": "Write down the respondent's response."}]
    body = problem(Actor(org.users["body_officer"], case).act("form_panel", {"members": [999999]}))
    assert fields(body) == {"members"}
    body = problem(officer.act("transfer", {"to_body": "nowhere", "reason": "Wrong body."}))
    assert fields(body) == {"to_body"}
    assert snapshot(case) == before


def test_an_idempotent_retry_acts_once(org, clock):
    case, _ = noticed(org)
    clock.day(4)
    api = Api.of(org.users["officer"])
    first = api.post(f"/cases/{case.reference}/actions/record_response", {"response": "No."}, key="retry-1")
    again = api.post(f"/cases/{case.reference}/actions/record_response", {"response": "No."}, key="retry-1")
    assert first.status_code == again.status_code == 200
    assert json.loads(first.content) == json.loads(again.content)
    assert case.timeline.filter(kind="response_received").count() == 1


def test_huge_ids_are_refused_as_invalid_not_a_server_error(org, clock):
    case, _ = noticed(org)
    clock.day(4)
    body_officer = Actor(org.users["body_officer"], case)
    # Within a database integer: not one of the choices. Beyond one: refused by the schema before any query.
    assert fields(problem(body_officer.act("form_panel", {"members": [2**62]}))) == {"members"}
    assert fields(problem(body_officer.act("form_panel", {"members": [2**64]}))) == {"members.0"}
    officer = Api.of(org.users["officer"])
    assert fields(problem(officer.get("/cases", body=2**62))) == {"body"}
    assert problem(officer.get("/cases", body=2**64))["status"] == 422
