"""What the member portal shows: each case as its respondent or its complainant may see it.

Who sees what comes from the access policy (`case_view`, `visible_evidence`); this module only gathers and words
it. The respondent sees the record served on them and everything decided about them; the complainant sees how the
case moves and its outcome, never the respondent's reply, the evidence against them, the findings' reasoning or
an interim suspension (all of it the respondent's personal data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from fairhearing.access.policy import CaseView, case_view, member_cases, visible_evidence
from fairhearing.accounts.models import User
from fairhearing.audit import selectors as audit_selectors
from fairhearing.cases.models import (
    Appeal,
    AppealResult,
    Case,
    Decision,
    DecisionKind,
    EventKind,
    EvidenceItem,
    Notice,
    NoticeEvidence,
    Provenance,
    TimelineEvent,
)
from fairhearing.procedure import deadlines
from fairhearing.procedure.next_steps import APPEAL_GROUND_LABELS, CaseDates, NextStep, Party, next_step
from fairhearing.procedure.rulebook import Rulebook
from fairhearing.procedure.stages import Stage

PARTIES = {CaseView.RESPONDENT: Party.RESPONDENT, CaseView.COMPLAINANT: Party.COMPLAINANT}

# The steps a complainant gets a receipt for: how the case moved. Interim suspensions, evidence, conflicts, holds
# and notes concern the respondent or the file, and their dates alone would tell the complainant too much.
COMPLAINANT_RECEIPTS = frozenset(
    EventKind(kind).label
    for kind in (
        EventKind.OPENED,
        EventKind.ROUTED,
        EventKind.STAGE_CHANGED,
        EventKind.TRANSFERRED,
        EventKind.TRIAGE_RECORDED,
        EventKind.INVESTIGATION_OPENED,
        EventKind.NOTICE_ISSUED,
        EventKind.RESPONSE_RECEIVED,
        EventKind.PANEL_FORMED,
        EventKind.HEARING_SCHEDULED,
        EventKind.DECISION_RECORDED,
        EventKind.DECISION_NOTIFIED,
        EventKind.APPEAL_LODGED,
        EventKind.APPEAL_DECIDED,
        EventKind.WITHDRAWN,
        EventKind.DISMISSED,
        EventKind.CLOSED,
    )
)


@dataclass(frozen=True)
class PartyCase:
    """A case the signed-in member is a party to, and which side they are on."""

    case: Case
    view: CaseView
    party: Party


def _with_dates(cases: QuerySet[Case]) -> QuerySet[Case]:
    first = Decision.objects.filter(kind=DecisionKind.FIRST_INSTANCE).order_by("-decided_at")
    return cases.select_related("rulebook_version", "notice", "respondent", "complainant_member").prefetch_related(
        Prefetch("decisions", queryset=first, to_attr="first_decisions")
    )


def party_case(user: User, reference: str) -> PartyCase:
    """The member's own case by reference, or 404: a case that is not theirs looks exactly like no case at all."""
    case = _with_dates(member_cases(user)).filter(reference=reference).first()
    if case is None:
        raise Http404("no such case")
    view = case_view(user, case)
    party = PARTIES.get(view)
    if party is None:
        # Someone who reads the case as staff uses the staff pages; the portal is for the parties only.
        raise Http404("no such case")
    return PartyCase(case, view, party)


def party_cases(user: User) -> list[PartyCase]:
    cases = _with_dates(member_cases(user)).order_by("-received_at", "-pk")
    found = []
    for case in cases:
        view = case_view(user, case)
        if view in PARTIES:
            found.append(PartyCase(case, view, PARTIES[view]))
    return found


def _notice(case: Case) -> Notice | None:
    try:
        return case.notice
    except Notice.DoesNotExist:
        return None


def _notified_decision(case: Case) -> Decision | None:
    """The first-instance decision once it was sent: the portal never shows a decision before its written form."""
    decisions = getattr(case, "first_decisions", None)
    if decisions is None:
        decisions = list(case.decisions.filter(kind=DecisionKind.FIRST_INSTANCE).order_by("-decided_at"))
    latest = decisions[0] if decisions else None
    return latest if latest is not None and latest.notified_on is not None else None


