"""Every guard of the procedure, both sides: allowed, and refused with its reason."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from fairhearing.procedure import workflow as wf
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.panels import DeclaredConflict, Person, Seat
from fairhearing.procedure.stages import Stage
from tests.procedure.casefiles import (
    ALL_SEATS,
    APPEAL_PANELLIST,
    APPEAL_SEATS,
    APPEALS_OFFICER,
    BODY_OFFICER,
    EVIDENCE,
    FINDINGS,
    INVESTIGATOR,
    OFFICER,
    OTHER_MEMBER,
    PANELLIST,
    RESPONDENT_ACTOR,
    SEATS,
    START,
    TRIAGE,
    happy_path,
    new_case,
)


def refused(guard: str, action, *args, **kwargs) -> str:
    """Assert the action is refused by `guard`; return that guard's message."""
    with pytest.raises(ActionRefused) as caught:
        action(*args, **kwargs)
    assert guard in caught.value.guards, caught.value.refusals
    return next(r.message for r in caught.value.refusals if r.guard == guard)


@pytest.fixture
def case(example_rulebook):
    return new_case(example_rulebook)


def at(case, stage):
    return happy_path(case, stage)


def test_the_whole_procedure_runs_from_received_to_closed(case):
    closed, _ = happy_path(case, Stage.CLOSED)
    assert closed.stage == Stage.CLOSED
    assert closed.decision.sanction == "suspension" and closed.appeal.result == wf.AppealResult.DISMISSED
    # The guideline that applied is kept with the decision.
    assert closed.decision.guideline.starting_point == "final-warning"


def test_stage_and_role_guards(case):
    assert "while the case is at the stage 'received'" in refused(
        "stage", wf.dismiss, case, OFFICER, START, reasons="x"
    )
    assert refused("role", wf.begin_triage, case, OTHER_MEMBER, START) == "only a case officer may do this"
    assert (
        refused("role", wf.elapse_response_time, case, OFFICER, START)
        == "only the scheduled job applies this time limit"
    )


def test_triage_record(case):
    triaged = wf.begin_triage(case, OFFICER, START).case
    assert "the triage record must first say" in refused(
        "triage_record", wf.dismiss, triaged, OFFICER, START, reasons="x"
    )
    needs_reason = replace(TRIAGE, interim_action_needed=True)
    refused("triage_reasons", wf.record_triage, triaged, OFFICER, START, triage=needs_reason)
    recorded = wf.record_triage(triaged, OFFICER, START, triage=replace(needs_reason, interim_action_reasons="risk"))
    assert "interim action is needed" in recorded.summary
    assert (
        refused("reasons", wf.dismiss, recorded.case, OFFICER, START, reasons=" ") == "the reasons must be written down"
    )
    assert wf.dismiss(recorded.case, OFFICER, START, reasons="Not a breach.").case.stage == Stage.DISMISSED


def test_investigator_must_be_trained_and_not_a_party(case):
    triaged = wf.record_triage(wf.begin_triage(case, OFFICER, START).case, OFFICER, START, triage=TRIAGE).case
    untrained = replace(INVESTIGATOR, trained_until=START - timedelta(days=1))
    refused("investigator_trained", wf.open_investigation, triaged, OFFICER, START, investigator=untrained)
    party = Seat(Person(2, 20), "complaints-unit", INVESTIGATOR.trained_until)
    assert refused("investigator_unconflicted", wf.open_investigation, triaged, OFFICER, START, investigator=party) == (
        "the investigator is the complainant"
    )
    assert wf.open_investigation(triaged, OFFICER, START, investigator=INVESTIGATOR).case.investigator == 50


def test_notice_lists_every_allegation_with_admitted_evidence(case):
    investigating, day = at(case, Stage.INVESTIGATION)
    message = refused("notice_complete", wf.issue_notice, investigating, OFFICER, day, evidence={101: {501}})
    assert message == "the notice must list the evidence relied on for the allegation under clause 5.2"
    assert (
        refused("evidence_admitted", wf.issue_notice, investigating, OFFICER, day, evidence={101: {501}, 102: {999}})
        == "evidence item 999 has not been admitted and cannot be relied on"
    )
    served = wf.issue_notice(investigating, OFFICER, day, evidence=EVIDENCE)
    assert served.case.notice.served_on == day and "may answer until" in served.summary


