"""The due-process engine: a case file and every action of the procedure, as pure functions.

Each action takes a `CaseFile`, the actor, the date and its inputs, and returns an `Outcome` (the new case file
and a one-line summary for the timeline) or raises `ActionRefused` naming *every* guard that failed, in words a
volunteer understands. Nothing here reads a database or a clock: services load a case file, call an action, and
store the result in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from fairhearing.procedure import deadlines
from fairhearing.procedure.errors import ActionRefused, Refusal
from fairhearing.procedure.jurisdiction import Routing, route
from fairhearing.procedure.panels import CaseRoles, DeclaredConflict, Person, Seat, check_panel
from fairhearing.procedure.roles import Role
from fairhearing.procedure.rulebook import Level, Power, Rulebook
from fairhearing.procedure.sanctions import GuidelineResult, guideline, may_impose, within_range
from fairhearing.procedure.stages import Stage


class Action(StrEnum):
    BEGIN_TRIAGE = "begin_triage"
    RECORD_TRIAGE = "record_triage"
    DISMISS = "dismiss"
    OPEN_INVESTIGATION = "open_investigation"
    ISSUE_NOTICE = "issue_notice"
    RECORD_RESPONSE = "record_response"
    ELAPSE_RESPONSE_TIME = "elapse_response_time"
    FORM_PANEL = "form_panel"
    SCHEDULE_HEARING = "schedule_hearing"
    RECORD_DECISION = "record_decision"
    NOTIFY_DECISION = "notify_decision"
    LODGE_APPEAL = "lodge_appeal"
    CLOSE_APPEAL_WINDOW = "close_appeal_window"
    FORM_APPEAL_PANEL = "form_appeal_panel"
    RECORD_APPEAL_DECISION = "record_appeal_decision"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    TRANSFER = "transfer"
    DECLARE_CONFLICT = "declare_conflict"
    IMPOSE_SUSPENSION = "impose_suspension"
    REVIEW_SUSPENSION = "review_suspension"
    LIFT_SUSPENSION = "lift_suspension"
    MISS_SUSPENSION_REVIEW = "miss_suspension_review"


OPEN = frozenset(s for s in Stage if s.is_open)
_STAFF = frozenset({Role.CASE_OFFICER, Role.BODY_OFFICER})
SYSTEM_ACTIONS = frozenset({Action.ELAPSE_RESPONSE_TIME, Action.CLOSE_APPEAL_WINDOW, Action.MISS_SUSPENSION_REVIEW})

# Which stages each action may start from, and the stage it leads to (None: the stage does not change).
TRANSITIONS: dict[Action, tuple[frozenset[Stage], Stage | None]] = {
    Action.BEGIN_TRIAGE: (frozenset({Stage.RECEIVED}), Stage.TRIAGE),
    Action.RECORD_TRIAGE: (frozenset({Stage.TRIAGE}), None),
    Action.DISMISS: (frozenset({Stage.TRIAGE}), Stage.DISMISSED),
    Action.OPEN_INVESTIGATION: (frozenset({Stage.TRIAGE}), Stage.INVESTIGATION),
    Action.ISSUE_NOTICE: (frozenset({Stage.INVESTIGATION}), Stage.NOTICE_ISSUED),
    Action.RECORD_RESPONSE: (frozenset({Stage.NOTICE_ISSUED}), Stage.RESPONSE_RECEIVED),
    Action.ELAPSE_RESPONSE_TIME: (frozenset({Stage.NOTICE_ISSUED}), Stage.RESPONSE_TIME_ELAPSED),
    # At the hearing stage too: a transfer, a declared conflict or lapsed training must not strand the case there.
    Action.FORM_PANEL: (
        frozenset({Stage.NOTICE_ISSUED, Stage.RESPONSE_RECEIVED, Stage.RESPONSE_TIME_ELAPSED, Stage.HEARING}),
        None,
    ),
    Action.SCHEDULE_HEARING: (
        frozenset({Stage.RESPONSE_RECEIVED, Stage.RESPONSE_TIME_ELAPSED, Stage.HEARING}),
        Stage.HEARING,
    ),
    Action.RECORD_DECISION: (frozenset({Stage.HEARING}), Stage.DECIDED),
    Action.NOTIFY_DECISION: (frozenset({Stage.DECIDED}), Stage.APPEAL_WINDOW),
    Action.LODGE_APPEAL: (frozenset({Stage.APPEAL_WINDOW, Stage.CLOSED}), Stage.APPEAL_LODGED),
    Action.CLOSE_APPEAL_WINDOW: (frozenset({Stage.APPEAL_WINDOW}), Stage.CLOSED),
    Action.FORM_APPEAL_PANEL: (frozenset({Stage.APPEAL_LODGED}), None),
    Action.RECORD_APPEAL_DECISION: (frozenset({Stage.APPEAL_LODGED}), Stage.APPEAL_DECIDED),
    Action.CLOSE: (frozenset({Stage.APPEAL_DECIDED}), Stage.CLOSED),
    Action.WITHDRAW: (OPEN, Stage.CLOSED),
    Action.TRANSFER: (OPEN, None),
    Action.DECLARE_CONFLICT: (OPEN, None),
    Action.IMPOSE_SUSPENSION: (OPEN, None),
    Action.REVIEW_SUSPENSION: (OPEN, None),
    Action.LIFT_SUSPENSION: (OPEN | {Stage.CLOSED, Stage.DISMISSED}, None),
    Action.MISS_SUSPENSION_REVIEW: (OPEN | {Stage.CLOSED, Stage.DISMISSED}, None),
}

# Who may take each action. Panel decisions are further limited to the panel's own members.
ROLES: dict[Action, frozenset[Role]] = {
    Action.BEGIN_TRIAGE: frozenset({Role.CASE_OFFICER}),
    Action.RECORD_TRIAGE: frozenset({Role.CASE_OFFICER}),
    Action.DISMISS: frozenset({Role.CASE_OFFICER}),
    Action.OPEN_INVESTIGATION: frozenset({Role.CASE_OFFICER}),
    Action.ISSUE_NOTICE: frozenset({Role.CASE_OFFICER}),
    Action.RECORD_RESPONSE: frozenset({Role.CASE_OFFICER, Role.MEMBER}),
    Action.FORM_PANEL: frozenset({Role.BODY_OFFICER}),
    Action.SCHEDULE_HEARING: _STAFF,
    Action.RECORD_DECISION: frozenset({Role.PANEL_MEMBER}),
    Action.NOTIFY_DECISION: frozenset({Role.CASE_OFFICER}),
    Action.LODGE_APPEAL: frozenset({Role.CASE_OFFICER, Role.MEMBER, Role.BODY_OFFICER}),
    Action.FORM_APPEAL_PANEL: frozenset({Role.BODY_OFFICER}),
    Action.RECORD_APPEAL_DECISION: frozenset({Role.PANEL_MEMBER}),
    Action.CLOSE: frozenset({Role.CASE_OFFICER}),
    Action.WITHDRAW: frozenset({Role.CASE_OFFICER}),
    Action.TRANSFER: _STAFF,
    Action.DECLARE_CONFLICT: frozenset({Role.PANEL_MEMBER, Role.BODY_OFFICER}),
    Action.IMPOSE_SUSPENSION: _STAFF,
    Action.REVIEW_SUSPENSION: _STAFF,
    Action.LIFT_SUSPENSION: _STAFF,
}

APPEAL_GROUNDS = frozenset({"procedure", "unreasonable", "new_evidence", "disproportionate"})


class AppealResult(StrEnum):
    DISMISSED = "dismissed"
    VARIED = "varied"
    OVERTURNED = "overturned"


@dataclass(frozen=True)
class Actor:
    """Who is acting: their membership record (if any), roles, and the bodies they serve."""

    member_id: int | None
    roles: frozenset[Role]
    bodies: frozenset[str] = frozenset()
    is_system: bool = False


SYSTEM = Actor(member_id=None, roles=frozenset(), is_system=True)


@dataclass(frozen=True)
class Allegation:
    id: int
    clause: str
    conduct_date: date


@dataclass(frozen=True)
class Triage:
    """Safeguard 2: a case leaves triage only once these three questions are answered."""

    informal_resolution_suitable: bool
    interim_action_needed: bool
    protected_characteristics_involved: bool
    interim_action_reasons: str = ""


@dataclass(frozen=True)
class Notice:
    served_on: date
    evidence: Mapping[int, frozenset[int]]  # allegation id -> evidence relied on


@dataclass(frozen=True)
class Finding:
    allegation_id: int
    proven: bool
    reasons: str
    evidence: frozenset[int] = frozenset()  # the items the finding rests on


@dataclass(frozen=True)
class Decision:
    decided_on: date
    body: str
    panel: frozenset[int]
    findings: tuple[Finding, ...]
    sanction: str
    guideline: GuidelineResult | None
    departure_reason: str = ""
    notified_on: date | None = None


@dataclass(frozen=True)
class Appeal:
    lodged_on: date
    grounds: frozenset[str]
    late_reason: str = ""
    body: str = ""
    panel: frozenset[int] = frozenset()
    result: AppealResult | None = None
    sanction: str = ""
    reasons: str = ""


@dataclass(frozen=True)
class Suspension:
    imposed_on: date
    review_by: date
    lifted_on: date | None = None
    review_missed: bool = False

    @property
    def active(self) -> bool:
        return self.lifted_on is None


@dataclass(frozen=True)
class CaseFile:
    rulebook: Rulebook = field(repr=False, compare=False)
    stage: Stage
    body: str
    respondent: Person
    allegations: tuple[Allegation, ...]
    complainant: Person | None = None
    admitted_evidence: frozenset[int] = frozenset()
    # Admitted items from accounts not proven to be the respondent's: never enough, alone, for a finding (REQ 29).
    unproven_evidence: frozenset[int] = frozenset()
    triage: Triage | None = None
    investigator: int | None = None
    notice: Notice | None = None
    responded_on: date | None = None
    panel: frozenset[int] = frozenset()
    hearing_on: date | None = None
    decision: Decision | None = None
    appeal: Appeal | None = None
    suspensions: tuple[Suspension, ...] = ()
    conflicts: tuple[DeclaredConflict, ...] = ()
    closed_by_appeal_window: bool = False

    @property
    def active_suspension(self) -> Suspension | None:
        return next((s for s in self.suspensions if s.active), None)

    def roles(self) -> CaseRoles:
        return CaseRoles(
            respondent=self.respondent,
            complainant=self.complainant,
            investigator_ids=frozenset({self.investigator} if self.investigator is not None else ()),
            deciding_panel_ids=self.decision.panel if self.decision else frozenset(),
        )


@dataclass(frozen=True)
class Outcome:
    case: CaseFile
    summary: str


# --- guards -----------------------------------------------------------------------------------------------------


def _basic(case: CaseFile, action: Action, actor: Actor) -> list[Refusal]:
    refusals = []
    allowed_from, _ = TRANSITIONS[action]
    if case.stage not in allowed_from:
        refusals.append(
            Refusal("stage", f"this cannot be done while the case is at the stage '{case.stage.label.lower()}'")
        )
    if action in SYSTEM_ACTIONS:
        if not actor.is_system:
            refusals.append(Refusal("role", "only the scheduled job applies this time limit"))
    elif not actor.roles & ROLES[action]:
        allowed = " or ".join(sorted(r.label.lower() for r in ROLES[action]))
        refusals.append(Refusal("role", f"only a {allowed} may do this"))
    return refusals


def _text(value: str, guard: str, what: str) -> list[Refusal]:
    return [] if value.strip() else [Refusal(guard, f"{what} must be written down")]


def _done(case: CaseFile, refusals: list[Refusal], action: Action, summary: str, **changes) -> Outcome:
    if refusals:
        raise ActionRefused(refusals)
    target = TRANSITIONS[action][1]
    if target is not None:
        changes["stage"] = target
    return Outcome(replace(case, **changes), summary)


def _lift_on(case: CaseFile, today: date) -> tuple[Suspension, ...]:
    """Interim suspensions end when the case they protect is decided, dismissed or closed."""
    return tuple(replace(s, lifted_on=today) if s.active else s for s in case.suspensions)


def _seats_refusals(case: CaseFile, seats: Collection[Seat], body: str, today: date, label: str) -> list[Refusal]:
    spec = case.rulebook.body(body)
    return check_panel(
        seats,
        body=body,
        panel_size=spec.panel_size,
        quorum=spec.quorum,
        roles=case.roles(),
        declared=case.conflicts,
        today=today,
        label=label,
        same_branch_conflicts=spec.level != Level.LOCAL,
    )


# --- actions ----------------------------------------------------------------------------------------------------


def begin_triage(case: CaseFile, actor: Actor, today: date) -> Outcome:
    return _done(case, _basic(case, Action.BEGIN_TRIAGE, actor), Action.BEGIN_TRIAGE, "Triage began.")


def record_triage(case: CaseFile, actor: Actor, today: date, *, triage: Triage) -> Outcome:
    refusals = _basic(case, Action.RECORD_TRIAGE, actor)
    if triage.interim_action_needed:
        refusals += _text(triage.interim_action_reasons, "triage_reasons", "why interim action is needed")
    summary = (
        f"Triage recorded: informal resolution {'suits' if triage.informal_resolution_suitable else 'does not suit'}"
        f" this case; interim action {'is' if triage.interim_action_needed else 'is not'} needed; protected "
        f"characteristics {'are' if triage.protected_characteristics_involved else 'are not'} involved."
    )
    return _done(case, refusals, Action.RECORD_TRIAGE, summary, triage=triage)


def _triaged(case: CaseFile) -> list[Refusal]:
    if case.triage is None:
        return [
            Refusal(
                "triage_record",
                "the triage record must first say whether informal resolution suits the case, whether interim "
                "action is needed and whether protected characteristics are involved",
            )
        ]
    return []


def dismiss(case: CaseFile, actor: Actor, today: date, *, reasons: str) -> Outcome:
    refusals = _basic(case, Action.DISMISS, actor) + _triaged(case) + _text(reasons, "reasons", "the reasons")
    return _done(
        case, refusals, Action.DISMISS, f"Dismissed: no case to answer. {reasons}", suspensions=_lift_on(case, today)
    )


def open_investigation(case: CaseFile, actor: Actor, today: date, *, investigator: Seat) -> Outcome:
    refusals = _basic(case, Action.OPEN_INVESTIGATION, actor) + _triaged(case)
    if investigator.trained_until is None or investigator.trained_until < today:
        refusals.append(
            Refusal("investigator_trained", "the investigator has no in-date training record for this kind of case")
        )
    member = investigator.person.member_id
    for label, party in (("respondent", case.respondent), ("complainant", case.complainant)):
        if party is not None and party.member_id == member:
            refusals.append(Refusal("investigator_unconflicted", f"the investigator is the {label}"))
    return _done(case, refusals, Action.OPEN_INVESTIGATION, "Investigation opened.", investigator=member)


def issue_notice(case: CaseFile, actor: Actor, today: date, *, evidence: Mapping[int, Collection[int]]) -> Outcome:
    """Natural justice: the notice lists every allegation, with its clause and the admitted evidence relied on."""
    refusals = _basic(case, Action.ISSUE_NOTICE, actor)
    for allegation in case.allegations:
        relied_on = set(evidence.get(allegation.id, ()))
        if not relied_on:
            refusals.append(
                Refusal(
                    "notice_complete",
                    f"the notice must list the evidence relied on for the allegation under clause {allegation.clause}",
                )
            )
        for item in sorted(relied_on - case.admitted_evidence):
            refusals.append(
                Refusal("evidence_admitted", f"evidence item {item} has not been admitted and cannot be relied on")
            )
    unknown = set(evidence) - {a.id for a in case.allegations}
    if unknown:
        refusals.append(Refusal("notice_complete", "the notice names allegations that are not in this case"))
    notice = Notice(today, {a.id: frozenset(evidence.get(a.id, ())) for a in case.allegations})
    due = deadlines.response_due(case.rulebook, today)
    return _done(
        case,
        refusals,
        Action.ISSUE_NOTICE,
        f"Notice served listing {len(case.allegations)} allegation(s) and the evidence relied on; "
        f"the respondent may answer until {due.isoformat()}.",
        notice=notice,
    )


def record_response(case: CaseFile, actor: Actor, today: date) -> Outcome:
    refusals = _basic(case, Action.RECORD_RESPONSE, actor)
    if Role.CASE_OFFICER not in actor.roles and actor.member_id != case.respondent.member_id:
        refusals.append(Refusal("respondent_only", "only the respondent can answer their own notice"))
    return _done(case, refusals, Action.RECORD_RESPONSE, "The respondent's response was received.", responded_on=today)


def elapse_response_time(case: CaseFile, actor: Actor, today: date) -> Outcome:
    refusals = _basic(case, Action.ELAPSE_RESPONSE_TIME, actor)
    if case.notice is not None and today <= deadlines.response_due(case.rulebook, case.notice.served_on):
        due = deadlines.response_due(case.rulebook, case.notice.served_on)
        refusals.append(Refusal("response_period_over", f"the respondent has until {due.isoformat()} to answer"))
    return _done(case, refusals, Action.ELAPSE_RESPONSE_TIME, "The time to respond elapsed without a response.")


def form_panel(case: CaseFile, actor: Actor, today: date, *, seats: Collection[Seat]) -> Outcome:
    refusals = _basic(case, Action.FORM_PANEL, actor)
    if not case.rulebook.body(case.body).has(Power.HEAR):
        refusals.append(
            Refusal("body_hears", f"{case.rulebook.body(case.body).name} does not hold hearings: transfer the case")
        )
    else:
        refusals += _seats_refusals(case, seats, case.body, today, "the hearing panel")
    ids = frozenset(s.person.member_id for s in seats)
    return _done(case, refusals, Action.FORM_PANEL, f"Hearing panel formed ({len(ids)} members).", panel=ids)


def _panel_still_valid(
    case: CaseFile, panel: frozenset[int], body: str, seats: Collection[Seat], today: date, label: str
) -> list[Refusal]:
    """Conflicts may be declared, and training lapse, after a panel is formed: every later step checks it again,
    using each member's seat on this body (a person may sit on several bodies)."""
    if not panel:
        return [Refusal("panel_formed", f"no {label.removeprefix('the ')} has been formed")]
    own = {s.person.member_id: s for s in seats if s.body == body and s.person.member_id in panel}
    refusals = [
        Refusal("panel_eligible", f"member {member} no longer sits on this body's panels")
        for member in sorted(panel - own.keys())
    ]
    return refusals + _seats_refusals(case, list(own.values()), body, today, label)