def case_dates(case: Case, today: date) -> CaseDates:
    rulebook = case.rulebook_version.rulebook
    target = deadlines.stage_due(rulebook, Stage(case.stage), timezone.localdate(case.stage_entered_at))
    notice = _notice(case)
    decision = _notified_decision(case)
    return CaseDates(
        today=today,
        stage_target=target.due if target else None,
        response_due=deadlines.response_due(rulebook, notice.served_on) if notice else None,
        responded_on=case.responded_on,
        hearing_on=case.hearing_on,
        decision_notified_on=decision.notified_on if decision else None,
        appeal_due=deadlines.appeal_due(rulebook, decision.notified_on) if decision else None,
        closed_by_appeal_window=case.closed_by_appeal_window,
    )


def step_for(pc: PartyCase, today: date) -> NextStep:
    return next_step(Stage(pc.case.stage), pc.party, case_dates(pc.case, today))


def receipts_for(cases: list[PartyCase]) -> dict[str, list[audit_selectors.Receipt]]:
    """Each case's log receipts, cut down to the steps a complainant may know of where the member complained."""
    found = audit_selectors.receipts([pc.case.reference for pc in cases])
    for pc in cases:
        if pc.party == Party.COMPLAINANT and pc.case.reference in found:
            found[pc.case.reference] = [r for r in found[pc.case.reference] if r.what in COMPLAINANT_RECEIPTS]
    return found


def list_rows(cases: list[PartyCase], today: date) -> list[dict[str, Any]]:
    receipts = receipts_for(cases)
    return [
        {
            "reference": pc.case.reference,
            "role": pc.party.value.title(),
            "stage": Stage(pc.case.stage).label,
            "received": timezone.localdate(pc.case.received_at),
            "next": step_for(pc, today),
            "receipts": receipts.get(pc.case.reference, []),
        }
        for pc in cases
    ]


def _sanction_name(rulebook: Rulebook, sanction: str) -> str:
    try:
        return rulebook.sanction(sanction).name
    except KeyError:
        return sanction


@dataclass
class Outcome:
    """The decision, as much of it as this party may see."""

    sanction: str
    decided_on: date
    notified_on: date | None
    suspension_months: int | None = None
    reasons: str = ""  # the respondent only
    findings: list[dict[str, Any]] = field(default_factory=list)  # the respondent only
    appeal_result: str = ""
    appeal_sanction: str = ""
    appeal_decided_on: date | None = None
    appeal_reasons: str = ""  # the respondent only


def _outcome(case: Case, rulebook: Rulebook, party: Party, clause_titles: dict[str, str]) -> Outcome | None:
    decision = _notified_decision(case)
    if decision is None:
        return None
    outcome = Outcome(
        sanction=_sanction_name(rulebook, decision.sanction),
        decided_on=timezone.localdate(decision.decided_at),
        notified_on=decision.notified_on,
        suspension_months=decision.suspension_months,
    )
    if party == Party.RESPONDENT:
        outcome.reasons = decision.reasons
        outcome.findings = [
            {
                "clause": f.allegation.clause,
                "title": clause_titles.get(f.allegation.clause, ""),
                "proven": f.proven,
                "reasons": f.reasons,
            }
            for f in decision.findings.select_related("allegation").order_by("allegation_id")
        ]
    ruling = case.decisions.filter(kind=DecisionKind.APPEAL).order_by("-decided_at").first()
    if ruling is not None:
        outcome.appeal_result = AppealResult(ruling.appeal_result).label
        outcome.appeal_sanction = _sanction_name(rulebook, ruling.sanction)
        outcome.appeal_decided_on = timezone.localdate(ruling.decided_at)
        if party == Party.RESPONDENT:
            outcome.appeal_reasons = ruling.reasons
    return outcome


def outcome(pc: PartyCase) -> Outcome | None:
    rulebook = pc.case.rulebook_version.rulebook
    return _outcome(pc.case, rulebook, pc.party, {c.id: c.title for c in rulebook.clauses})


