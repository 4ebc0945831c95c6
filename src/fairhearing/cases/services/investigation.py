"""Investigation, the notice of allegations, and the respondent's response."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from fairhearing.accounts.models import User
from fairhearing.cases.casefile_store import acting_on, person
from fairhearing.cases.models import Case, EventKind, Notice, NoticeEvidence
from fairhearing.organisation.models import PanelMember
from fairhearing.outbox import case_emails as emails
from fairhearing.outbox.models import EmailKind
from fairhearing.procedure import deadlines
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.panels import Seat


def open_investigation(case: Case, user: User, *, investigator: PanelMember, now: datetime | None = None) -> Case:
    """`investigator` is their seat on the investigating body: it carries the training record the rule needs."""
    seat = Seat(person(investigator.member), investigator.body.kind, investigator.trained_until)
    with acting_on(case, user, now) as a:
        a.apply(
            wf.open_investigation(a.file, a.actor, a.today, investigator=seat),
            EventKind.INVESTIGATION_OPENED,
            {"investigator": investigator.member_id},
        )
    return case


def issue_notice(
    case: Case, user: User, *, evidence: Mapping[int, Collection[int]], now: datetime | None = None
) -> Case:
    """`evidence` maps each allegation id to the evidence item ids relied on for it."""
    with acting_on(case, user, now) as a:
        # The engine knows only this case's admitted evidence, so another case's item is refused there.
        outcome = wf.issue_notice(a.file, a.actor, a.today, evidence=evidence)
        notice = Notice.objects.create(case=a.case, served_on=a.today, served_at=a.now, served_by=user)
        NoticeEvidence.objects.bulk_create(
            NoticeEvidence(notice=notice, allegation_id=allegation, evidence_id=item)
            for allegation, items in evidence.items()
            for item in items
        )
        a.apply(outcome, EventKind.NOTICE_ISSUED)
        emails.notify(a.case, EmailKind.NOTICE_ISSUED, now=a.now, deadline=deadlines.response_due(a.rulebook, a.today))
    return case


def record_response(case: Case, user: User, *, response: str, now: datetime | None = None) -> Case:
    if not response.strip():
        raise ActionRefused("the response is empty")
    with acting_on(case, user, now) as a:
        a.apply(wf.record_response(a.file, a.actor, a.today), EventKind.RESPONSE_RECEIVED, {"response": response})
    return case