def schedule_hearing(
    case: CaseFile, actor: Actor, today: date, *, hearing_on: date, seats: Collection[Seat]
) -> Outcome:
    refusals = _basic(case, Action.SCHEDULE_HEARING, actor)
    refusals += _panel_still_valid(case, case.panel, case.body, seats, today, "the hearing panel")
    if case.notice is not None:
        earliest = deadlines.earliest_hearing(case.rulebook, case.notice.served_on)
        if hearing_on < earliest:
            refusals.append(
                Refusal(
                    "notice_period",
                    f"the hearing must be at least {case.rulebook.time_limits.notice_before_hearing_working_days} "
                    f"working days after the notice: {earliest.isoformat()} at the earliest",
                )
            )
    if hearing_on < today:
        refusals.append(Refusal("hearing_date", "a hearing cannot be scheduled in the past"))
    return _done(
        case,
        refusals,
        Action.SCHEDULE_HEARING,
        f"Hearing scheduled for {hearing_on.isoformat()}.",
        hearing_on=hearing_on,
    )


def record_decision(
    case: CaseFile,
    actor: Actor,
    today: date,
    *,
    findings: Sequence[Finding],
    sanction: str,
    seats: Collection[Seat],
    culpability: str = "",
    harm: str = "",
    departure_reason: str = "",
) -> Outcome:
    rb = case.rulebook
    refusals = _basic(case, Action.RECORD_DECISION, actor)
    if actor.member_id not in case.panel:
        refusals.append(Refusal("panel_member", "only a member of the hearing panel may record its decision"))
    refusals += _panel_still_valid(case, case.panel, case.body, seats, today, "the hearing panel")
    if case.hearing_on is None:
        refusals.append(Refusal("hearing_held", "no hearing has been scheduled"))
    elif case.hearing_on > today:
        refusals.append(Refusal("hearing_held", f"the hearing is not until {case.hearing_on.isoformat()}"))
    if case.notice is None or set(case.notice.evidence) != {a.id for a in case.allegations}:
        refusals.append(Refusal("notice_served", "no decision before a notice listing every allegation was served"))
    elif case.responded_on is None and today <= deadlines.response_due(rb, case.notice.served_on):
        refusals.append(
            Refusal("response_or_period", "no decision before the respondent answered or the time to answer ended")
        )
    by_allegation = {f.allegation_id: f for f in findings}
    for allegation in case.allegations:
        finding = by_allegation.get(allegation.id)
        if finding is None or not finding.reasons.strip():
            refusals.append(
                Refusal("reasons", f"written reasons are needed for the allegation under clause {allegation.clause}")
            )
        if finding is not None:
            refusals += _cited_evidence(case, allegation, finding)
    proven = any(f.proven for f in findings)
    result = None
    if sanction not in {s.id for s in rb.sanctions}:
        refusals.append(Refusal("sanction", f"there is no sanction {sanction!r} in the rulebook"))
    elif not proven and rb.sanction_rank(sanction) > 0:
        refusals.append(Refusal("sanction_needs_finding", "no sanction can follow when no allegation is proven"))
    elif proven:
        try:
            result = guideline(rb, culpability, harm)
        except KeyError:
            refusals.append(Refusal("assessment", "culpability and harm must be assessed from the guideline's levels"))
        if result is not None and not within_range(rb, result, sanction) and not departure_reason.strip():
            refusals.append(
                Refusal(
                    "departure_reason",
                    f"{rb.sanction(sanction).name} is outside the guideline range "
                    f"({rb.sanction(result.lowest).name} to {rb.sanction(result.highest).name}): "
                    "a departure needs written reasons",
                )
            )
        if not may_impose(rb.body(case.body), rb, sanction):
            refusals.append(
                Refusal("body_power", f"{rb.body(case.body).name} has no power to impose {rb.sanction(sanction).name}")
            )
    if refusals:
        raise ActionRefused(refusals)
    decision = Decision(today, case.body, case.panel, tuple(findings), sanction, result, departure_reason)
    return _done(
        case,
        [],
        Action.RECORD_DECISION,
        f"Decision: {rb.sanction(sanction).name}.",
        decision=decision,
        suspensions=_lift_on(case, today),
    )