def test_only_the_respondent_answers_their_notice(case):
    noticed, day = at(case, Stage.NOTICE_ISSUED)
    assert refused("respondent_only", wf.record_response, noticed, OTHER_MEMBER, day) == (
        "only the respondent can answer their own notice"
    )
    assert wf.record_response(noticed, RESPONDENT_ACTOR, day).case.responded_on == day


def test_response_time_elapses_only_after_the_period(case, example_rulebook):
    noticed, day = at(case, Stage.NOTICE_ISSUED)
    last_day = day + timedelta(days=example_rulebook.time_limits.respond_days)
    refused("response_period_over", wf.elapse_response_time, noticed, wf.SYSTEM, last_day)
    assert wf.due_system_actions(noticed, last_day) == []
    after = last_day + timedelta(days=1)
    assert wf.due_system_actions(noticed, after) == [wf.Action.ELAPSE_RESPONSE_TIME]
    assert wf.elapse_response_time(noticed, wf.SYSTEM, after).case.stage == Stage.RESPONSE_TIME_ELAPSED


def test_panel_refuses_a_conflicted_member_and_says_why(case):
    responded, day = at(case, Stage.RESPONSE_RECEIVED)
    same_branch = Seat(Person(15, branch_id=10), SEATS[0].body, SEATS[0].trained_until)
    message = refused(
        "panel_unconflicted", wf.form_panel, responded, BODY_OFFICER, day, seats=[*SEATS[:2], same_branch]
    )
    assert message == "member 15 cannot sit: is in the same branch as the respondent"
    investigator_seat = Seat(INVESTIGATOR.person, SEATS[0].body, SEATS[0].trained_until)
    assert "investigated this case" in refused(
        "panel_unconflicted", wf.form_panel, responded, BODY_OFFICER, day, seats=[*SEATS[:2], investigator_seat]
    )
    refused("panel_quorate", wf.form_panel, responded, BODY_OFFICER, day, seats=SEATS[:2])
    assert wf.form_panel(responded, BODY_OFFICER, day, seats=SEATS[:3]).case.panel == {11, 12, 13}


def test_a_body_that_cannot_hear_cannot_form_a_panel(case):
    responded, day = at(case, Stage.RESPONSE_RECEIVED)
    with_unit = replace(responded, body="complaints-unit")
    assert "does not hold hearings" in refused("body_hears", wf.form_panel, with_unit, BODY_OFFICER, day, seats=SEATS)


def test_hearing_needs_a_panel_and_the_notice_period(case):
    responded, day = at(case, Stage.RESPONSE_RECEIVED)
    refused("panel_formed", wf.schedule_hearing, responded, BODY_OFFICER, day, hearing_on=day, seats=ALL_SEATS)
    panelled = wf.form_panel(responded, BODY_OFFICER, day, seats=SEATS[:3]).case
    too_soon = responded.notice.served_on + timedelta(days=3)
    message = refused(
        "notice_period", wf.schedule_hearing, panelled, BODY_OFFICER, day, hearing_on=too_soon, seats=ALL_SEATS
    )
    assert "at least 10 working days after the notice" in message
    refused(
        "hearing_date",
        wf.schedule_hearing,
        panelled,
        BODY_OFFICER,
        day,
        hearing_on=day - timedelta(days=30),
        seats=ALL_SEATS,
    )
    # A conflict declared after the panel was formed stops the hearing until the panel is changed.
    conflicted = wf.declare_conflict(
        panelled, BODY_OFFICER, day, conflict=DeclaredConflict(12, 1, "business partner of the respondent")
    ).case
    assert "business partner" in refused(
        "panel_unconflicted",
        wf.schedule_hearing,
        conflicted,
        BODY_OFFICER,
        day,
        hearing_on=day + timedelta(days=20),
        seats=ALL_SEATS,
    )


def _decide(case, day, **overrides):
    args = {"findings": FINDINGS, "sanction": "final-warning", "seats": ALL_SEATS, "culpability": "B", "harm": "2"}
    return wf.record_decision(case, PANELLIST, day, **(args | overrides))


