"""The procedure's services against the database: the whole journey, refusals that change nothing, the job."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command

from fairhearing.cases import services
from fairhearing.cases.models import (
    Case,
    CaseSource,
    ComplainantKind,
    Decision,
    DecisionKind,
    EventKind,
    InterimSuspension,
    TimelineEvent,
)
from fairhearing.cases.tasks import apply_time_limits_task
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.stages import Stage
from tests.cases.organisation import START, build_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(example_source):
    return build_org(example_source)


def open_minor(org, **overrides):
    args = {
        "user": org.users["officer"],
        "respondent": org.members["respondent"],
        "allegations": [services.AllegationInput("2.2", "Abusive messages to branch members.", date(2026, 2, 1))],
        "source": CaseSource.EMAIL,
        "complainant_kind": ComplainantKind.MEMBER,
        "complainant_member": org.members["complainant"],
        "now": START,
    }
    return services.open_case(**(args | overrides))


def later(days: int):
    return START + timedelta(days=days)


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.stage,
        case.body_id,
        TimelineEvent.objects.filter(case=case).count(),
        Decision.objects.count(),
        InterimSuspension.objects.count(),
    )


def test_open_case_routes_by_the_rules_and_records_why(org):
    case = open_minor(org)
    assert case.reference == "FH-2026-00001" and case.stage == Stage.RECEIVED
    assert case.body.kind == "regional-office" and case.body.region.code == "north"
    assert "jurisdiction rule 5" in case.routing_reason
    assert list(case.timeline.values_list("kind", flat=True)) == [EventKind.OPENED, EventKind.ROUTED]
    # The same conduct by an MP goes to the national panel, by the same published rules.
    mp_case = open_minor(org, respondent=org.members["mp"])
    assert mp_case.body.kind == "national-disputes-panel" and mp_case.respondent_offices == ["mp"]
    assert mp_case.reference == "FH-2026-00002"


def test_open_case_refusals_change_nothing(org):
    with pytest.raises(ActionRefused, match="only a case officer may open a case"):
        open_minor(org, user=org.users["oversight"])
    with pytest.raises(ActionRefused, match=r"clause '9\.9' is not in rulebook 2022\.1"):
        open_minor(org, allegations=[services.AllegationInput("9.9", "x", date(2026, 2, 1))])
    with pytest.raises(ActionRefused, match="no rulebook version was in force on 1 January 2020"):
        open_minor(org, allegations=[services.AllegationInput("2.1", "x", date(2020, 1, 1))])
    with pytest.raises(ActionRefused, match="a member cannot complain about themselves"):
        open_minor(org, complainant_member=org.members["respondent"])
    with pytest.raises(ActionRefused, match="give the complainant's name"):
        open_minor(org, complainant_kind=ComplainantKind.NON_MEMBER, complainant_member=None)
    assert not Case.objects.exists() and not TimelineEvent.objects.exists()


def to_national(org) -> Case:
    """A case about the MP, with the national disputes panel in charge."""
    case = open_minor(org, respondent=org.members["mp"])
    services.begin_triage(case, org.users["officer"], now=later(1))
    services.record_triage(
        case,
        org.users["officer"],
        informal_resolution_suitable=False,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=later(1),
    )
    services.open_investigation(case, org.users["officer"], investigator=org.seats["unit"][0], now=later(2))
    return case


def test_the_whole_journey_through_the_services(org):
    officer, body_officer = org.users["officer"], org.users["body_officer"]
    case = to_national(org)
    evidence = org.evidence(case)
    allegation = case.allegations.get()
    services.issue_notice(case, officer, evidence={allegation.pk: {evidence.pk}}, now=later(3))
    services.record_response(case, org.users["mp"], response="I deny it.", now=later(10))
    services.form_panel(case, body_officer, members=org.seats["ndp"][:3], now=later(11))
    services.schedule_hearing(case, body_officer, hearing_on=date(2026, 3, 25), now=later(12))
    finding = [wf.Finding(allegation.pk, True, "Proven on the messages.", frozenset({evidence.pk}))]
    with pytest.raises(ActionRefused) as refused:
        services.record_decision(
            case,
            org.users["panellist"],
            findings=finding,
            sanction="expulsion",
            culpability="B",
            harm="3",
            now=later(23),
        )
    assert refused.value.guards == {"departure_reason", "body_power"}
    services.record_decision(
        case,
        org.users["panellist"],
        findings=finding,
        sanction="final-warning",
        culpability="B",
        harm="2",
        now=later(23),
    )
    services.notify_decision(case, officer, now=later(24))
    services.lodge_appeal(case, org.users["mp"], grounds={"disproportionate"}, now=later(30))
    services.form_appeal_panel(case, org.users["appeals_officer"], members=org.seats["appeals"][:3], now=later(31))
    services.record_appeal_decision(
        case,
        org.users["appeal_panellist"],
        result=wf.AppealResult.VARIED,
        reasons="A warning suffices.",
        sanction="warning",
        now=later(40),
    )
    services.close_case(case, officer, now=later(41))

    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.outcome == "warning" and case.closed_at == later(41)
    decision = Decision.objects.get(case=case, kind=DecisionKind.FIRST_INSTANCE)
    assert (decision.guideline_starting_point, decision.guideline_lowest, decision.guideline_highest) == (
        "final-warning",
        "warning",
        "suspension",
    )
    assert decision.notified_on == date(2026, 3, 26)
    assert {m.member_id for m in decision.panel.all()} == {s.member_id for s in org.seats["ndp"][:3]}
    appeal = Decision.objects.get(case=case, kind=DecisionKind.APPEAL)
    assert appeal.appeal_result == "varied" and not {m.member_id for m in appeal.panel.all()} & {
        m.member_id for m in decision.panel.all()
    }
    stages = [e.stage_to for e in case.timeline.order_by("at", "pk") if e.stage_to]
    assert stages == [
        "received",
        "triage",
        "investigation",
        "notice_issued",
        "response_received",
        "hearing",
        "decided",
        "appeal_window",
        "appeal_lodged",
        "appeal_decided",
        "closed",
    ]
    # Every event names who acted and when.
    assert all(e.actor_label and e.at for e in case.timeline.all())


def test_a_refused_action_changes_nothing_and_says_why(org):
    case = to_national(org)
    pending = org.evidence(case, admitted=False)
    other = open_minor(org)
    elsewhere = org.evidence(other)
    before = snapshot(case)
    with pytest.raises(ActionRefused) as refused:
        services.issue_notice(case, org.users["officer"], evidence={}, now=later(3))
    assert "the notice must list the evidence relied on" in str(refused.value)
    with pytest.raises(ActionRefused, match="only a case officer may do this"):
        services.begin_triage(case, org.users["oversight"], now=later(3))
    allegation = case.allegations.get()
    with pytest.raises(ActionRefused, match="has not been admitted and cannot be relied on"):
        services.issue_notice(case, org.users["officer"], evidence={allegation.pk: {pending.pk}}, now=later(3))
    with pytest.raises(ActionRefused, match=f"evidence item {elsewhere.pk} has not been admitted"):
        services.issue_notice(case, org.users["officer"], evidence={allegation.pk: {elsewhere.pk}}, now=later(3))
    assert snapshot(case) == before


def test_a_conflicted_panel_member_is_refused_with_the_reason(org):
    case = to_national(org)
    evidence = org.evidence(case)
    services.issue_notice(case, org.users["officer"], evidence={case.allegations.get().pk: {evidence.pk}}, now=later(3))
    neighbour_seat = org.seats["ndp"][-1]  # sits on the national panel, in the MP's branch
    with pytest.raises(ActionRefused, match=r"member \d+ cannot sit: is in the same branch as the respondent"):
        services.form_panel(
            case, org.users["body_officer"], members=[neighbour_seat, *org.seats["ndp"][1:3]], now=later(4)
        )
    assert not case.sittings.exists()
    services.form_panel(case, org.users["body_officer"], members=org.seats["ndp"][:3], now=later(4))
    assert case.sittings.get().seats.count() == 3


def test_interim_suspension_review_missed_lapses_once(org):
    case = to_national(org)
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
    assert services.apply_time_limits(later(18)).applied == []  # 20 March is the review date itself
    report = services.apply_time_limits(later(19))
    assert [ref for ref, _ in report.applied] == [case.reference]
    suspension = InterimSuspension.objects.get(case=case)
    assert suspension.lifted_at == later(19) and suspension.review_missed
    assert services.apply_time_limits(later(19)).applied == []  # idempotent
    assert case.timeline.filter(kind=EventKind.TIME_LIMIT).count() == 1


def test_tick_command_is_idempotent(org, capsys):
    case = to_national(org)
    evidence = org.evidence(case)
    services.issue_notice(case, org.users["officer"], evidence={case.allegations.get().pk: {evidence.pk}}, now=later(3))
    call_command("tick", "--now", later(30).isoformat())
    assert "1 time limit(s) applied." in capsys.readouterr().out
    case.refresh_from_db()
    assert case.stage == Stage.RESPONSE_TIME_ELAPSED
    before = snapshot(case)
    call_command("tick", "--now", later(30).isoformat())
    assert "0 time limit(s) applied." in capsys.readouterr().out
    assert snapshot(case) == before


def test_the_job_runs_as_a_task_too(org):
    to_national(org)
    assert apply_time_limits_task.enqueue().return_value == 0


def test_transfer_moves_the_case_and_dissolves_the_panel(org):
    case = to_national(org)
    services.transfer_case(
        case,
        org.users["officer"],
        to_body="constitutional-committee",
        reason="The conduct may merit expulsion.",
        now=later(3),
    )
    case.refresh_from_db()
    assert case.body.kind == "constitutional-committee"
    event = case.timeline.get(kind=EventKind.TRANSFERRED)
    assert event.summary.startswith("Transferred from National Disputes Panel to Constitutional Committee")


def test_withdrawal_lifts_an_interim_suspension(org):
    case = to_national(org)
    services.impose_interim_suspension(
        case,
        org.users["officer"],
        criterion="risk",
        reasons="Risk.",
        proportionality="Needed.",
        restricts="Meetings.",
        review_by=date(2026, 3, 20),
        now=later(3),
    )
    services.withdraw_case(case, org.users["officer"], reason="The respondent resigned.", now=later(5))
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.closure_reason == "Withdrawn: The respondent resigned."
    assert InterimSuspension.objects.get(case=case).lifted_at == later(5)


def test_a_new_reference_follows_the_highest_even_past_gaps_left_by_imported_records(org):
    from fairhearing.cases.models import Case

    first = open_minor(org)
    assert first.reference == f"FH-{START.year}-00001"
    # An imported history may hold references of the same form, with gaps: counting would walk into them.
    Case.objects.filter(pk=first.pk).update(reference=f"FH-{START.year}-00040")
    assert open_minor(org).reference == f"FH-{START.year}-00041"