def _cited_evidence(case: CaseFile, allegation: Allegation, finding: Finding) -> list[Refusal]:
    """A finding rests only on admitted evidence the respondent was served with (REQ 15), and a proven one on at
    least one item that is not merely an account never shown to be theirs (REQ 29)."""
    refusals: list[Refusal] = []
    served = frozenset().union(*case.notice.evidence.values()) if case.notice else frozenset()
    for item in sorted(finding.evidence - case.admitted_evidence):
        refusals.append(
            Refusal("evidence_admitted", f"evidence item {item} has not been admitted and cannot be relied on")
        )
    for item in sorted((finding.evidence & case.admitted_evidence) - served):
        refusals.append(
            Refusal("evidence_served", f"evidence item {item} was not served with the notice and cannot be relied on")
        )
    if finding.proven and not finding.evidence:
        refusals.append(
            Refusal(
                "finding_evidence",
                f"a proven allegation must cite the evidence it rests on (clause {allegation.clause})",
            )
        )
    elif finding.proven and finding.evidence <= case.unproven_evidence:
        refusals.append(
            Refusal(
                "attribution",
                f"the finding under clause {allegation.clause} rests only on accounts not proven to be the "
                "respondent's",
            )
        )
    return refusals


def notify_decision(case: CaseFile, actor: Actor, today: date) -> Outcome:
    refusals = _basic(case, Action.NOTIFY_DECISION, actor)
    if case.decision is None:
        raise ActionRefused(refusals or [Refusal("stage", "there is no decision to send")])
    decision = replace(case.decision, notified_on=today)
    due = deadlines.appeal_due(case.rulebook, today)
    return _done(
        case,
        refusals,
        Action.NOTIFY_DECISION,
        f"Written decision sent to the respondent; an appeal may be lodged until {due.isoformat()}.",
        decision=decision,
    )


