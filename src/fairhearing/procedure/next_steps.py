"""What happens next in a case, in plain words for the member who is a party to it.

A lay member reading the portal needs one sentence per case: what happens next, who does it, and by when - and
whether they themselves must (or may) act. The wording depends only on the stage, on which side the member is,
and on a handful of dates, so it is worked out here, without a database or a clock: the portal gathers the dates
and shows the sentence.

The respondent and the complainant are told different things. The complainant is told how the case moves, never
what the respondent said or what the panel found (that is the respondent's personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fairhearing.procedure.stages import Stage


class Party(StrEnum):
    """Which side of the case the member reading the portal is on."""

    RESPONDENT = "respondent"
    COMPLAINANT = "complainant"


class MemberAction(StrEnum):
    """Something the member can do in the portal now."""

    RESPOND = "respond"
    APPEAL = "appeal"


@dataclass(frozen=True)
class CaseDates:
    """The dates the next step depends on; None where the case has no such date (yet)."""

    today: date
    stage_target: date | None = None  # the rulebook's target for leaving the current stage
    response_due: date | None = None  # the last day to answer the notice
    responded_on: date | None = None
    hearing_on: date | None = None
    decision_notified_on: date | None = None
    appeal_due: date | None = None  # the last day to appeal, counted from the written decision
    closed_by_appeal_window: bool = False


@dataclass(frozen=True)
class NextStep:
    """One plain sentence, the date it turns on (for sorting and highlighting), and what the member can do."""

    text: str
    due: date | None = None
    action: MemberAction | None = None
    overdue: bool = False  # the date in `text` has passed


# Plain-language names of the grounds of appeal (`workflow.APPEAL_GROUNDS`), for the member choosing them.
APPEAL_GROUND_LABELS: dict[str, str] = {
    "procedure": "The rules of procedure were not followed, and that was unfair to me",
    "unreasonable": "The decision was one no reasonable panel could have reached on the evidence",
    "new_evidence": "There is new evidence that I could not have given before the decision",
    "disproportionate": "The sanction is too severe for what was found",
}


def long_date(day: date) -> str:
    """'1 January 2022' (the same wording as fairhearing.formatting, which this pure module cannot import)."""
    return f"{day.day} {day:%B %Y}"


def _target(dates: CaseDates) -> str:
    return f" (target: {long_date(dates.stage_target)})" if dates.stage_target else ""


def _yours(party: Party) -> str:
    return "your case" if party == Party.RESPONDENT else "the case"


def next_step(stage: Stage, party: Party, dates: CaseDates) -> NextStep:
    """What happens next in a case at `stage`, told to `party`."""
    handler = _STEPS[stage]
    return handler(party, dates)


def _received(party: Party, dates: CaseDates) -> NextStep:
    return NextStep(
        f"The complaint has been received. A case officer will look at it first{_target(dates)}.", dates.stage_target
    )


def _triage(party: Party, dates: CaseDates) -> NextStep:
    return NextStep(
        f"Waiting for the case officer to assess the complaint{_target(dates)}. They decide whether it needs "
        "investigating.",
        dates.stage_target,
    )


def _dismissed(party: Party, dates: CaseDates) -> NextStep:
    return NextStep("The complaint was dismissed: there is no case to answer. Nothing more will happen.")


def _investigation(party: Party, dates: CaseDates) -> NextStep:
    if party == Party.RESPONDENT:
        then = (
            "If there is a case to answer, you will be sent a notice listing the allegations and the evidence, "
            "and you will have time to reply."
        )
    else:
        then = "The investigator may contact you for more information."
    return NextStep(f"The complaint is being investigated{_target(dates)}. {then}", dates.stage_target)


def _notice_issued(party: Party, dates: CaseDates) -> NextStep:
    due = dates.response_due
    if party == Party.COMPLAINANT:
        until = f" and has until {long_date(due)} to reply" if due else ""
        return NextStep(f"The respondent has been sent the allegations{until}. Then a panel will hear the case.", due)
    if due is None:
        return NextStep("Reply to the allegations in the notice you were sent.", action=MemberAction.RESPOND)
    if dates.today <= due:
        return NextStep(f"Reply to the allegations by {long_date(due)}.", due, MemberAction.RESPOND)
    # The engine accepts a reply until the scheduled job closes the period: say so rather than shut the door early.
    return NextStep(
        f"The time to reply ended on {long_date(due)}. You can still send a reply until the case moves on, "
        "but the panel may go ahead without it.",
        due,
        MemberAction.RESPOND,
        overdue=True,
    )


def _awaiting_hearing(party: Party, dates: CaseDates, first: str) -> NextStep:
    told = "You will be told the date" if party == Party.RESPONDENT else "You will be told when it has decided"
    return NextStep(f"{first} Next, a panel will be formed to hear {_yours(party)}. {told}.")


def _response_received(party: Party, dates: CaseDates) -> NextStep:
    if party == Party.RESPONDENT:
        when = f" on {long_date(dates.responded_on)}" if dates.responded_on else ""
        return _awaiting_hearing(party, dates, f"Your reply was received{when}.")
    return _awaiting_hearing(party, dates, "The respondent has replied to the allegations.")


def _response_time_elapsed(party: Party, dates: CaseDates) -> NextStep:
    if party == Party.RESPONDENT:
        when = f" on {long_date(dates.response_due)}" if dates.response_due else ""
        return _awaiting_hearing(party, dates, f"The time to reply ended{when} without a reply from you.")
    return _awaiting_hearing(party, dates, "The time for the respondent to reply has ended.")


def _hearing(party: Party, dates: CaseDates) -> NextStep:
    hearing = dates.hearing_on
    if hearing is None:
        # A transfer to another body clears the date: that body's panel sets a new one.
        return NextStep(f"A new date will be set for the panel to hear {_yours(party)}. You will be told it.")
    if dates.today <= hearing:
        return NextStep(f"The panel will hear {_yours(party)} on {long_date(hearing)}.", hearing)
    expected = f" Its decision is expected by {long_date(dates.stage_target)}." if dates.stage_target else ""
    return NextStep(f"The panel heard {_yours(party)} on {long_date(hearing)} and will now decide.{expected}", hearing)


def _decided(party: Party, dates: CaseDates) -> NextStep:
    by = f" by {long_date(dates.stage_target)}" if dates.stage_target else ""
    if party == Party.RESPONDENT:
        return NextStep(
            f"The panel has decided. Its written decision, with the reasons, will be sent to you{by}.",
            dates.stage_target,
        )
    return NextStep(f"The panel has decided. You will be told the outcome{by}.", dates.stage_target)


def _appeal_window(party: Party, dates: CaseDates) -> NextStep:
    due = dates.appeal_due
    if party == Party.COMPLAINANT:
        until = f" until {long_date(due)}" if due else ""
        return NextStep(
            f"The decision has been sent. The respondent may appeal{until}; if they do not, the case closes.", due
        )
    if due is None or dates.today <= due:
        until = f" until {long_date(due)}" if due else ""
        return NextStep(
            f"The decision has been sent to you. You may appeal{until}; if you do not, the case closes.",
            due,
            MemberAction.APPEAL,
        )
    return _late_appeal(dates, due)


def _late_appeal(dates: CaseDates, due: date) -> NextStep:
    return NextStep(
        f"The time to appeal ended on {long_date(due)}. Only the appeals body can accept a late appeal, and only "
        "with a good reason for the delay.",
        due,
        MemberAction.APPEAL,
        overdue=True,
    )


def _appeal_lodged(party: Party, dates: CaseDates) -> NextStep:
    who = "Your appeal" if party == Party.RESPONDENT else "The respondent's appeal"
    expected = f" Its decision is expected by {long_date(dates.stage_target)}." if dates.stage_target else ""
    return NextStep(
        f"{who} will be decided by an appeals panel of people not involved before.{expected}", dates.stage_target
    )


def _appeal_decided(party: Party, dates: CaseDates) -> NextStep:
    return NextStep("The appeals panel has decided. The case will now be closed.")


def _closed(party: Party, dates: CaseDates) -> NextStep:
    if party == Party.RESPONDENT and dates.closed_by_appeal_window and dates.appeal_due is not None:
        return _late_appeal(dates, dates.appeal_due)
    return NextStep("The case is closed. Nothing more will happen.")


_STEPS = {
    Stage.RECEIVED: _received,
    Stage.TRIAGE: _triage,
    Stage.DISMISSED: _dismissed,
    Stage.INVESTIGATION: _investigation,
    Stage.NOTICE_ISSUED: _notice_issued,
    Stage.RESPONSE_RECEIVED: _response_received,
    Stage.RESPONSE_TIME_ELAPSED: _response_time_elapsed,
    Stage.HEARING: _hearing,
    Stage.DECIDED: _decided,
    Stage.APPEAL_WINDOW: _appeal_window,
    Stage.APPEAL_LODGED: _appeal_lodged,
    Stage.APPEAL_DECIDED: _appeal_decided,
    Stage.CLOSED: _closed,
}
