"""Whose move it is: each staff role's queue holds exactly the stages where the next step is theirs."""

from fairhearing.procedure.roles import Role
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.workflow import Action
from fairhearing.procedure.workqueue import next_steps, queue_stages, stages_waiting_on


def test_the_case_officer_moves_the_case_through_intake_investigation_notification_and_closure():
    assert queue_stages(Role.CASE_OFFICER) == {
        Stage.RECEIVED,
        Stage.TRIAGE,
        Stage.INVESTIGATION,
        Stage.RESPONSE_RECEIVED,
        Stage.RESPONSE_TIME_ELAPSED,
        Stage.HEARING,
        Stage.DECIDED,
        Stage.APPEAL_DECIDED,
    }


def test_body_officers_form_panels_and_panels_decide():
    assert Stage.NOTICE_ISSUED in queue_stages(Role.BODY_OFFICER)
    assert Stage.APPEAL_LODGED in queue_stages(Role.BODY_OFFICER)
    assert queue_stages(Role.PANEL_MEMBER) == {Stage.HEARING, Stage.APPEAL_LODGED}


def test_nobody_queues_cases_waiting_on_the_respondent_or_closed():
    waiting = stages_waiting_on(set(Role))
    assert Stage.APPEAL_WINDOW not in waiting  # the respondent's move, then the scheduled job's
    assert not waiting & {Stage.CLOSED, Stage.DISMISSED}
    assert queue_stages(Role.MEMBER) == set() and queue_stages(Role.OVERSIGHT_OFFICER) == set()


def test_next_steps_leave_out_what_can_happen_at_any_stage():
    assert next_steps(Stage.TRIAGE) == [Action.RECORD_TRIAGE, Action.DISMISS, Action.OPEN_INVESTIGATION]
    assert Action.WITHDRAW not in next_steps(Stage.RECEIVED)
    assert next_steps(Stage.CLOSED) == []
