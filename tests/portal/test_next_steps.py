"""The "what happens next" wording: one plain sentence per stage and side, turning on the right date."""

from __future__ import annotations

from datetime import date

import pytest

from fairhearing.procedure.next_steps import (
    APPEAL_GROUND_LABELS,
    CaseDates,
    MemberAction,
    Party,
    long_date,
    next_step,
)
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.workflow import APPEAL_GROUNDS

TODAY = date(2026, 3, 10)
R, C = Party.RESPONDENT, Party.COMPLAINANT


def dates(**changes) -> CaseDates:
    return CaseDates(today=TODAY, **changes)


def test_every_stage_has_wording_for_both_sides():
    for stage in Stage:
        for party in Party:
            step = next_step(stage, party, dates())
            assert step.text and step.text[0].isupper() and step.text.endswith(".")
            assert "None" not in step.text


@pytest.mark.parametrize(
    ("stage", "party", "changes", "text", "action"),
    [
        (
            Stage.TRIAGE,
            R,
            {"stage_target": date(2026, 3, 16)},
            "Waiting for the case officer to assess the complaint (target: 16 March 2026).",
            None,
        ),
        (
            Stage.INVESTIGATION,
            R,
            {"stage_target": date(2026, 5, 1)},
            "The complaint is being investigated (target: 1 May 2026). If there is a case to answer, you will be sent",
            None,
        ),
        (Stage.INVESTIGATION, C, {}, "The investigator may contact you", None),
        (
            Stage.NOTICE_ISSUED,
            R,
            {"response_due": date(2026, 3, 14)},
            "Reply to the allegations by 14 March 2026.",
            MemberAction.RESPOND,
        ),
        (
            Stage.NOTICE_ISSUED,
            C,
            {"response_due": date(2026, 3, 14)},
            "The respondent has been sent the allegations and has until 14 March 2026 to reply.",
            None,
        ),
        (
            Stage.RESPONSE_RECEIVED,
            R,
            {"responded_on": date(2026, 3, 9)},
            "Your reply was received on 9 March 2026. Next, a panel will be formed to hear your case. You will be told",
            None,
        ),
        (
            Stage.RESPONSE_TIME_ELAPSED,
            R,
            {"response_due": date(2026, 3, 1)},
            "The time to reply ended on 1 March 2026 without a reply from you.",
            None,
        ),
        (Stage.HEARING, R, {"hearing_on": date(2026, 3, 25)}, "The panel will hear your case on 25 March 2026.", None),
        (Stage.HEARING, C, {"hearing_on": date(2026, 3, 25)}, "The panel will hear the case on 25 March 2026.", None),
        (
            Stage.HEARING,
            R,
            {"hearing_on": date(2026, 3, 2), "stage_target": date(2026, 3, 30)},
            "The panel heard your case on 2 March 2026 and will now decide. Its decision is expected by 30 March 2026.",
            None,
        ),
        (Stage.HEARING, R, {}, "A new date will be set for the panel to hear your case.", None),
        (
            Stage.DECIDED,
            R,
            {"stage_target": date(2026, 3, 13)},
            "Its written decision, with the reasons, will be sent to you by 13 March 2026.",
            None,
        ),
        (Stage.DECIDED, C, {"stage_target": date(2026, 3, 13)}, "You will be told the outcome by 13 March 2026.", None),
        (
            Stage.APPEAL_WINDOW,
            R,
            {"appeal_due": date(2026, 3, 31)},
            "You may appeal until 31 March 2026",
            MemberAction.APPEAL,
        ),
        (
            Stage.APPEAL_WINDOW,
            C,
            {"appeal_due": date(2026, 3, 31)},
            "The respondent may appeal until 31 March 2026; if they do not, the case closes.",
            None,
        ),
        (
            Stage.APPEAL_LODGED,
            R,
            {"stage_target": date(2026, 4, 20)},
            "appeals panel of people not involved before. Its decision is expected by 20 April 2026.",
            None,
        ),
        (Stage.APPEAL_LODGED, C, {}, "The respondent's appeal will be decided", None),
        (Stage.APPEAL_DECIDED, C, {}, "The appeals panel has decided.", None),
        (Stage.DISMISSED, R, {}, "The complaint was dismissed: there is no case to answer.", None),
        (Stage.CLOSED, C, {}, "The case is closed. Nothing more will happen.", None),
    ],
)
def test_wording(stage, party, changes, text, action):
    step = next_step(stage, party, dates(**changes))
    assert step.text.startswith(text) or text in step.text
    assert step.action == action


def test_only_the_respondent_is_offered_the_reply_and_the_appeal():
    for stage in Stage:
        assert next_step(stage, C, dates(response_due=TODAY, appeal_due=TODAY)).action is None


def test_the_last_day_to_reply_is_still_in_time():
    on_the_day = next_step(Stage.NOTICE_ISSUED, R, dates(response_due=TODAY))
    assert on_the_day.text == "Reply to the allegations by 10 March 2026." and not on_the_day.overdue
    after = next_step(Stage.NOTICE_ISSUED, R, dates(response_due=date(2026, 3, 9)))
    # Until the scheduled job closes the period the engine still takes a reply, so the portal still offers it.
    assert after.overdue and after.action == MemberAction.RESPOND
    assert after.text.startswith("The time to reply ended on 9 March 2026. You can still send a reply")


def test_after_the_appeal_period_only_a_late_appeal_is_left():
    late = next_step(Stage.APPEAL_WINDOW, R, dates(appeal_due=date(2026, 3, 9)))
    assert late.overdue and late.action == MemberAction.APPEAL
    assert late.text.startswith("The time to appeal ended on 9 March 2026. Only the appeals body can accept a late")
    closed = next_step(Stage.CLOSED, R, dates(appeal_due=date(2026, 3, 9), closed_by_appeal_window=True))
    assert closed == late
    # A case closed any other way (withdrawn, or after an appeal) has nothing left to do.
    assert next_step(Stage.CLOSED, R, dates(appeal_due=date(2026, 3, 9))).action is None


def test_the_complainant_is_never_told_what_the_respondent_said_or_when():
    text = next_step(Stage.RESPONSE_RECEIVED, C, dates(responded_on=date(2026, 3, 9))).text
    assert "9 March" not in text and text.startswith("The respondent has replied")


def test_every_ground_of_appeal_has_a_plain_label():
    assert set(APPEAL_GROUND_LABELS) == APPEAL_GROUNDS


def test_dates_read_as_words():
    assert long_date(date(2026, 3, 1)) == "1 March 2026"