def test_decision_guards(case):
    hearing, day = at(case, Stage.HEARING)
    assert refused(
        "panel_member",
        wf.record_decision,
        hearing,
        replace(PANELLIST, member_id=14),
        day,
        findings=FINDINGS,
        sanction="warning",
        seats=ALL_SEATS,
        culpability="B",
        harm="2",
    )
    message = refused("reasons", _decide, hearing, day, findings=FINDINGS[:1])
    assert message == "written reasons are needed for the allegation under clause 5.2"
    refused("reasons", _decide, hearing, day, findings=(FINDINGS[0], wf.Finding(102, True, "  ")))
    refused("assessment", _decide, hearing, day, culpability="Z")
    refused("sanction", _decide, hearing, day, sanction="banishment")
    not_proven = tuple(replace(f, proven=False) for f in FINDINGS)
    refused("sanction_needs_finding", _decide, hearing, day, findings=not_proven, sanction="warning")
    assert _decide(hearing, day, findings=not_proven, sanction="no-action").case.decision.guideline is None


def test_findings_rest_only_on_admitted_evidence_served_with_the_notice(case):
    hearing, day = at(case, Stage.HEARING)
    uncited = (replace(FINDINGS[0], evidence=frozenset()), FINDINGS[1])
    message = refused("finding_evidence", _decide, hearing, day, findings=uncited)
    assert message == "a proven allegation must cite the evidence it rests on (clause 2.2)"
    # Admitted after the notice went out: the respondent never saw it (REQ 15).
    late = replace(hearing, admitted_evidence=hearing.admitted_evidence | {503})
    message = refused(
        "evidence_served",
        _decide,
        late,
        day,
        findings=(replace(FINDINGS[0], evidence=frozenset({501, 503})), FINDINGS[1]),
    )
    assert message == "evidence item 503 was not served with the notice and cannot be relied on"
    refused(
        "evidence_admitted", _decide, hearing, day, findings=(replace(FINDINGS[0], evidence={501, 999}), FINDINGS[1])
    )
    # A finding not proven may cite nothing.
    not_proven = (replace(FINDINGS[0], proven=False, evidence=frozenset()), FINDINGS[1])
    assert _decide(hearing, day, findings=not_proven).case.decision is not None


def test_an_account_not_proven_to_be_the_respondents_cannot_alone_support_a_finding(case):
    hearing, day = at(case, Stage.HEARING)
    unproven = replace(hearing, unproven_evidence=frozenset({501}))
    message = refused("attribution", _decide, unproven, day)
    assert message == "the finding under clause 2.2 rests only on accounts not proven to be the respondent's"
    # With other evidence beside it, the finding can stand.
    both = replace(unproven, notice=replace(unproven.notice, evidence={101: frozenset({501, 502}), 102: {502}}))
    findings = (replace(FINDINGS[0], evidence=frozenset({501, 502})), FINDINGS[1])
    assert _decide(both, day, findings=findings).case.decision.findings == findings


def test_a_decision_outside_the_guideline_needs_a_departure_reason(case):
    hearing, day = at(case, Stage.HEARING)
    message = refused("departure_reason", _decide, hearing, day, culpability="C", harm="3", sanction="suspension")
    assert message == (
        "Suspension from membership is outside the guideline range (No further action to Warning): "
        "a departure needs written reasons"
    )
    decided = _decide(
        hearing,
        day,
        culpability="C",
        harm="3",
        sanction="suspension",
        departure_reason="Repeated after a written warning.",
    ).case
    assert decided.decision.departure_reason and decided.decision.guideline.highest == "warning"


def test_only_a_body_with_the_power_may_expel(case):
    hearing, day = at(case, Stage.HEARING)
    message = refused("body_power", _decide, hearing, day, culpability="A", harm="1", sanction="expulsion")
    assert message == "National Disputes Panel has no power to impose Expulsion"


def test_no_decision_without_notice_or_before_the_response_period_ends(case):
    hearing, day = at(case, Stage.HEARING)
    assert "no decision before a notice" in refused("notice_served", _decide, replace(hearing, notice=None), day)
    # (A hearing held early, as if the notice period were short, so only the response period is in question.)
    silent = replace(hearing, responded_on=None, hearing_on=hearing.notice.served_on + timedelta(days=5))
    refused("response_or_period", _decide, silent, hearing.notice.served_on + timedelta(days=5))
    assert _decide(silent, hearing.notice.served_on + timedelta(days=15)).case.stage == Stage.DECIDED