def lodge_appeal(
    case: CaseFile, actor: Actor, today: date, *, grounds: Collection[str], late_reason: str = ""
) -> Outcome:
    rb = case.rulebook
    refusals = _basic(case, Action.LODGE_APPEAL, actor)
    if case.stage == Stage.CLOSED and not case.closed_by_appeal_window:
        refusals.append(Refusal("stage", "only a case whose appeal window has closed can take a late appeal"))
    if not grounds or set(grounds) - APPEAL_GROUNDS:
        refusals.append(
            Refusal("grounds", f"an appeal must state its grounds from: {', '.join(sorted(APPEAL_GROUNDS))}")
        )
    if Role.MEMBER in actor.roles and not actor.roles & _STAFF and actor.member_id != case.respondent.member_id:
        refusals.append(Refusal("respondent_only", "only the respondent can appeal their own case"))
    appeals_body = rb.body(case.decision.body).appeals_to if case.decision else None
    notified = case.decision.notified_on if case.decision else None
    if notified is not None and today > deadlines.appeal_due(rb, notified):
        if not late_reason.strip():
            refusals.append(
                Refusal(
                    "appeal_in_time",
                    f"the appeal period ended on {deadlines.appeal_due(rb, notified).isoformat()}; a late appeal "
                    "needs a reason recorded by the appeals body",
                )
            )
        elif Role.BODY_OFFICER not in actor.roles or appeals_body not in actor.bodies:
            refusals.append(
                Refusal("late_appeal_by_appeals_body", "only an officer of the appeals body may accept a late appeal")
            )
    appeal = Appeal(today, frozenset(grounds), late_reason, appeals_body or "")
    return _done(
        case,
        refusals,
        Action.LODGE_APPEAL,
        f"Appeal lodged on the grounds: {', '.join(sorted(grounds))}."
        + (f" Late: {late_reason}" if late_reason else ""),
        appeal=appeal,
        closed_by_appeal_window=False,
    )


