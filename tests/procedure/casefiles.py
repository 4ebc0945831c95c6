"""A small cast and a happy path through the procedure, shared by the workflow tests."""

from __future__ import annotations

from datetime import date, timedelta

from fairhearing.procedure import deadlines
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.panels import Person, Seat
from fairhearing.procedure.roles import Role
from fairhearing.procedure.stages import Stage

START = date(2026, 3, 2)
BODY = "national-disputes-panel"
APPEALS = "appeals-panel"
TRAINED = date(2030, 12, 31)

RESPONDENT = Person(1, branch_id=10)
COMPLAINANT = Person(2, branch_id=20)
OFFICER = wf.Actor(900, frozenset({Role.CASE_OFFICER}))
BODY_OFFICER = wf.Actor(901, frozenset({Role.BODY_OFFICER}), frozenset({BODY}))
APPEALS_OFFICER = wf.Actor(902, frozenset({Role.BODY_OFFICER}), frozenset({APPEALS}))
RESPONDENT_ACTOR = wf.Actor(1, frozenset({Role.MEMBER}))
OTHER_MEMBER = wf.Actor(3, frozenset({Role.MEMBER}))
INVESTIGATOR = Seat(Person(50, branch_id=40), "complaints-unit", TRAINED)
SEATS = [Seat(Person(n, branch_id=30), BODY, TRAINED) for n in (11, 12, 13, 14)]
APPEAL_SEATS = [Seat(Person(n, branch_id=31), APPEALS, TRAINED) for n in (21, 22, 23, 24)]
ALL_SEATS = SEATS + APPEAL_SEATS
PANELLIST = wf.Actor(11, frozenset({Role.PANEL_MEMBER}), frozenset({BODY}))
APPEAL_PANELLIST = wf.Actor(21, frozenset({Role.PANEL_MEMBER}), frozenset({APPEALS}))
EVIDENCE = {101: {501}, 102: {502}}
FINDINGS = (
    wf.Finding(101, True, "Proven on the screenshots.", frozenset({501})),
    wf.Finding(102, True, "Admitted.", frozenset({502})),
)


def new_case(rulebook, **changes) -> wf.CaseFile:
    base = wf.CaseFile(
        rulebook=rulebook,
        stage=Stage.RECEIVED,
        body=BODY,
        respondent=RESPONDENT,
        complainant=COMPLAINANT,
        allegations=(wf.Allegation(101, "2.2", START), wf.Allegation(102, "5.2", START)),
        admitted_evidence=frozenset({501, 502}),
    )
    return wf.CaseFile(**{**base.__dict__, **changes})


TRIAGE = wf.Triage(
    informal_resolution_suitable=False, interim_action_needed=False, protected_characteristics_involved=False
)


def next_step(case: wf.CaseFile, day: date) -> wf.Outcome:
    """The next ordinary step for a case at its current stage, taken by the right person with sound inputs."""
    steps = {
        Stage.RECEIVED: lambda c, d: wf.begin_triage(c, OFFICER, d),
        Stage.TRIAGE: lambda c, d: wf.open_investigation(
            wf.record_triage(c, OFFICER, d, triage=TRIAGE).case, OFFICER, d, investigator=INVESTIGATOR
        ),
        Stage.INVESTIGATION: lambda c, d: wf.issue_notice(c, OFFICER, d, evidence=EVIDENCE),
        Stage.NOTICE_ISSUED: lambda c, d: wf.record_response(c, RESPONDENT_ACTOR, d),
        Stage.RESPONSE_RECEIVED: _to_hearing,
        Stage.RESPONSE_TIME_ELAPSED: _to_hearing,
        Stage.HEARING: lambda c, d: wf.record_decision(
            c, PANELLIST, d, findings=FINDINGS, sanction="suspension", seats=ALL_SEATS, culpability="B", harm="2"
        ),
        Stage.DECIDED: lambda c, d: wf.notify_decision(c, OFFICER, d),
        Stage.APPEAL_WINDOW: lambda c, d: wf.lodge_appeal(c, RESPONDENT_ACTOR, d, grounds={"disproportionate"}),
        Stage.APPEAL_LODGED: lambda c, d: wf.record_appeal_decision(
            c if c.appeal.panel else wf.form_appeal_panel(c, APPEALS_OFFICER, d, seats=APPEAL_SEATS[:3]).case,
            APPEAL_PANELLIST,
            d,
            result=wf.AppealResult.DISMISSED,
            reasons="No ground made out.",
            seats=ALL_SEATS,
        ),
        Stage.APPEAL_DECIDED: lambda c, d: wf.close(c, OFFICER, d),
    }
    return steps[case.stage](case, day)


def _to_hearing(case: wf.CaseFile, day: date) -> wf.Outcome:
    panelled = case if case.panel else wf.form_panel(case, BODY_OFFICER, day, seats=SEATS[:3]).case
    earliest = max(day, deadlines.earliest_hearing(case.rulebook, case.notice.served_on))
    return wf.schedule_hearing(panelled, BODY_OFFICER, day, hearing_on=earliest, seats=ALL_SEATS)


def happy_path(case: wf.CaseFile, until: Stage, day: date = START) -> tuple[wf.CaseFile, date]:
    """Drive a case along the ordinary path until it reaches `until`; returns it and the date reached."""
    while case.stage != until:
        # The decision waits for the hearing date, ten working days after the notice; other steps are days apart.
        day += timedelta(days=15 if case.stage in (Stage.RESPONSE_RECEIVED,) else 2)
        case = next_step(case, day).case
    return case, day