def test_no_decision_before_the_hearing_is_held(case):
    hearing, day = at(case, Stage.HEARING)
    assert refused("hearing_held", _decide, hearing, hearing.hearing_on - timedelta(days=1)) == (
        f"the hearing is not until {hearing.hearing_on.isoformat()}"
    )
    assert refused("hearing_held", _decide, replace(hearing, hearing_on=None), day) == "no hearing has been scheduled"


def test_a_case_at_the_hearing_stage_can_get_a_new_panel_and_a_new_date(case):
    hearing, day = at(case, Stage.HEARING)
    # A declared conflict after the hearing was scheduled: the panel is re-formed and the hearing re-dated.
    conflicted = replace(hearing, conflicts=(DeclaredConflict(11, 1, "Old friends."),))
    refused("panel_unconflicted", _decide, conflicted, day)
    new_seats = [s for s in SEATS if s.person.member_id != 11]
    reformed = wf.form_panel(conflicted, BODY_OFFICER, day, seats=new_seats).case
    assert reformed.stage == Stage.HEARING and reformed.panel == {12, 13, 14}
    later_day = day + timedelta(days=7)
    redated = wf.schedule_hearing(reformed, BODY_OFFICER, day, hearing_on=later_day, seats=ALL_SEATS).case
    assert redated.hearing_on == later_day
    decided = wf.record_decision(
        redated,
        replace(PANELLIST, member_id=12),
        later_day,
        findings=FINDINGS,
        sanction="final-warning",
        seats=ALL_SEATS,
        culpability="B",
        harm="2",
    )
    assert decided.case.stage == Stage.DECIDED


def test_a_decision_ends_the_interim_suspension(case):
    hearing, day = at(case, Stage.HEARING)
    suspended = replace(hearing, suspensions=(wf.Suspension(day - timedelta(days=5), day + timedelta(days=20)),))
    assert _decide(suspended, day).case.active_suspension is None


def test_appeal_in_time_and_late_appeals(case, example_rulebook):
    window, day = at(case, Stage.APPEAL_WINDOW)
    notified = window.decision.notified_on
    refused("grounds", wf.lodge_appeal, window, RESPONDENT_ACTOR, day, grounds={"because"})
    refused("grounds", wf.lodge_appeal, window, RESPONDENT_ACTOR, day, grounds=set())
    refused("respondent_only", wf.lodge_appeal, window, OTHER_MEMBER, day, grounds={"procedure"})
    late = notified + timedelta(days=example_rulebook.time_limits.appeal_days + 1)
    assert "the appeal period ended on" in refused(
        "appeal_in_time", wf.lodge_appeal, window, RESPONDENT_ACTOR, late, grounds={"procedure"}
    )
    refused(
        "late_appeal_by_appeals_body",
        wf.lodge_appeal,
        window,
        BODY_OFFICER,
        late,
        grounds={"procedure"},
        late_reason="In hospital",
    )
    # The scheduled job closes the window; the appeals body can still accept a late appeal with a reason.
    closed = wf.apply_time_limits(window, late)[-1].case
    assert closed.stage == Stage.CLOSED and closed.closed_by_appeal_window
    accepted = wf.lodge_appeal(closed, APPEALS_OFFICER, late, grounds={"procedure"}, late_reason="In hospital")
    assert accepted.case.stage == Stage.APPEAL_LODGED and "Late: In hospital" in accepted.summary


def test_a_withdrawn_case_takes_no_appeal(case):
    withdrawn = wf.withdraw(case, OFFICER, START, reason="The complainant withdrew.").case
    assert "appeal window has closed" in refused(
        "stage", wf.lodge_appeal, withdrawn, APPEALS_OFFICER, START, grounds={"procedure"}, late_reason="x"
    )