def close_appeal_window(case: CaseFile, actor: Actor, today: date) -> Outcome:
    refusals = _basic(case, Action.CLOSE_APPEAL_WINDOW, actor)
    notified = case.decision.notified_on if case.decision else None
    if notified is not None and today <= deadlines.appeal_due(case.rulebook, notified):
        refusals.append(Refusal("appeal_period_over", "the appeal period has not ended"))
    return _done(
        case,
        refusals,
        Action.CLOSE_APPEAL_WINDOW,
        "The appeal period ended without an appeal; the case is closed.",
        closed_by_appeal_window=True,
        suspensions=_lift_on(case, today),
    )


def form_appeal_panel(case: CaseFile, actor: Actor, today: date, *, seats: Collection[Seat]) -> Outcome:
    refusals = _basic(case, Action.FORM_APPEAL_PANEL, actor)
    appeal = case.appeal
    if appeal is not None:
        refusals += _seats_refusals(case, seats, appeal.body, today, "the appeal panel")
    ids = frozenset(s.person.member_id for s in seats)
    new_appeal = replace(appeal, panel=ids) if appeal else None
    return _done(
        case, refusals, Action.FORM_APPEAL_PANEL, f"Appeal panel formed ({len(ids)} members).", appeal=new_appeal
    )


def record_appeal_decision(
    case: CaseFile,
    actor: Actor,
    today: date,
    *,
    result: AppealResult,
    reasons: str,
    seats: Collection[Seat],
    sanction: str = "",
) -> Outcome:
    rb = case.rulebook
    refusals = _basic(case, Action.RECORD_APPEAL_DECISION, actor) + _text(reasons, "reasons", "the reasons")
    appeal, decision = case.appeal, case.decision
    if appeal is None or decision is None:
        raise ActionRefused(refusals or [Refusal("stage", "there is no appeal to decide")])
    refusals += _panel_still_valid(case, appeal.panel, appeal.body, seats, today, "the appeal panel")
    if actor.member_id not in appeal.panel:
        refusals.append(Refusal("panel_member", "only a member of the appeal panel may record its decision"))
    final = {AppealResult.DISMISSED: decision.sanction, AppealResult.OVERTURNED: rb.sanctions[0].id}.get(
        result, sanction
    )
    if result == AppealResult.VARIED and (
        sanction not in {s.id for s in rb.sanctions}
        or rb.sanction_rank(sanction) >= rb.sanction_rank(decision.sanction)
    ):
        refusals.append(Refusal("varied_sanction", "a varied sanction must be one of the milder sanctions"))
    return _done(
        case,
        refusals,
        Action.RECORD_APPEAL_DECISION,
        f"Appeal {result.value}. {reasons}",
        appeal=replace(appeal, result=result, sanction=final, reasons=reasons),
    )


