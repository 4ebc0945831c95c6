"""What the staff case page shows: the whole record of one case in words, limited to what the reader may see.

Read-only: nothing here changes a case (except that every view of one is put on the audit log, `log_view`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from fairhearing.access.policy import CaseView, visible_evidence
from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.audit.checkpoints import latest_checkpoint
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.appeal_grounds import ground_label
from fairhearing.cases.models import Case, DecisionKind, EventKind
from fairhearing.procedure import deadlines
from fairhearing.procedure.rulebook import Rulebook
from fairhearing.procedure.stages import Stage

# What happens next at each stage, and who does it.
NEXT_STEP = {
    Stage.RECEIVED: "A case officer begins triage.",
    Stage.TRIAGE: "A case officer records the triage, then dismisses the complaint or opens an investigation.",
    Stage.INVESTIGATION: "The investigator gathers the evidence; a case officer then serves the notice of allegations.",
    Stage.NOTICE_ISSUED: "The respondent answers the notice. Meanwhile the body in charge forms the hearing panel.",
    Stage.RESPONSE_RECEIVED: "The body in charge forms the hearing panel and schedules the hearing.",
    Stage.RESPONSE_TIME_ELAPSED: "The body in charge forms the hearing panel and schedules the hearing.",
    Stage.HEARING: "The panel hears the case and records its reasoned decision.",
    Stage.DECIDED: "A case officer sends the written decision to the respondent and the outcome to the complainant.",
    Stage.APPEAL_WINDOW: "The respondent may appeal. If nobody appeals, the case closes when the appeal period ends.",
    Stage.APPEAL_LODGED: "The appeals body forms an appeal panel of people not involved before, which decides.",
    Stage.APPEAL_DECIDED: "A case officer closes the case.",
    Stage.DISMISSED: "Nothing more: the complaint was dismissed.",
    Stage.CLOSED: "Nothing more: the case is closed.",
}


@dataclass(frozen=True)
class Due:
    """A date something is due by, and how it stands today, in words."""

    what: str
    on: date
    today: date

    @property
    def overdue(self) -> bool:
        return self.today > self.on

    @property
    def words(self) -> str:
        days = (self.on - self.today).days
        if days == 0:
            return "due today"
        if days > 0:
            return f"in {days} day{'s' if days != 1 else ''}"
        return f"overdue by {-days} day{'s' if days != -1 else ''}"


def log_view(user: User | None, case: Case, page: str = "", *, label: str | None = None) -> None:
    """Every look at a case is on the audit log, whichever page it was (REQ: views are logged like events).
    `label` names who looked where there is no user, as at the command line."""
    audit.record(
        user,
        "case.viewed",
        "case",
        case.pk,
        summary=f"{case.reference} viewed.",
        case_reference=case.reference,
        subjects=[case.respondent_id, case.complainant_member_id],
        data={"page": page} if page else None,
        label=label,
    )


def _names(items: Iterable[Any]) -> dict[str, str]:
    return {item.id: item.name for item in items}


def _next(case: Case, rb: Rulebook, today: date) -> dict[str, Any]:
    stage = Stage(case.stage)
    target = deadlines.stage_due(rb, stage, timezone.localdate(case.stage_entered_at))
    notice = getattr(case, "notice", None)
    dates = []
    if target is not None:
        dates.append(Due(f"Target for this stage ({target.target.days} {target.target.count} days)", target.due, today))
    if notice is not None and stage == Stage.NOTICE_ISSUED:
        dates.append(Due("The respondent may answer until", deadlines.response_due(rb, notice.served_on), today))
    first = case.decisions.filter(kind=DecisionKind.FIRST_INSTANCE, notified_on__isnull=False).first()
    if first is not None and stage == Stage.APPEAL_WINDOW:
        dates.append(Due("An appeal may be lodged until", deadlines.appeal_due(rb, first.notified_on), today))
    earliest = None
    if notice is not None and stage in {Stage.NOTICE_ISSUED, Stage.RESPONSE_RECEIVED, Stage.RESPONSE_TIME_ELAPSED}:
        earliest = deadlines.earliest_hearing(rb, notice.served_on)
    return {"step": NEXT_STEP[stage], "dates": dates, "earliest_hearing": earliest}


def _parties(case: Case, rb: Rulebook) -> dict[str, Any]:
    offices = _names(rb.offices)
    complainant = case.complainant_member
    if complainant is not None:
        complainant_words = f"{complainant.name} ({complainant.membership_number})"
    else:
        complainant_words = case.complainant_name or case.get_complainant_kind_display()
    return {
        "respondent": case.respondent,
        "offices": [offices.get(o, o) for o in case.respondent_offices],
        "complainant": complainant_words,
        "complainant_email": case.complainant_email if complainant is None else "",
    }


def _evidence(user: User, case: Case, view: CaseView) -> list:
    return list(visible_evidence(user, case, view).order_by("added_at", "pk"))


def _notice(case: Case, rb: Rulebook, numbers: dict[int, int], visible: dict[int, Any]) -> dict[str, Any] | None:
    notice = getattr(case, "notice", None)
    if notice is None:
        return None
    relied: dict[int, list] = {}
    for row in notice.evidence_relied_on.order_by("evidence_id"):
        if row.evidence_id in visible:
            relied.setdefault(row.allegation_id, []).append(visible[row.evidence_id])
    return {
        "served_on": notice.served_on,
        "response_due": deadlines.response_due(rb, notice.served_on),
        "earliest_hearing": deadlines.earliest_hearing(rb, notice.served_on),
        "relied_on": [(numbers[a], relied.get(a, [])) for a in sorted(numbers, key=numbers.get)],
    }


def _sittings(case: Case) -> list[dict[str, Any]]:
    return [
        {"sitting": s, "seats": sorted(s.seats.all(), key=lambda seat: seat.member.name)}
        for s in case.sittings.select_related("body").prefetch_related("seats__member").order_by("formed_at", "pk")
    ]


def _suspensions(case: Case, today: date) -> list[dict[str, Any]]:
    return [
        {
            "s": s,
            "active": s.lifted_at is None,
            "review_overdue": s.lifted_at is None and s.review_by < today,
            "review": Due("Review by", s.review_by, today),
        }
        for s in case.interim_suspensions.order_by("imposed_at", "pk")
    ]


def _decisions(case: Case, rb: Rulebook, numbers: dict[int, int], visible: dict[int, Any]) -> list[dict[str, Any]]:
    sanctions = _names(rb.sanctions)
    culpability, harm = _names(rb.guidelines.culpability), _names(rb.guidelines.harm)
    aggravating, mitigating = _names(rb.guidelines.aggravating), _names(rb.guidelines.mitigating)
    rank = {s.id: i for i, s in enumerate(rb.sanctions)}
    rows = []
    decisions = case.decisions.select_related("body").prefetch_related("findings__evidence", "panel__member")
    for d in decisions.order_by("decided_at", "pk"):
        in_range = None
        if d.guideline_lowest:
            in_range = rank.get(d.guideline_lowest, 0) <= rank.get(d.sanction, 0) <= rank.get(d.guideline_highest, 0)
        rows.append(
            {
                "d": d,
                "is_appeal": d.kind == DecisionKind.APPEAL,
                "panel": sorted(seat.member.name for seat in d.panel.all()),
                "findings": [
                    {
                        "number": numbers.get(f.allegation_id),
                        "proven": f.proven,
                        "reasons": f.reasons,
                        "evidence": [visible[e.pk] for e in f.evidence.all() if e.pk in visible],
                    }
                    for f in sorted(d.findings.all(), key=lambda f: numbers.get(f.allegation_id, 0))
                ],
                "sanction": sanctions.get(d.sanction, d.sanction),
                "culpability": f"{d.culpability}: {culpability[d.culpability]}" if d.culpability in culpability else "",
                "harm": f"{d.harm}: {harm[d.harm]}" if d.harm in harm else "",
                "aggravating": [aggravating.get(f, f) for f in d.aggravating],
                "mitigating": [mitigating.get(f, f) for f in d.mitigating],
                "starting_point": sanctions.get(d.guideline_starting_point, d.guideline_starting_point),
                "lowest": sanctions.get(d.guideline_lowest, d.guideline_lowest),
                "highest": sanctions.get(d.guideline_highest, d.guideline_highest),
                "in_range": in_range,
            }
        )
    return rows


def _appeal(case: Case) -> dict[str, Any] | None:
    appeal = getattr(case, "appeal", None)
    if appeal is None:
        return None
    return {"appeal": appeal, "grounds": [ground_label(g) for g in appeal.grounds]}


# A panel decides on the admitted evidence alone: what was offered, excluded or erased, and why, must not reach
# it; nor oversight's questions and notes, which are for the staff who run the case.
HIDDEN_FROM_PANEL = frozenset(
    {
        EventKind.EVIDENCE_ADDED,
        EventKind.EVIDENCE_RULED,
        EventKind.EVIDENCE_ERASED,
        EventKind.LEGAL_HOLD,
        EventKind.NOTE,
        EventKind.FLAG_RAISED,
        EventKind.FLAG_RESOLVED,
    }
)


def _timeline(case: Case, view: CaseView) -> tuple[list, int]:
    events = case.timeline.order_by("at", "pk")
    if view == CaseView.PANEL:
        events = events.exclude(kind__in=HIDDEN_FROM_PANEL)
    timeline = list(events)
    log_index = dict(
        AuditEvent.objects.filter(
            object_type="timeline_event", object_id__in=[str(e.pk) for e in timeline]
        ).values_list("object_id", "index")
    )
    checkpoint = latest_checkpoint()
    return [(event, log_index.get(str(event.pk))) for event in timeline], checkpoint.size if checkpoint else 0


def case_record(user: User, case: Case, view: CaseView) -> dict[str, Any]:
    rb = case.rulebook_version.rulebook
    today = timezone.localdate()
    allegations = list(case.allegations.all())
    numbers = {a.pk: n for n, a in enumerate(allegations, 1)}
    titles = {c.id: c.title for c in rb.clauses}
    seriousness = _names(rb.seriousness)
    evidence = _evidence(user, case, view)
    visible = {item.pk: item for item in evidence}
    response = case.timeline.filter(kind=EventKind.RESPONSE_RECEIVED).order_by("-at", "-pk").first()
    timeline, checkpoint_size = _timeline(case, view)
    return {
        "case": case,
        "stage": Stage(case.stage).label,
        "seriousness": seriousness.get(case.seriousness, case.seriousness),
        "next": _next(case, rb, today),
        "parties": _parties(case, rb),
        "allegations": [(n, a, titles.get(a.clause, "")) for n, a in enumerate(allegations, 1)],
        "triage": getattr(case, "triage_record", None),
        "evidence": evidence,
        "notice": _notice(case, rb, numbers, visible),
        "response": response.data.get("response", "") if response else "",
        "sittings": _sittings(case),
        "conflicts": case.declared_conflicts.select_related("panel_member", "with_member").order_by("declared_at"),
        "suspensions": _suspensions(case, today),
        "decisions": _decisions(case, rb, numbers, visible),
        "appeal": _appeal(case),
        "timeline": timeline,
        "checkpoint_size": checkpoint_size,
        "is_panel": view == CaseView.PANEL,
    }
