"""Panels, conflicts, the hearing and the decision."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from fairhearing.accounts.models import User
from fairhearing.cases.casefile_store import Acting, acting_on, person
from fairhearing.cases.models import (
    Case,
    Decision,
    DecisionKind,
    DeclaredConflict,
    EventKind,
    Finding,
    PanelSitting,
    SittingKind,
)
from fairhearing.organisation.models import Member, PanelMember
from fairhearing.outbox import case_emails as emails
from fairhearing.outbox.models import EmailKind
from fairhearing.procedure import deadlines
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.panels import DeclaredConflict as Conflict
from fairhearing.procedure.panels import Seat


def _seats(members: Sequence[PanelMember]) -> list[Seat]:
    return [Seat(person(m.member), m.body.kind, m.trained_until) for m in members]


def sit(a: Acting, kind: str, members: Sequence[PanelMember]) -> None:
    a.case.sittings.filter(kind=kind, dissolved_at__isnull=True).update(dissolved_at=a.now)
    sitting = PanelSitting.objects.create(case=a.case, kind=kind, body=members[0].body, formed_at=a.now)
    sitting.seats.set(members)


def form_panel(case: Case, user: User, *, members: Sequence[PanelMember], now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.form_panel(a.file, a.actor, a.today, seats=_seats(members))
        sit(a, SittingKind.HEARING, members)
        a.apply(outcome, EventKind.PANEL_FORMED, {"members": [m.member_id for m in members]})
    return case


def declare_conflict(
    case: Case, user: User, *, panel_member: Member, with_member: Member, reason: str, now: datetime | None = None
) -> Case:
    conflict = Conflict(panel_member.pk, with_member.pk, reason)
    with acting_on(case, user, now) as a:
        outcome = wf.declare_conflict(a.file, a.actor, a.today, conflict=conflict)
        DeclaredConflict.objects.create(
            case=a.case,
            panel_member=panel_member,
            with_member=with_member,
            reason=reason,
            declared_at=a.now,
            declared_by=user,
        )
        a.apply(outcome, EventKind.CONFLICT_DECLARED)
    return case


def schedule_hearing(case: Case, user: User, *, hearing_on: date, now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        a.apply(
            wf.schedule_hearing(a.file, a.actor, a.today, hearing_on=hearing_on, seats=a.seats()),
            EventKind.HEARING_SCHEDULED,
        )
    return case


def record_decision(
    case: Case,
    user: User,
    *,
    findings: Sequence[wf.Finding],
    sanction: str,
    culpability: str = "",
    harm: str = "",
    aggravating: Sequence[str] = (),
    mitigating: Sequence[str] = (),
    departure_reason: str = "",
    suspension_months: int | None = None,
    precedents_considered: Sequence[str] = (),
    now: datetime | None = None,
) -> Case:
    """`precedents_considered`: the references of the comparable past decisions the panel was shown and recorded
    that it considered (REQ 22), kept with the decision and named on its timeline entry."""
    considered = list(dict.fromkeys(precedents_considered))
    with acting_on(case, user, now) as a:
        outcome = wf.record_decision(
            a.file,
            a.actor,
            a.today,
            findings=findings,
            sanction=sanction,
            seats=a.seats(),
            culpability=culpability,
            harm=harm,
            departure_reason=departure_reason,
        )
        decision = outcome.case.decision
        g = decision.guideline
        row = Decision.objects.create(
            case=a.case,
            kind=DecisionKind.FIRST_INSTANCE,
            body=a.case.body,
            decided_at=a.now,
            sanction=sanction,
            suspension_months=suspension_months,
            culpability=culpability if g else "",
            harm=harm if g else "",
            aggravating=list(aggravating),
            mitigating=list(mitigating),
            guideline_starting_point=g.starting_point if g else "",
            guideline_lowest=g.lowest if g else "",
            guideline_highest=g.highest if g else "",
            departure_reason=departure_reason,
            reasons=" ".join(f.reasons for f in findings),
            precedents_considered=considered,
        )
        row.panel.set(a.case.sittings.get(kind=SittingKind.HEARING, dissolved_at__isnull=True).seats.all())
        for f in findings:
            finding = Finding.objects.create(
                decision=row, allegation_id=f.allegation_id, proven=f.proven, reasons=f.reasons
            )
            finding.evidence.set(f.evidence)
        a.case.outcome = sanction
        a.sync_suspensions(outcome, "Lifted on the decision.")
        if considered:
            # On the timeline (and so, by its digest, in the audit log): what the panel had before it when it decided.
            outcome = replace(
                outcome,
                summary=f"{outcome.summary} The panel considered {len(considered)} comparable past "
                f"decision{'s' if len(considered) != 1 else ''}: {', '.join(considered)}.",
            )
        a.apply(outcome, EventKind.DECISION_RECORDED, {"sanction": sanction, "precedents_considered": considered})
    return case


def notify_decision(case: Case, user: User, *, now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.notify_decision(a.file, a.actor, a.today)
        a.case.decisions.filter(kind=DecisionKind.FIRST_INSTANCE).update(notified_on=a.today)
        a.apply(outcome, EventKind.DECISION_NOTIFIED)
        appeal_by = deadlines.appeal_due(a.rulebook, a.today)
        emails.notify(a.case, EmailKind.DECISION_NOTIFIED, now=a.now, roles=emails.BOTH, deadline=appeal_by)
    return case