def close(case: CaseFile, actor: Actor, today: date) -> Outcome:
    return _done(
        case, _basic(case, Action.CLOSE, actor), Action.CLOSE, "Case closed.", suspensions=_lift_on(case, today)
    )


def withdraw(case: CaseFile, actor: Actor, today: date, *, reason: str) -> Outcome:
    refusals = _basic(case, Action.WITHDRAW, actor) + _text(reason, "reasons", "the reason for the withdrawal")
    return _done(case, refusals, Action.WITHDRAW, f"Withdrawn: {reason}", suspensions=_lift_on(case, today))


def transfer(case: CaseFile, actor: Actor, today: date, *, to_body: str, reason: str) -> Outcome:
    rb = case.rulebook
    refusals = _basic(case, Action.TRANSFER, actor) + _text(reason, "reasons", "the reason for the transfer")
    if to_body == case.body:
        refusals.append(Refusal("target_body", "the case is already with that body"))
    elif to_body not in {b.id for b in rb.bodies}:
        refusals.append(Refusal("target_body", f"there is no body {to_body!r} in the rulebook"))
    elif not rb.body(to_body).powers & {Power.TRIAGE, Power.INVESTIGATE, Power.HEAR}:
        refusals.append(Refusal("target_body", f"{rb.body(to_body).name} can neither triage, investigate nor hear"))
    if refusals:
        raise ActionRefused(refusals)
    summary = f"Transferred from {rb.body(case.body).name} to {rb.body(to_body).name}: {reason}"
    # A panel belongs to a body: the receiving body forms its own.
    return _done(case, [], Action.TRANSFER, summary, body=to_body, panel=frozenset(), hearing_on=None)


