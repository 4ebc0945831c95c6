"""Random sequences of actions by random actors, with the scheduled job running daily, never break due process."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from fairhearing.procedure import deadlines
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.panels import DeclaredConflict, Person, Seat, conflicts_of
from fairhearing.procedure.rulebook import load_rulebook
from fairhearing.procedure.stages import Stage
from tests.conftest import EXAMPLE
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
    new_case,
    next_step,
)

RULEBOOK = load_rulebook(EXAMPLE.read_text())
ACTORS = [
    OFFICER,
    BODY_OFFICER,
    APPEALS_OFFICER,
    RESPONDENT_ACTOR,
    OTHER_MEMBER,
    PANELLIST,
    APPEAL_PANELLIST,
    wf.SYSTEM,
]
# Seats include people who are conflicted (same branch as the respondent; the investigator) and one untrained.
CONFLICTED = Seat(Person(15, branch_id=10), SEATS[0].body, SEATS[0].trained_until)
UNTRAINED = Seat(Person(16, branch_id=30), SEATS[0].body, START)
INVESTIGATOR_SEAT = Seat(INVESTIGATOR.person, SEATS[0].body, SEATS[0].trained_until)
SEAT_POOL = [*SEATS, CONFLICTED, UNTRAINED, INVESTIGATOR_SEAT]
# Everyone's seats, as a service would pass them: some people sit on more than one body.
SEAT_UNIVERSE = [*ALL_SEATS, CONFLICTED, UNTRAINED, INVESTIGATOR_SEAT, Seat(SEATS[1].person, "appeals-panel", START)]
SEAT_CHOICE = st.lists(st.sampled_from(SEAT_POOL), min_size=1, max_size=4)
APPEAL_SEAT_CHOICE = st.lists(st.sampled_from([*APPEAL_SEATS, *SEATS]), min_size=1, max_size=4)
SANCTIONS = st.sampled_from([s.id for s in RULEBOOK.sanctions])
LEVELS = st.sampled_from(["A", "B", "C"]), st.sampled_from(["1", "2", "3"])
TEXT = st.sampled_from(["", "Reasons given."])


class DueProcess(RuleBasedStateMachine):
    @initialize()
    def start(self):
        self.case = new_case(RULEBOOK)
        self.today = START
        self.decision_checked = False

    def attempt(self, action, *args, **kwargs):
        """Try an action; a refusal changes nothing, which the immutable case file guarantees."""
        before = self.case
        try:
            outcome = action(self.case, *args, **kwargs)
        except ActionRefused as refused:
            assert refused.refusals, "a refusal always says why"
            assert self.case is before
            return None
        self.case = outcome.case
        return outcome

    # --- time passes, and the scheduled job runs every day ---------------------------------------------------

    @rule(days=st.integers(1, 40))
    def time_passes(self, days):
        for _ in range(days):
            self.today += timedelta(days=1)
            for outcome in wf.apply_time_limits(self.case, self.today):
                self.case = outcome.case
            assert wf.due_system_actions(self.case, self.today) == []

    # --- the case moves on as it ordinarily would, so the properties are tested on decided and appealed cases ---

    @rule(steps=st.integers(1, 6))
    def progress(self, steps):
        for _ in range(steps):
            if not self.case.stage.is_open or self.attempt(next_step, self.today) is None:
                break
            self.time_passes(8)  # hearings wait ten working days after the notice

    # --- anyone may try anything ---------------------------------------------------------------------------

    @rule(actor=st.sampled_from(ACTORS))
    def begin_triage(self, actor):
        self.attempt(wf.begin_triage, actor, self.today)

    @rule(actor=st.sampled_from(ACTORS), reasons=TEXT)
    def triage_and_dismiss(self, actor, reasons):
        self.attempt(wf.record_triage, actor, self.today, triage=TRIAGE)
        self.attempt(wf.dismiss, actor, self.today, reasons=reasons)

    @rule(actor=st.sampled_from(ACTORS), trained=st.booleans())
    def open_investigation(self, actor, trained):
        seat = INVESTIGATOR if trained else Seat(INVESTIGATOR.person, INVESTIGATOR.body, START)
        self.attempt(wf.record_triage, actor, self.today, triage=TRIAGE)
        self.attempt(wf.open_investigation, actor, self.today, investigator=seat)

    @rule(actor=st.sampled_from(ACTORS), complete=st.booleans())
    def issue_notice(self, actor, complete):
        self.attempt(wf.issue_notice, actor, self.today, evidence=EVIDENCE if complete else {101: {501}})

    @rule(actor=st.sampled_from(ACTORS))
    def respond(self, actor):
        self.attempt(wf.record_response, actor, self.today)

    @rule(actor=st.sampled_from(ACTORS), seats=SEAT_CHOICE)
    def form_panel(self, actor, seats):
        self.attempt(wf.form_panel, actor, self.today, seats=seats)

    @rule(actor=st.sampled_from(ACTORS), offset=st.integers(-5, 30))
    def schedule_hearing(self, actor, offset):
        self.attempt(
            wf.schedule_hearing,
            actor,
            self.today,
            hearing_on=self.today + timedelta(days=offset),
            seats=SEAT_UNIVERSE,
        )

    @rule(actor=st.sampled_from(ACTORS), member=st.sampled_from([11, 12, 13, 14]), party=st.sampled_from([1, 2, 77]))
    def declare_conflict(self, actor, member, party):
        self.attempt(
            wf.declare_conflict, actor, self.today, conflict=DeclaredConflict(member, party, "knows them well")
        )

    @rule(
        actor=st.sampled_from(ACTORS),
        sanction=SANCTIONS,
        culpability=LEVELS[0],
        harm=LEVELS[1],
        departure=TEXT,
        proven=st.booleans(),
    )
    def decide(self, actor, sanction, culpability, harm, departure, proven):
        findings = FINDINGS if proven else tuple(wf.Finding(f.allegation_id, False, f.reasons) for f in FINDINGS)
        before = self.case
        outcome = self.attempt(
            wf.record_decision,
            actor,
            self.today,
            findings=findings,
            sanction=sanction,
            seats=SEAT_UNIVERSE,
            culpability=culpability,
            harm=harm,
            departure_reason=departure,
        )
        if outcome is not None:
            decision = self.case.decision
            # Never a decision by a conflicted, untrained or non-quorate panel.
            seats = [s for s in SEAT_UNIVERSE if s.person.member_id in decision.panel and s.body == decision.body]
            assert len(seats) >= RULEBOOK.body(decision.body).quorum
            assert all(not conflicts_of(s, before.roles(), before.conflicts) for s in seats)
            assert all(s.trained_until >= self.today for s in seats)

    @rule(actor=st.sampled_from(ACTORS))
    def notify(self, actor):
        self.attempt(wf.notify_decision, actor, self.today)

    @rule(actor=st.sampled_from(ACTORS), late_reason=TEXT)
    def appeal(self, actor, late_reason):
        self.attempt(wf.lodge_appeal, actor, self.today, grounds={"disproportionate"}, late_reason=late_reason)

    @rule(actor=st.sampled_from(ACTORS), seats=APPEAL_SEAT_CHOICE)
    def form_appeal_panel(self, actor, seats):
        self.attempt(wf.form_appeal_panel, actor, self.today, seats=seats)

    @rule(actor=st.sampled_from(ACTORS), result=st.sampled_from(list(wf.AppealResult)), sanction=SANCTIONS)
    def decide_appeal(self, actor, result, sanction):
        self.attempt(
            wf.record_appeal_decision,
            actor,
            self.today,
            result=result,
            reasons="Considered.",
            sanction=sanction,
            seats=SEAT_UNIVERSE,
        )

    @rule(actor=st.sampled_from(ACTORS))
    def close(self, actor):
        self.attempt(wf.close, actor, self.today)

    @rule(actor=st.sampled_from(ACTORS), reason=TEXT)
    def withdraw(self, actor, reason):
        self.attempt(wf.withdraw, actor, self.today, reason=reason)

    @rule(actor=st.sampled_from(ACTORS), body=st.sampled_from([b.id for b in RULEBOOK.bodies]))
    def transfer(self, actor, body):
        self.attempt(wf.transfer, actor, self.today, to_body=body, reason="Moved.")

    @rule(actor=st.sampled_from(ACTORS), days=st.integers(-2, 40), reasons=TEXT)
    def suspend(self, actor, days, reasons):
        self.attempt(
            wf.impose_suspension,
            actor,
            self.today,
            criterion="risk",
            reasons=reasons,
            proportionality="needed",
            restricts="meetings",
            review_by=self.today + timedelta(days=days),
        )

    @rule(actor=st.sampled_from(ACTORS), days=st.integers(-2, 40))
    def review_suspension(self, actor, days):
        self.attempt(
            wf.review_suspension,
            actor,
            self.today,
            reasons="Still needed.",
            review_by=self.today + timedelta(days=days),
        )

    @rule(actor=st.sampled_from(ACTORS))
    def lift_suspension(self, actor):
        self.attempt(wf.lift_suspension, actor, self.today, reasons="No longer needed.")

    # --- what must always hold -------------------------------------------------------------------------------

    @invariant()
    def no_decision_without_notice_and_response_period(self):
        decision, notice = self.case.decision, self.case.notice
        if decision is not None:
            assert notice is not None and set(notice.evidence) == {a.id for a in self.case.allegations}
            assert notice.served_on <= decision.decided_on
            responded = self.case.responded_on is not None and self.case.responded_on <= decision.decided_on
            assert responded or decision.decided_on > deadlines.response_due(RULEBOOK, notice.served_on)

    @invariant()
    def no_suspension_past_its_review_date_unreviewed(self):
        for suspension in self.case.suspensions:
            if suspension.active:
                assert self.today <= suspension.review_by or suspension.review_missed
                assert (
                    suspension.review_by - suspension.imposed_on
                ).days <= RULEBOOK.time_limits.interim_suspension_cap_days

    @invariant()
    def appeals_are_never_heard_by_the_deciding_panel(self):
        appeal, decision = self.case.appeal, self.case.decision
        if appeal is not None and decision is not None:
            assert not appeal.panel & decision.panel
            assert self.case.investigator not in appeal.panel

    @invariant()
    def the_investigator_never_sits_on_the_hearing_panel(self):
        assert self.case.investigator is None or self.case.investigator not in self.case.panel

    @invariant()
    def a_sanction_beyond_the_guideline_carries_its_reason(self):
        decision = self.case.decision
        if decision is not None and decision.guideline is not None:
            rank = RULEBOOK.sanction_rank(decision.sanction)
            inside = (
                RULEBOOK.sanction_rank(decision.guideline.lowest)
                <= rank
                <= RULEBOOK.sanction_rank(decision.guideline.highest)
            )
            assert inside or decision.departure_reason.strip()

    def teardown(self):
        event(
            f"reached: {'decided' if self.case.decision else 'undecided'}, "
            f"{'appealed' if self.case.appeal else 'no appeal'}"
        )
        self.bring_to_a_close()

    def bring_to_a_close(self):
        """Whatever happened, the case can still be brought to a close."""
        case, day = self.case, self.today
        if case.stage == Stage.DECIDED:
            case = wf.notify_decision(case, OFFICER, day).case
        if case.stage == Stage.APPEAL_DECIDED:
            case = wf.close(case, OFFICER, day).case
        if case.stage == Stage.APPEAL_WINDOW:
            day = deadlines.appeal_due(RULEBOOK, case.decision.notified_on) + timedelta(days=1)
            case = wf.apply_time_limits(case, day)[-1].case
        if case.stage.is_open:
            case = wf.withdraw(case, OFFICER, day, reason="Brought to a close.").case
        assert not case.stage.is_open
        assert case.active_suspension is None or case.active_suspension.review_missed


DueProcess.TestCase.settings = settings(
    max_examples=300, stateful_step_count=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
test_due_process = DueProcess.TestCase


def test_the_rules_can_reach_a_decision_and_an_appeal():
    """Rules that could never succeed would make the invariants above hold trivially: play the ordinary path
    through the machine's own rules and see every stage it should reach."""
    machine = DueProcess()
    machine.start()
    machine.begin_triage(OFFICER)
    machine.open_investigation(OFFICER, trained=True)
    machine.issue_notice(OFFICER, complete=True)
    machine.respond(RESPONDENT_ACTOR)
    machine.form_panel(BODY_OFFICER, SEATS[:3])
    machine.time_passes(15)
    machine.schedule_hearing(BODY_OFFICER, 0)
    assert machine.case.stage == Stage.HEARING
    machine.decide(PANELLIST, "final-warning", "B", "2", "", True)
    machine.notify(OFFICER)
    machine.appeal(RESPONDENT_ACTOR, "")
    machine.form_appeal_panel(APPEALS_OFFICER, APPEAL_SEATS[:3])
    machine.decide_appeal(APPEAL_PANELLIST, wf.AppealResult.DISMISSED, "final-warning")
    assert machine.case.stage == Stage.APPEAL_DECIDED
    machine.close(OFFICER)
    assert machine.case.stage == Stage.CLOSED
    machine.bring_to_a_close()
