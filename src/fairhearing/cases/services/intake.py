"""Opening a case, triage, dismissal, transfer and withdrawal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.cases import search
from fairhearing.cases.casefile_store import acting_on, actor_for, body_instance, person
from fairhearing.cases.models import (
    Allegation,
    Case,
    ComplainantKind,
    EventKind,
    SittingKind,
    TriageRecord,
)
from fairhearing.cases.timeline import write_event
from fairhearing.organisation.models import Member
from fairhearing.organisation.selectors import rulebook_version_on
from fairhearing.outbox import case_emails as emails
from fairhearing.outbox.models import EmailKind
from fairhearing.procedure import deadlines
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.versions import covers


@dataclass(frozen=True)
class AllegationInput:
    clause: str
    particulars: str
    conduct_date: date


def open_case(
    *,
    user: User,
    respondent: Member,
    allegations: list[AllegationInput],
    source: str,
    complainant_kind: str,
    complainant_member: Member | None = None,
    complainant_name: str = "",
    complainant_email: str = "",
    now: datetime | None = None,
) -> Case:
    """Record a complaint, judged under the rulebook in force when the conduct happened, routed by its rules."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not allegations:
        raise ActionRefused("a case needs at least one allegation")
    if complainant_kind == ComplainantKind.MEMBER and complainant_member is None:
        raise ActionRefused("name the member who complains")
    if complainant_kind == ComplainantKind.NON_MEMBER and not complainant_name.strip():
        raise ActionRefused("give the complainant's name")
    conduct = min(a.conduct_date for a in allegations)
    version = rulebook_version_on(conduct)
    rulebook = version.rulebook
    offices = sorted(h.office for h in respondent.offices.all() if covers(h.since, h.until, conduct))
    routing = wf.open_case(
        actor_for(user),
        today,
        rulebook,
        clause_ids=[a.clause for a in allegations],
        conduct_dates=[a.conduct_date for a in allegations],
        offices=offices,
        respondent=person(respondent),
        complainant=person(complainant_member) if complainant_member else None,
    )
    for attempt in range(5):
        try:
            with transaction.atomic():
                # Every opening appends to the audit log, so takes the log's head lock anyway: taking it first
                # queues concurrent openings before they read the highest reference. Without it, on PostgreSQL,
                # writers that began together all read the same one and collide (tests/reliability).
                audit.current_head(lock=True)
                case = Case.objects.create(
                    reference=_next_reference(today.year, attempt),
                    respondent=respondent,
                    complainant_kind=complainant_kind,
                    complainant_member=complainant_member,
                    complainant_name=complainant_name,
                    complainant_email=complainant_email,
                    source=source,
                    received_at=now,
                    body=body_instance(respondent, routing.body_id, rulebook),
                    routing_reason=routing.reason,
                    rulebook_version=version,
                    respondent_offices=offices,
                    seriousness=routing.seriousness,
                    stage=Stage.RECEIVED.value,
                    stage_entered_at=now,
                    due_on=deadlines.stage_due_on(rulebook, Stage.RECEIVED, today),
                )
                Allegation.objects.bulk_create(
                    Allegation(case=case, clause=a.clause, particulars=a.particulars, conduct_date=a.conduct_date)
                    for a in allegations
                )
                search.reindex([case])
                write_event(
                    case,
                    at=now,
                    kind=EventKind.OPENED,
                    user=user,
                    stage_to=Stage.RECEIVED.value,
                    summary=f"Complaint received ({source}).",
                    data={"rulebook": version.version},
                )
                write_event(
                    case,
                    at=now,
                    kind=EventKind.ROUTED,
                    user=user,
                    summary=routing.reason,
                    data={"body": routing.body_id},
                )
                return case
        except IntegrityError:
            continue  # someone took the same reference at the same moment: take the next one
    raise ActionRefused("could not give the case a reference; try again")


def _next_reference(year: int, skip: int) -> str:
    """One past the highest reference of the year. Not a count: imported records may hold references of this form
    with gaps, and a count would walk into them."""
    prefix = f"FH-{year}-"
    highest = (
        Case.objects.filter(reference__regex=rf"^{prefix}[0-9]{{5}}$")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    last = int(highest.removeprefix(prefix)) if highest else 0
    return f"{prefix}{last + 1 + skip:05d}"


def begin_triage(case: Case, user: User, *, now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        a.apply(wf.begin_triage(a.file, a.actor, a.today), EventKind.STAGE_CHANGED)
    return case


def record_triage(
    case: Case,
    user: User,
    *,
    informal_resolution_suitable: bool,
    interim_action_needed: bool,
    protected_characteristics_involved: bool,
    interim_action_reasons: str = "",
    now: datetime | None = None,
) -> Case:
    triage = wf.Triage(
        informal_resolution_suitable, interim_action_needed, protected_characteristics_involved, interim_action_reasons
    )
    with acting_on(case, user, now) as a:
        outcome = wf.record_triage(a.file, a.actor, a.today, triage=triage)
        TriageRecord.objects.update_or_create(
            case=a.case,
            defaults={
                "informal_resolution_suitable": informal_resolution_suitable,
                "interim_action_needed": interim_action_needed,
                "interim_action_reasons": interim_action_reasons,
                "protected_characteristics_involved": protected_characteristics_involved,
                "recorded_at": a.now,
                "recorded_by": user,
            },
        )
        a.apply(outcome, EventKind.TRIAGE_RECORDED)
    return case


def dismiss(case: Case, user: User, *, reasons: str, now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.dismiss(a.file, a.actor, a.today, reasons=reasons)
        a.case.closure_reason = "Dismissed: no case to answer."
        a.sync_suspensions(outcome, "The case was dismissed.")
        a.apply(outcome, EventKind.DISMISSED)
        emails.notify(a.case, EmailKind.CASE_DISMISSED, now=a.now, roles=emails.BOTH)
    return case


def transfer_case(case: Case, user: User, *, to_body: str, reason: str, now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.transfer(a.file, a.actor, a.today, to_body=to_body, reason=reason)
        a.case.sittings.filter(dissolved_at__isnull=True, kind=SittingKind.HEARING).update(dissolved_at=a.now)
        a.apply(outcome, EventKind.TRANSFERRED, {"from": a.file.body, "to": to_body})
    return case


def withdraw_case(case: Case, user: User, *, reason: str, now: datetime | None = None) -> Case:
    with acting_on(case, user, now) as a:
        outcome = wf.withdraw(a.file, a.actor, a.today, reason=reason)
        # The reason given, not an assumption about who withdrew: staff withdraw cases for many reasons.
        a.case.closure_reason = Truncator(f"Withdrawn: {reason.strip()}").chars(200)
        a.sync_suspensions(outcome, "The case was withdrawn.")
        a.apply(outcome, EventKind.WITHDRAWN)
        emails.notify(a.case, EmailKind.CASE_CLOSED, now=a.now, roles=emails.BOTH)
    return case