def test_the_appeal_panel_excludes_the_deciding_panel(case):
    lodged, day = at(case, Stage.APPEAL_LODGED)
    decider = Seat(SEATS[0].person, APPEAL_SEATS[0].body, SEATS[0].trained_until)
    message = refused(
        "panel_unconflicted", wf.form_appeal_panel, lodged, APPEALS_OFFICER, day, seats=[decider, *APPEAL_SEATS[:2]]
    )
    assert message == "member 11 cannot sit: sat on the panel that decided this case"
    refused("panel_eligible", wf.form_appeal_panel, lodged, APPEALS_OFFICER, day, seats=SEATS[1:4])


def test_appeal_decision_guards(case):
    lodged, day = at(case, Stage.APPEAL_LODGED)
    refused(
        "panel_formed",
        wf.record_appeal_decision,
        lodged,
        APPEAL_PANELLIST,
        day,
        result=wf.AppealResult.DISMISSED,
        reasons="x",
        seats=ALL_SEATS,
    )
    formed = wf.form_appeal_panel(lodged, APPEALS_OFFICER, day, seats=APPEAL_SEATS[:3]).case
    refused(
        "panel_member",
        wf.record_appeal_decision,
        formed,
        replace(APPEAL_PANELLIST, member_id=24),
        day,
        result=wf.AppealResult.DISMISSED,
        reasons="x",
        seats=ALL_SEATS,
    )
    refused(
        "reasons",
        wf.record_appeal_decision,
        formed,
        APPEAL_PANELLIST,
        day,
        result=wf.AppealResult.DISMISSED,
        reasons="",
        seats=ALL_SEATS,
    )
    refused(
        "varied_sanction",
        wf.record_appeal_decision,
        formed,
        APPEAL_PANELLIST,
        day,
        result=wf.AppealResult.VARIED,
        reasons="Too harsh.",
        sanction="expulsion",
        seats=ALL_SEATS,
    )
    varied = wf.record_appeal_decision(
        formed,
        APPEAL_PANELLIST,
        day,
        result=wf.AppealResult.VARIED,
        reasons="Too harsh.",
        sanction="warning",
        seats=ALL_SEATS,
    ).case
    assert varied.appeal.sanction == "warning"
    overturned = wf.record_appeal_decision(
        formed, APPEAL_PANELLIST, day, result=wf.AppealResult.OVERTURNED, reasons="Unfair.", seats=ALL_SEATS
    ).case
    assert overturned.appeal.sanction == "no-action"


def test_transfer_needs_a_reason_and_a_body_that_can_act(case):
    message = refused("target_body", wf.transfer, case, OFFICER, START, to_body=case.body, reason="x")
    assert message == "the case is already with that body"
    refused("target_body", wf.transfer, case, OFFICER, START, to_body="politburo", reason="x")
    refused("target_body", wf.transfer, case, OFFICER, START, to_body="appeals-panel", reason="x")
    refused("reasons", wf.transfer, case, OFFICER, START, to_body="regional-office", reason="")
    moved = wf.transfer(case, OFFICER, START, to_body="constitutional-committee", reason="May end in expulsion.")
    assert moved.case.body == "constitutional-committee"
    assert moved.summary == (
        "Transferred from National Disputes Panel to Constitutional Committee: May end in expulsion."
    )


def test_withdrawal_from_any_open_stage_needs_a_reason(case):
    refused("reasons", wf.withdraw, case, OFFICER, START, reason="")
    for stage in (Stage.TRIAGE, Stage.HEARING, Stage.APPEAL_LODGED):
        open_case, day = at(case, stage)
        assert wf.withdraw(open_case, OFFICER, day, reason="Withdrawn.").case.stage == Stage.CLOSED
    closed, day = at(case, Stage.CLOSED)
    refused("stage", wf.withdraw, closed, OFFICER, day, reason="Withdrawn.")


SUSPEND = {
    "criterion": "risk to witnesses",
    "reasons": "Threats were made.",
    "proportionality": "Nothing less protects them.",
    "restricts": "Attending branch meetings.",
}


