"""The staff case record as JSON: the same selectors as the web's case page (`cases.case_record`), the same limits.

What a reader may see is decided before anything here runs: `case_record` is given the reader's view, so a panel
member's record lists admitted evidence only, and the evidence cited in the notice and the findings is limited to it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from fairhearing.access.policy import CaseView
from fairhearing.accounts.models import User
from fairhearing.cases.appeal_grounds import ground_label
from fairhearing.cases.case_record import case_record
from fairhearing.cases.models import Case, TimelineEvent
from fairhearing.organisation.models import Body, Member
from fairhearing.procedure.stages import Stage

# Static enums: the OpenAPI document lists them, so clients can validate before they call.
CaseStage = Stage


class CaseBodyOut(Schema):
    id: int
    kind: str = Field(description="The body's id in the rulebook.")
    name: str


class CasePersonOut(Schema):
    id: int = Field(description="The member's id, as the procedure actions take it (declare_conflict).")
    name: str
    membership_number: str


class _CaseFields(Schema):
    reference: str
    stage: CaseStage
    stage_label: str
    body: CaseBodyOut
    respondent: CasePersonOut
    received_at: datetime
    due_on: date | None = Field(description="The rulebook's target date for finishing the current stage.")
    overdue: bool = Field(description="The case is open and past its stage's target date.")
    suspended: bool = Field(description="An interim suspension (a measure, never a sanction) is in force.")


class CaseSummaryOut(_CaseFields):
    """One row of the case list, read from the list query's rows (`workspace.selectors.filtered_cases`)."""

    @staticmethod
    def resolve_stage_label(case: Case) -> str:
        return Stage(case.stage).label

    @staticmethod
    def resolve_overdue(case: Case) -> bool:
        return Stage(case.stage).is_open and case.due_on is not None and case.due_on < timezone.localdate()


class CaseDueOut(Schema):
    what: str
    on: date
    overdue: bool
    words: str


class CaseNextOut(Schema):
    step: str = Field(description="What happens next, and who does it.")
    dates: list[CaseDueOut]
    earliest_hearing: date | None


class CasePartiesOut(Schema):
    respondent: CasePersonOut
    respondent_branch: str
    offices: list[str] = Field(description="Offices the respondent held at the time of the conduct.")
    complainant: str = Field(description="The complainant in words: a member's name and number, or a name.")
    complainant_member: CasePersonOut | None
    complainant_email: str


class CaseAllegationOut(Schema):
    id: int
    number: int
    clause: str
    clause_title: str
    particulars: str
    conduct_date: date


class CaseTriageOut(Schema):
    informal_resolution_suitable: bool
    interim_action_needed: bool
    interim_action_reasons: str
    protected_characteristics_involved: bool
    recorded_at: datetime


class CaseEvidenceOut(Schema):
    id: int
    kind: str
    description: str
    provenance: str
    attribution: str
    admissibility: str
    flags: list[str]
    has_file: bool


class CaseReliedOnOut(Schema):
    allegation: int
    number: int
    evidence: list[int] = Field(description="Evidence item ids relied on, of those the reader may see.")


class CaseNoticeOut(Schema):
    served_on: date
    response_due: date
    earliest_hearing: date
    relied_on: list[CaseReliedOnOut]


class CaseResponseOut(Schema):
    received_on: date
    text: str


class CaseSeatOut(Schema):
    seat: int = Field(description="The panel seat's id, as form_panel takes it.")
    member: CasePersonOut
    role: str
    expertise: str


class CasePanelOut(Schema):
    id: int
    kind: str
    body: CaseBodyOut
    formed_at: datetime
    dissolved_at: datetime | None
    seats: list[CaseSeatOut]


class CaseConflictOut(Schema):
    panel_member: CasePersonOut
    with_member: CasePersonOut
    reason: str
    declared_at: datetime


class CaseSuspensionOut(Schema):
    active: bool
    imposed_at: datetime
    decision_maker: str
    criterion: str
    reasons: str
    proportionality: str
    restricts: str
    review_by: date
    review_overdue: bool
    review_missed: bool
    lifted_at: datetime | None
    lift_reason: str


class CaseFindingOut(Schema):
    allegation: int | None
    number: int | None
    proven: bool
    reasons: str
    evidence: list[int]


class CaseGuidelineOut(Schema):
    starting_point: str
    lowest: str
    highest: str
    within_range: bool | None


