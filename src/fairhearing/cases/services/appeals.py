"""Appeals, and closing a case."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from fairhearing.accounts.models import User
from fairhearing.cases.casefile_store import acting_on, body_instance
from fairhearing.cases.models import Appeal, Case, Decision, DecisionKind, EventKind, SittingKind
from fairhearing.cases.services.hearing import _seats, sit
from fairhearing.organisation.models import PanelMember
from fairhearing.outbox import case_emails as emails
from fairhearing.outbox.models import EmailKind
from fairhearing.procedure import workflow as wf


def lodge_appeal(
    case: Case,
    user: User,
    *,
    grounds: Collection[str],
    explanation: str = "",
    late_reason: str = "",
    now: datetime | None = None,
) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.lodge_appeal(a.file, a.actor, a.today, grounds=grounds, late_reason=late_reason)
        appeal = outcome.case.appeal
        Appeal.objects.create(
            case=a.case,
            lodged_on=a.today,
            grounds=sorted(grounds),
            explanation=explanation.strip(),
            late_reason=late_reason,
            body=body_instance(a.case.respondent, appeal.body, a.rulebook),
        )
        a.apply(outcome, EventKind.APPEAL_LODGED)
    return case


def form_appeal_panel(case: Case, user: User, *, members: Sequence[PanelMember], now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.form_appeal_panel(a.file, a.actor, a.today, seats=_seats(members))
        sit(a, SittingKind.APPEAL, members)
        a.apply(outcome, EventKind.PANEL_FORMED, {"appeal": True, "members": [m.member_id for m in members]})
    return case


def record_appeal_decision(
    case: Case,
    user: User,
    *,
    result: wf.AppealResult,
    reasons: str,
    sanction: str = "",
    now: datetime | None = None,
) -> Case:
    with acting_on(case, user, now) as a:
        appeal = a.file.appeal
        seats = a.seats(appeal.body) if appeal else []
        outcome = wf.record_appeal_decision(
            a.file, a.actor, a.today, result=result, reasons=reasons, sanction=sanction, seats=seats
        )
        decided = outcome.case.appeal
        first = a.file.decision
        row = Decision.objects.create(
            case=a.case,
            kind=DecisionKind.APPEAL,
            body=a.case.appeal.body,
            decided_at=a.now,
            sanction=decided.sanction,
            culpability=first.guideline.culpability if first.guideline else "",
            harm=first.guideline.harm if first.guideline else "",
            reasons=reasons,
            appeal_result=result.value,
        )
        row.panel.set(a.case.sittings.get(kind=SittingKind.APPEAL, dissolved_at__isnull=True).seats.all())
        a.case.outcome = decided.sanction
        a.apply(outcome, EventKind.APPEAL_DECIDED, {"result": result.value})
        emails.notify(a.case, EmailKind.APPEAL_DECIDED, now=a.now, roles=emails.BOTH)
    return case


def close_case(case: Case, user: User, *, now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.close(a.file, a.actor, a.today)
        a.case.closure_reason = "Decided."
        a.sync_suspensions(outcome, "The case closed.")
        a.apply(outcome, EventKind.CLOSED)
        emails.notify(a.case, EmailKind.CASE_CLOSED, now=a.now, roles=emails.BOTH)
    return case