def test_interim_suspension_rules(case, example_rulebook):
    review = START + timedelta(days=28)
    assert (
        wf.impose_suspension(case, OFFICER, START, review_by=review, **SUSPEND).case.active_suspension.review_by
        == review
    )
    refused("review_date", wf.impose_suspension, case, OFFICER, START, review_by=review + timedelta(days=1), **SUSPEND)
    refused("review_date", wf.impose_suspension, case, OFFICER, START, review_by=START, **SUSPEND)
    for key in SUSPEND:
        refused(
            key if key != "reasons" else "reasons",
            wf.impose_suspension,
            case,
            OFFICER,
            START,
            review_by=review,
            **(SUSPEND | {key: ""}),
        )
    branch = replace(case, body="branch-executive")
    assert refused("body_power", wf.impose_suspension, branch, OFFICER, START, review_by=review, **SUSPEND) == (
        "Branch Executive has no power to suspend"
    )
    suspended = wf.impose_suspension(case, OFFICER, START, review_by=review, **SUSPEND).case
    refused("no_active_suspension", wf.impose_suspension, suspended, OFFICER, START, review_by=review, **SUSPEND)


def test_reviews_extend_within_the_cap_and_lifts_end_it(case, example_rulebook):
    suspended = wf.impose_suspension(case, OFFICER, START, review_by=START + timedelta(days=28), **SUSPEND).case
    day = START + timedelta(days=27)
    extended = wf.review_suspension(
        suspended, OFFICER, day, reasons="Witnesses still at risk.", review_by=day + timedelta(days=28)
    ).case
    assert extended.active_suspension.review_by == day + timedelta(days=28)
    refused("reasons", wf.review_suspension, suspended, OFFICER, day, reasons="", review_by=day + timedelta(days=5))
    late_day = START + timedelta(days=170)
    message = refused(
        "suspension_cap",
        wf.review_suspension,
        suspended,
        OFFICER,
        late_day,
        reasons="Still.",
        review_by=late_day + timedelta(days=20),
    )
    assert "cannot pass 180 days in all" in message
    lifted = wf.lift_suspension(extended, OFFICER, day, reasons="Risk passed.").case
    assert lifted.active_suspension is None
    refused("active_suspension", wf.lift_suspension, lifted, OFFICER, day, reasons="again")


@pytest.mark.parametrize(("policy", "still_active"), [("lift", False), ("alert", True)])
def test_a_missed_review_lapses_or_alerts_as_the_rulebook_says(example_rulebook, policy, still_active):
    rulebook = example_rulebook.model_copy(
        update={"time_limits": example_rulebook.time_limits.model_copy(update={"on_missed_review": policy})}
    )
    case = new_case(rulebook)
    suspended = wf.impose_suspension(case, OFFICER, START, review_by=START + timedelta(days=28), **SUSPEND).case
    assert wf.due_system_actions(suspended, START + timedelta(days=28)) == []
    outcomes = wf.apply_time_limits(suspended, START + timedelta(days=29))
    assert len(outcomes) == 1
    after = outcomes[0].case
    assert (after.active_suspension is not None) == still_active
    assert after.suspensions[0].review_missed
    # Exactly once: the next run finds nothing to do.
    assert wf.apply_time_limits(after, START + timedelta(days=30)) == []


def test_time_limits_are_applied_exactly_once(case, example_rulebook):
    noticed, day = at(case, Stage.NOTICE_ISSUED)
    later = day + timedelta(days=40)
    first = wf.apply_time_limits(noticed, later)
    assert [o.case.stage for o in first] == [Stage.RESPONSE_TIME_ELAPSED]
    assert wf.apply_time_limits(first[-1].case, later) == []


def test_every_action_has_roles_or_is_the_scheduled_jobs():
    for action in wf.Action:
        assert (action in wf.ROLES) != (action in wf.SYSTEM_ACTIONS), action
        assert action in wf.TRANSITIONS


def test_a_panel_is_checked_on_its_own_body_seats_when_members_sit_elsewhere_too(case):
    hearing, day = at(case, Stage.HEARING)
    # Member 11 also sits, untrained, on the appeals panel: that seat has nothing to do with this hearing.
    elsewhere = Seat(SEATS[0].person, "appeals-panel", START)
    assert _decide(hearing, day, seats=[*ALL_SEATS, elsewhere]).case.stage == Stage.DECIDED
    # A member who has left the body can no longer decide.
    message = refused("panel_eligible", _decide, hearing, day, seats=SEATS[1:])
    assert message == "member 11 no longer sits on this body's panels"