def declare_conflict(case: CaseFile, actor: Actor, today: date, *, conflict: DeclaredConflict) -> Outcome:
    refusals = _basic(case, Action.DECLARE_CONFLICT, actor) + _text(conflict.reason, "reasons", "the reason")
    return _done(
        case,
        refusals,
        Action.DECLARE_CONFLICT,
        f"Conflict declared by member {conflict.panel_member_id}: {conflict.reason}",
        conflicts=(*case.conflicts, conflict),
    )


def impose_suspension(
    case: CaseFile,
    actor: Actor,
    today: date,
    *,
    criterion: str,
    reasons: str,
    proportionality: str,
    restricts: str,
    review_by: date,
) -> Outcome:
    """An interim suspension is a measure, not a sanction: reasoned, proportionate, and reviewed by a set date."""
    rb = case.rulebook
    refusals = _basic(case, Action.IMPOSE_SUSPENSION, actor)
    if not rb.body(case.body).has(Power.INTERIM_SUSPEND):
        refusals.append(Refusal("body_power", f"{rb.body(case.body).name} has no power to suspend"))
    if case.active_suspension is not None:
        refusals.append(Refusal("no_active_suspension", "an interim suspension is already in place: review it"))
    refusals += _text(criterion, "criterion", "the criterion relied on")
    refusals += _text(reasons, "reasons", "the reasons")
    refusals += _text(proportionality, "proportionality", "why suspension is proportionate")
    refusals += _text(restricts, "restricts", "the rights it restricts")
    refusals += _review_date(rb, today, review_by)
    suspension = Suspension(imposed_on=today, review_by=review_by)
    return _done(
        case,
        refusals,
        Action.IMPOSE_SUSPENSION,
        f"Interim suspension imposed (not a sanction): {reasons} Review by {review_by.isoformat()}.",
        suspensions=(*case.suspensions, suspension),
    )


def _review_date(rb: Rulebook, today: date, review_by: date) -> list[Refusal]:
    latest = deadlines.latest_review(rb, today)
    if not today < review_by <= latest:
        return [
            Refusal(
                "review_date",
                f"the review date must be after today and no later than {latest.isoformat()} "
                f"({rb.time_limits.interim_suspension_review_days} days)",
            )
        ]
    return []


def review_suspension(case: CaseFile, actor: Actor, today: date, *, reasons: str, review_by: date) -> Outcome:
    """Continue a suspension with fresh reasons and a new review date, within the rulebook's overall cap."""
    rb = case.rulebook
    refusals = _basic(case, Action.REVIEW_SUSPENSION, actor) + _text(reasons, "reasons", "fresh reasons")
    current = case.active_suspension
    if current is None:
        raise ActionRefused(refusals or [Refusal("active_suspension", "there is no interim suspension to review")])
    refusals += _review_date(rb, today, review_by)
    first = min(s.imposed_on for s in case.suspensions)
    cap = rb.time_limits.interim_suspension_cap_days
    if (review_by - first).days > cap:
        refusals.append(
            Refusal(
                "suspension_cap",
                f"interim suspension in this case cannot pass {cap} days in all: refer the case to the appeals body",
            )
        )
    suspensions = tuple(
        replace(s, review_by=review_by, review_missed=False) if s is current else s for s in case.suspensions
    )
    return _done(
        case,
        refusals,
        Action.REVIEW_SUSPENSION,
        f"Interim suspension reviewed and continued: {reasons} Next review by {review_by.isoformat()}.",
        suspensions=suspensions,
    )


