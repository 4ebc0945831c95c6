"""Interim (administrative) suspension: imposed, reviewed and lifted with reasons. Never a sanction."""

from __future__ import annotations

from datetime import date, datetime

from fairhearing.accounts.models import User
from fairhearing.cases.casefile_store import acting_on
from fairhearing.cases.models import Case, EventKind, InterimSuspension
from fairhearing.outbox import case_emails as emails
from fairhearing.outbox.models import EmailKind
from fairhearing.procedure import workflow as wf


def impose_interim_suspension(
    case: Case,
    user: User,
    *,
    criterion: str,
    reasons: str,
    proportionality: str,
    restricts: str,
    review_by: date,
    now: datetime | None = None,
) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.impose_suspension(
            a.file,
            a.actor,
            a.today,
            criterion=criterion,
            reasons=reasons,
            proportionality=proportionality,
            restricts=restricts,
            review_by=review_by,
        )
        InterimSuspension.objects.create(
            case=a.case,
            imposed_at=a.now,
            imposed_by=user,
            decision_maker=f"{user.get_full_name() or user.username}, for the {a.case.body.name}",
            criterion=criterion,
            reasons=reasons,
            proportionality=proportionality,
            restricts=restricts,
            review_by=review_by,
        )
        a.apply(outcome, EventKind.INTERIM_SUSPENSION_IMPOSED)
        emails.notify(a.case, EmailKind.SUSPENSION_IMPOSED, now=a.now, deadline=review_by)
    return case


def review_interim_suspension(
    case: Case, user: User, *, reasons: str, review_by: date, now: datetime | None = None
) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.review_suspension(a.file, a.actor, a.today, reasons=reasons, review_by=review_by)
        a.sync_suspensions(outcome, "")
        a.apply(outcome, EventKind.INTERIM_SUSPENSION_REVIEWED)
    return case


def lift_interim_suspension(case: Case, user: User, *, reasons: str, now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.lift_suspension(a.file, a.actor, a.today, reasons=reasons)
        a.sync_suspensions(outcome, reasons)
        a.apply(outcome, EventKind.INTERIM_SUSPENSION_LIFTED)
        emails.notify(a.case, EmailKind.SUSPENSION_LIFTED, now=a.now)
    return case