def test_a_branch_executive_can_form_a_panel_from_its_own_branch(case):
    responded, day = at(replace(case, body="branch-executive"), Stage.RESPONSE_RECEIVED)
    locals_ = [Seat(Person(n, branch_id=10), "branch-executive", SEATS[0].trained_until) for n in (61, 62, 63)]
    assert wf.form_panel(responded, BODY_OFFICER, day, seats=locals_).case.panel == {61, 62, 63}


def test_the_appeal_window_closes_only_after_the_period(case, example_rulebook):
    window, _ = at(case, Stage.APPEAL_WINDOW)
    last_day = window.decision.notified_on + timedelta(days=example_rulebook.time_limits.appeal_days)
    assert refused("appeal_period_over", wf.close_appeal_window, window, wf.SYSTEM, last_day) == (
        "the appeal period has not ended"
    )


def test_closing_at_the_end_of_the_appeal_period_ends_an_interim_suspension(case, example_rulebook):
    window, _ = at(case, Stage.APPEAL_WINDOW)
    after = window.decision.notified_on + timedelta(days=example_rulebook.time_limits.appeal_days + 1)
    suspended = replace(window, suspensions=(wf.Suspension(after - timedelta(days=3), after + timedelta(days=20)),))
    closed = wf.close_appeal_window(suspended, wf.SYSTEM, after).case
    assert closed.stage == Stage.CLOSED and not any(s.active for s in closed.suspensions)
    # Its review date passed on the same day the window closed: the job settles both, without tripping over itself.
    overdue = replace(window, suspensions=(wf.Suspension(after - timedelta(days=30), after - timedelta(days=2)),))
    outcomes = wf.apply_time_limits(overdue, after)
    assert outcomes[-1].case.stage == Stage.CLOSED and not any(s.active for s in outcomes[-1].case.suspensions)
    assert wf.due_system_actions(outcomes[-1].case, after) == []


def test_a_missed_review_is_only_applied_to_a_suspension_past_its_date(case):
    suspended = wf.impose_suspension(case, OFFICER, START, review_by=START + timedelta(days=28), **SUSPEND).case
    refused("review_missed", wf.miss_suspension_review, suspended, wf.SYSTEM, START + timedelta(days=28))
    refused("review_missed", wf.miss_suspension_review, case, wf.SYSTEM, START + timedelta(days=60))


def test_opening_a_case(example_rulebook):
    args = {
        "clause_ids": ["2.1"],
        "conduct_dates": [START],
        "offices": [],
        "respondent": Person(1, 10),
        "complainant": Person(2, 20),
    }
    routing = wf.open_case(OFFICER, START, example_rulebook, **args)
    assert routing.body_id == "branch-executive"
    refused("role", wf.open_case, OTHER_MEMBER, START, example_rulebook, **args)
    refused("allegations", wf.open_case, OFFICER, START, example_rulebook, **(args | {"clause_ids": []}))
    refused("clause", wf.open_case, OFFICER, START, example_rulebook, **(args | {"clause_ids": ["9.9"]}))
    future = START + timedelta(days=1)
    refused("conduct_date", wf.open_case, OFFICER, START, example_rulebook, **(args | {"conduct_dates": [future]}))
    refused("complainant", wf.open_case, OFFICER, START, example_rulebook, **(args | {"complainant": Person(1, 10)}))


def test_a_notice_cannot_name_allegations_outside_the_case(case):
    investigating, day = at(case, Stage.INVESTIGATION)
    assert (
        refused("notice_complete", wf.issue_notice, investigating, OFFICER, day, evidence={**EVIDENCE, 999: {501}})
        == "the notice names allegations that are not in this case"
    )


def test_every_guard_has_a_refusal_test():
    """A guard nobody has seen refuse is a guard nobody knows works."""
    import re
    from pathlib import Path

    import fairhearing.procedure.panels as panels

    source = Path(wf.__file__).read_text() + Path(panels.__file__).read_text()
    guards = set(re.findall(r'Refusal\(\s*"([a-z_]+)"', source))
    tests = Path(__file__).read_text() + Path(__file__).with_name("test_panels.py").read_text()
    untested = {g for g in guards if f'"{g}"' not in tests}
    assert not untested, f"guards with no refusal test: {sorted(untested)}"