def lift_suspension(case: CaseFile, actor: Actor, today: date, *, reasons: str) -> Outcome:
    refusals = _basic(case, Action.LIFT_SUSPENSION, actor) + _text(reasons, "reasons", "the reasons")
    if case.active_suspension is None:
        refusals.append(Refusal("active_suspension", "there is no interim suspension to lift"))
    return _done(
        case,
        refusals,
        Action.LIFT_SUSPENSION,
        f"Interim suspension lifted: {reasons}",
        suspensions=_lift_on(case, today),
    )


def miss_suspension_review(case: CaseFile, actor: Actor, today: date) -> Outcome:
    """A review date passed with no review: the rulebook says whether the suspension lapses or only alerts."""
    refusals = _basic(case, Action.MISS_SUSPENSION_REVIEW, actor)
    current = case.active_suspension
    if current is None or today <= current.review_by or current.review_missed:
        refusals.append(Refusal("review_missed", "no interim suspension has passed its review date unreviewed"))
    if refusals or current is None:
        raise ActionRefused(refusals)
    if case.rulebook.time_limits.on_missed_review == "lift":
        lifted = replace(current, lifted_on=today, review_missed=True)
        summary = f"Interim suspension lapsed: its review date {current.review_by.isoformat()} passed unreviewed."
    else:
        lifted = replace(current, review_missed=True)
        summary = f"Interim suspension review missed ({current.review_by.isoformat()}): oversight alerted."
    suspensions = tuple(lifted if s is current else s for s in case.suspensions)
    return _done(case, [], Action.MISS_SUSPENSION_REVIEW, summary, suspensions=suspensions)


def due_system_actions(case: CaseFile, today: date) -> list[Action]:
    """The time limits the scheduled job must apply to this case today. Applying them makes this list empty."""
    rb, due = case.rulebook, []
    notice, decision, current = case.notice, case.decision, case.active_suspension
    if case.stage == Stage.NOTICE_ISSUED and notice and today > deadlines.response_due(rb, notice.served_on):
        due.append(Action.ELAPSE_RESPONSE_TIME)
    notified = decision.notified_on if decision else None
    if case.stage == Stage.APPEAL_WINDOW and notified and today > deadlines.appeal_due(rb, notified):
        due.append(Action.CLOSE_APPEAL_WINDOW)
    if current is not None and today > current.review_by and not current.review_missed:
        due.append(Action.MISS_SUSPENSION_REVIEW)
    return due


SYSTEM_APPLY = {
    Action.ELAPSE_RESPONSE_TIME: elapse_response_time,
    Action.CLOSE_APPEAL_WINDOW: close_appeal_window,
    Action.MISS_SUSPENSION_REVIEW: miss_suspension_review,
}


def apply_time_limits(case: CaseFile, today: date) -> list[Outcome]:
    """Everything the scheduled job does to one case today, in order. Run again, it does nothing."""
    outcomes = []
    # Ask again after each: one limit can settle another (closing a case ends the suspension whose review was due).
    while due := due_system_actions(case, today):
        outcome = SYSTEM_APPLY[due[0]](case, SYSTEM, today)
        outcomes.append(outcome)
        case = outcome.case
    return outcomes


def open_case(
    actor: Actor,
    today: date,
    rulebook: Rulebook,
    *,
    clause_ids: Sequence[str],
    conduct_dates: Sequence[date],
    offices: Collection[str],
    respondent: Person,
    complainant: Person | None,
) -> Routing:
    """Check a new complaint and route it by the published rules; the routing reason goes on the record."""
    refusals = []
    if Role.CASE_OFFICER not in actor.roles:
        refusals.append(Refusal("role", "only a case officer may open a case"))
    if not clause_ids:
        refusals.append(Refusal("allegations", "a case needs at least one allegation"))
    known = {c.id for c in rulebook.clauses}
    for clause in clause_ids:
        if clause not in known:
            refusals.append(
                Refusal("clause", f"clause {clause!r} is not in rulebook {rulebook.version}, in force at the time")
            )
    if any(day > today for day in conduct_dates):
        refusals.append(Refusal("conduct_date", "the conduct date cannot be in the future"))
    if complainant is not None and complainant.member_id == respondent.member_id:
        refusals.append(Refusal("complainant", "a member cannot complain about themselves"))
    if refusals:
        raise ActionRefused(refusals)
    return route(rulebook, clause_ids, offices)