class CaseDecisionOut(Schema):
    id: int
    kind: str = Field(description="first_instance or appeal.")
    body: CaseBodyOut
    decided_at: datetime
    panel: list[str]
    findings: list[CaseFindingOut]
    sanction: str = Field(description="The sanction's id in the rulebook.")
    sanction_name: str
    suspension_months: int | None
    culpability: str
    harm: str
    aggravating: list[str]
    mitigating: list[str]
    guideline: CaseGuidelineOut | None
    departure_reason: str = Field(description="Why the sanction departs from the guideline's range, if it does.")
    reasons: str
    appeal_result: str
    notified_on: date | None
    precedents_considered: list[str] = Field(
        description="References of the comparable past decisions the panel was shown and recorded it considered; "
        "empty when there were none, and for appeal decisions and decisions recorded before this was kept."
    )


class CaseAppealOut(Schema):
    id: int
    lodged_on: date
    grounds: list[str]
    grounds_in_words: list[str]
    explanation: str
    late_reason: str
    body: CaseBodyOut
    decision: CaseDecisionOut | None


class CaseDetailOut(_CaseFields):
    view: str = Field(description="'staff' or 'panel': a panel member sees admitted evidence only.")
    version: int = Field(
        description="Goes up by one with every action on the case; the ETag header carries it for If-Match."
    )
    routing_reason: str
    rulebook_version: str
    source: str
    seriousness: str
    outcome: str
    investigator: str | None
    hearing_on: date | None
    closed_at: datetime | None
    closure_reason: str
    next: CaseNextOut
    parties: CasePartiesOut
    allegations: list[CaseAllegationOut]
    triage: CaseTriageOut | None
    evidence: list[CaseEvidenceOut]
    notice: CaseNoticeOut | None
    response: CaseResponseOut | None
    panels: list[CasePanelOut]
    conflicts: list[CaseConflictOut]
    suspensions: list[CaseSuspensionOut]
    decisions: list[CaseDecisionOut]
    appeal: CaseAppealOut | None


class CaseTimelineEventOut(Schema):
    id: int
    at: datetime
    kind: str
    kind_label: str
    actor: str
    summary: str
    stage_from: str
    stage_to: str
    log_index: int | None = Field(description="The entry's index in the audit log, for its inclusion proof.")

    @staticmethod
    def resolve_kind_label(event: TimelineEvent) -> str:
        return event.get_kind_display()

    @staticmethod
    def resolve_actor(event: TimelineEvent) -> str:
        return event.actor_label


def body_out(body: Body) -> dict[str, Any]:
    return {"id": body.pk, "kind": body.kind, "name": body.name}


def person_out(member: Member) -> dict[str, Any]:
    return {"id": member.pk, "name": member.name, "membership_number": member.membership_number}


def summary_out(case: Case, today: date | None = None) -> dict[str, Any]:
    """One row of the case list; `suspended` is the list query's annotation when there is one."""
    today = today or timezone.localdate()
    stage = Stage(case.stage)
    suspended = getattr(case, "suspended", None)
    if suspended is None:
        suspended = case.interim_suspensions.filter(lifted_at__isnull=True).exists()
    return {
        "reference": case.reference,
        "stage": stage,
        "stage_label": stage.label,
        "body": body_out(case.body),
        "respondent": person_out(case.respondent),
        "received_at": case.received_at,
        "due_on": case.due_on,
        "overdue": stage.is_open and case.due_on is not None and case.due_on < today,
        "suspended": suspended,
    }


def _decision(row: dict[str, Any], allegation_ids: dict[int, int]) -> dict[str, Any]:
    d = row["d"]
    guideline = None
    if d.guideline_starting_point:
        guideline = {
            "starting_point": row["starting_point"],
            "lowest": row["lowest"],
            "highest": row["highest"],
            "within_range": row["in_range"],
        }
    return {
        "id": d.pk,
        "kind": d.kind,
        "body": body_out(d.body),
        "decided_at": d.decided_at,
        "panel": row["panel"],
        "findings": [
            {
                "allegation": allegation_ids.get(f["number"]),
                "number": f["number"],
                "proven": f["proven"],
                "reasons": f["reasons"],
                "evidence": [item.pk for item in f["evidence"]],
            }
            for f in row["findings"]
        ],
        "sanction": d.sanction,
        "sanction_name": row["sanction"],
        "suspension_months": d.suspension_months,
        "culpability": d.culpability,
        "harm": d.harm,
        "aggravating": list(d.aggravating),
        "mitigating": list(d.mitigating),
        "guideline": guideline,
        "departure_reason": d.departure_reason,
        "reasons": d.reasons,
        "appeal_result": d.appeal_result,
        "notified_on": d.notified_on,
        "precedents_considered": list(d.precedents_considered),
    }


def _appeal(record: dict[str, Any], decisions: list[dict[str, Any]]) -> dict[str, Any] | None:
    if record["appeal"] is None:
        return None
    appeal = record["appeal"]["appeal"]
    return {
        "id": appeal.pk,
        "lodged_on": appeal.lodged_on,
        "grounds": list(appeal.grounds),
        "grounds_in_words": [ground_label(g) for g in appeal.grounds],
        "explanation": appeal.explanation,
        "late_reason": appeal.late_reason,
        "body": body_out(appeal.body),
        "decision": next((d for d in decisions if d["kind"] == "appeal"), None),
    }