def _evidence_rows(user: User, pc: PartyCase) -> list[dict[str, Any]]:
    case = pc.case
    served = set(NoticeEvidence.objects.filter(notice__case=case).values_list("evidence_id", flat=True))
    items: QuerySet[EvidenceItem] = (
        visible_evidence(user, case, pc.view).select_related("stored_file").order_by("added_at", "pk")
    )
    rows = []
    for item in items:
        erased = item.erased_at is not None
        rows.append(
            {
                "number": item.pk,
                "kind": item.get_kind_display(),
                "description": item.description,
                "served": item.pk in served,
                "yours": item.added_by_id == user.pk
                and item.provenance in {Provenance.RESPONDENT, Provenance.COMPLAINANT},
                "added": timezone.localdate(item.added_at),
                "file_name": item.original_name if item.stored_file_id and not erased else "",
                "text": item.text if not erased else "",
                "erased": erased,
            }
        )
    return rows


def _response(case: Case) -> dict[str, Any] | None:
    """The respondent's own reply as recorded with the response (the timeline keeps it; see record_response)."""
    event = TimelineEvent.objects.filter(case=case, kind=EventKind.RESPONSE_RECEIVED).order_by("-at", "-pk").first()
    if event is None:
        return None
    return {"at": event.at, "text": (event.data or {}).get("response", "")}


def _appeal(case: Case) -> dict[str, Any] | None:
    appeal = Appeal.objects.filter(case=case).select_related("body").first()
    if appeal is None:
        return None
    return {
        "lodged_on": appeal.lodged_on,
        "grounds": [APPEAL_GROUND_LABELS.get(g, g) for g in appeal.grounds],
        "late_reason": appeal.late_reason,
        "body": appeal.body.name,
    }


def _suspensions(case: Case) -> list[dict[str, Any]]:
    return [
        {
            "active": s.lifted_at is None,
            "imposed_on": timezone.localdate(s.imposed_at),
            "decision_maker": s.decision_maker,
            "criterion": s.criterion,
            "reasons": s.reasons,
            "restricts": s.restricts,
            "review_by": s.review_by,
            "review_missed": s.review_missed,
            "lifted_on": timezone.localdate(s.lifted_at) if s.lifted_at else None,
            "lift_reason": s.lift_reason,
        }
        for s in case.interim_suspensions.order_by("-imposed_at", "-pk")
    ]


def allegations(case: Case) -> list[dict[str, Any]]:
    """The allegations with their clauses (of the rulebook version the case is judged under), numbered as the
    notice numbers them."""
    clauses = {c.id: c for c in case.rulebook_version.rulebook.clauses}
    return [
        {
            "number": n,
            "clause": a.clause,
            "title": clauses[a.clause].title if a.clause in clauses else "(not in this rulebook version)",
            "text": clauses[a.clause].text if a.clause in clauses else "",
            "particulars": a.particulars,
            "conduct_date": a.conduct_date,
        }
        for n, a in enumerate(case.allegations.order_by("id"), start=1)
    ]


def case_page(user: User, pc: PartyCase, now: datetime) -> dict[str, Any]:
    """Everything the case page shows this party."""
    case, party = pc.case, pc.party
    rulebook = case.rulebook_version.rulebook
    today = timezone.localdate(now)
    clause_titles = {c.id: c.title for c in rulebook.clauses}
    context: dict[str, Any] = {
        "case": case,
        "party": party.value,
        "is_respondent": party == Party.RESPONDENT,
        "stage": Stage(case.stage).label,
        "received": timezone.localdate(case.received_at),
        "next": step_for(pc, today),
        "outcome": _outcome(case, rulebook, party, clause_titles),
        "evidence": _evidence_rows(user, pc),
        "receipts": receipts_for([pc]).get(case.reference, []),
        "dismissed": case.stage == Stage.DISMISSED,
    }
    if party != Party.RESPONDENT:
        return context
    notice = _notice(case)
    limits = rulebook.time_limits
    context |= {
        "allegations": allegations(case),
        "notice": {
            "served_on": notice.served_on,
            "response_due": deadlines.response_due(rulebook, notice.served_on),
            "earliest_hearing": deadlines.earliest_hearing(rulebook, notice.served_on),
        }
        if notice
        else None,
        "limits": {
            "respond_days": limits.respond_days,
            "appeal_days": limits.appeal_days,
            "notice_working_days": limits.notice_before_hearing_working_days,
        },
        "suspensions": _suspensions(case),
        "response": _response(case),
        "appeal": _appeal(case),
        "closure_reason": case.closure_reason if not Stage(case.stage).is_open else "",
    }
    return context