def detail_out(user: User, case: Case, view: CaseView) -> dict[str, Any]:
    """The whole staff record, from the web page's own selector."""
    record = case_record(user, case, view)
    today = timezone.localdate()
    allegation_ids = {number: a.pk for number, a, _ in record["allegations"]}
    decisions = [_decision(row, allegation_ids) for row in record["decisions"]]
    parties = record["parties"]
    notice = record["notice"]
    triage = record["triage"]
    response = None
    if case.responded_on:
        response = {"received_on": case.responded_on, "text": record["response"]}
    return summary_out(case, today) | {
        "view": "panel" if view == CaseView.PANEL else "staff",
        "version": case.version,
        "routing_reason": case.routing_reason,
        "rulebook_version": case.rulebook_version.version,
        "source": case.source,
        "seriousness": record["seriousness"],
        "outcome": case.outcome,
        "investigator": case.investigator.name if case.investigator_id else None,
        "hearing_on": case.hearing_on,
        "closed_at": case.closed_at,
        "closure_reason": case.closure_reason,
        "next": {
            "step": record["next"]["step"],
            "dates": [
                {"what": due.what, "on": due.on, "overdue": due.overdue, "words": due.words}
                for due in record["next"]["dates"]
            ],
            "earliest_hearing": record["next"]["earliest_hearing"],
        },
        "parties": {
            "respondent": person_out(parties["respondent"]),
            "respondent_branch": parties["respondent"].branch.name,
            "offices": parties["offices"],
            "complainant": parties["complainant"],
            "complainant_member": person_out(case.complainant_member) if case.complainant_member_id else None,
            "complainant_email": parties["complainant_email"],
        },
        "allegations": [
            {
                "id": a.pk,
                "number": number,
                "clause": a.clause,
                "clause_title": title,
                "particulars": a.particulars,
                "conduct_date": a.conduct_date,
            }
            for number, a, title in record["allegations"]
        ],
        "triage": None
        if triage is None
        else {
            "informal_resolution_suitable": triage.informal_resolution_suitable,
            "interim_action_needed": triage.interim_action_needed,
            "interim_action_reasons": triage.interim_action_reasons,
            "protected_characteristics_involved": triage.protected_characteristics_involved,
            "recorded_at": triage.recorded_at,
        },
        "evidence": [
            {
                "id": item.pk,
                "kind": item.kind,
                "description": item.description,
                "provenance": item.provenance,
                "attribution": item.attribution,
                "admissibility": item.admissibility,
                "flags": [str(flag) for flag in item.flags],
                "has_file": bool(item.stored_file_id) and item.erased_at is None,
            }
            for item in record["evidence"]
        ],
        "notice": None
        if notice is None
        else {
            "served_on": notice["served_on"],
            "response_due": notice["response_due"],
            "earliest_hearing": notice["earliest_hearing"],
            "relied_on": [
                {"allegation": allegation_ids[number], "number": number, "evidence": [item.pk for item in items]}
                for number, items in notice["relied_on"]
            ],
        },
        "response": response,
        "panels": [
            {
                "id": row["sitting"].pk,
                "kind": row["sitting"].kind,
                "body": body_out(row["sitting"].body),
                "formed_at": row["sitting"].formed_at,
                "dissolved_at": row["sitting"].dissolved_at,
                "seats": [
                    {"seat": seat.pk, "member": person_out(seat.member), "role": seat.role, "expertise": seat.expertise}
                    for seat in row["seats"]
                ],
            }
            for row in record["sittings"]
        ],
        "conflicts": [
            {
                "panel_member": person_out(c.panel_member),
                "with_member": person_out(c.with_member),
                "reason": c.reason,
                "declared_at": c.declared_at,
            }
            for c in record["conflicts"]
        ],
        "suspensions": [
            {
                "active": row["active"],
                "imposed_at": row["s"].imposed_at,
                "decision_maker": row["s"].decision_maker,
                "criterion": row["s"].criterion,
                "reasons": row["s"].reasons,
                "proportionality": row["s"].proportionality,
                "restricts": row["s"].restricts,
                "review_by": row["s"].review_by,
                "review_overdue": row["review_overdue"],
                "review_missed": row["s"].review_missed,
                "lifted_at": row["s"].lifted_at,
                "lift_reason": row["s"].lift_reason,
            }
            for row in record["suspensions"]
        ],
        "decisions": decisions,
        "appeal": _appeal(record, decisions),
    }
