"""Between the database and the pure engine: load a case as a `CaseFile`, and write back what every action changes.

Each service locks the case, loads its file, calls one action of `procedure.workflow`, writes the rows that
action creates, and records the timeline event - all inside `acting_on`, one transaction. A refused action raises
before anything is written, so it changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.cases.models import (
    Admissibility,
    Appeal,
    Attribution,
    Case,
    Decision,
    DecisionKind,
    PanelSitting,
    SittingKind,
    TimelineEvent,
)
from fairhearing.cases.timeline import write_event
from fairhearing.organisation.models import Body, Member, PanelMember
from fairhearing.organisation.selectors import body_key
from fairhearing.procedure import deadlines
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.errors import ActionRefused, Refusal
from fairhearing.procedure.panels import DeclaredConflict, Person, Seat
from fairhearing.procedure.roles import Role
from fairhearing.procedure.rulebook import Rulebook
from fairhearing.procedure.sanctions import GuidelineResult


def _day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment else None


def person(member) -> Person:
    return Person(member.pk, member.branch_id)


def load(case: Case) -> wf.CaseFile:
    rulebook = case.rulebook_version.rulebook
    triage = getattr(case, "triage_record", None)
    notice = getattr(case, "notice", None)
    hearing = case.sittings.filter(kind=SittingKind.HEARING, dissolved_at__isnull=True).first()
    first = case.decisions.filter(kind=DecisionKind.FIRST_INSTANCE).order_by("-decided_at").first()
    admitted = dict(case.evidence.filter(admissibility=Admissibility.ADMITTED).values_list("pk", "attribution"))
    return wf.CaseFile(
        rulebook=rulebook,
        stage=wf.Stage(case.stage),
        body=case.body.kind,
        respondent=person(case.respondent),
        complainant=person(case.complainant_member) if case.complainant_member else None,
        allegations=tuple(wf.Allegation(a.pk, a.clause, a.conduct_date) for a in case.allegations.all()),
        admitted_evidence=frozenset(admitted),
        unproven_evidence=frozenset(pk for pk, attribution in admitted.items() if not Attribution(attribution).proven),
        triage=wf.Triage(
            triage.informal_resolution_suitable,
            triage.interim_action_needed,
            triage.protected_characteristics_involved,
            triage.interim_action_reasons,
        )
        if triage
        else None,
        investigator=case.investigator_id,
        notice=_notice(notice) if notice else None,
        responded_on=case.responded_on,
        panel=_members(hearing),
        hearing_on=case.hearing_on,
        decision=_decision(first) if first else None,
        appeal=_appeal(case),
        suspensions=tuple(
            wf.Suspension(_day(s.imposed_at), s.review_by, _day(s.lifted_at), s.review_missed)
            for s in case.interim_suspensions.all()
        ),
        conflicts=tuple(
            DeclaredConflict(c.panel_member_id, c.with_member_id, c.reason) for c in case.declared_conflicts.all()
        ),
        closed_by_appeal_window=case.closed_by_appeal_window,
    )


def _notice(notice) -> wf.Notice:
    cited: dict[int, set[int]] = {}
    for row in notice.evidence_relied_on.all():
        cited.setdefault(row.allegation_id, set()).add(row.evidence_id)
    return wf.Notice(notice.served_on, {k: frozenset(v) for k, v in cited.items()})


def _members(sitting: PanelSitting | None) -> frozenset[int]:
    return frozenset(sitting.seats.values_list("member_id", flat=True)) if sitting else frozenset()


def _decision(decision: Decision) -> wf.Decision:
    guideline = (
        GuidelineResult(
            decision.culpability,
            decision.harm,
            decision.guideline_starting_point,
            decision.guideline_lowest,
            decision.guideline_highest,
        )
        if decision.guideline_starting_point
        else None
    )
    return wf.Decision(
        decided_on=_day(decision.decided_at),
        body=decision.body.kind,
        panel=frozenset(decision.panel.values_list("member_id", flat=True)),
        findings=tuple(
            wf.Finding(f.allegation_id, f.proven, f.reasons, frozenset(e.pk for e in f.evidence.all()))
            for f in decision.findings.prefetch_related("evidence")
        ),
        sanction=decision.sanction,
        guideline=guideline,
        departure_reason=decision.departure_reason,
        notified_on=decision.notified_on,
    )


def _appeal(case: Case) -> wf.Appeal | None:
    appeal = Appeal.objects.filter(case=case).select_related("body").first()
    if appeal is None:
        return None
    sitting = case.sittings.filter(kind=SittingKind.APPEAL, dissolved_at__isnull=True).first()
    ruling = case.decisions.filter(kind=DecisionKind.APPEAL).order_by("-decided_at").first()
    return wf.Appeal(
        lodged_on=appeal.lodged_on,
        grounds=frozenset(appeal.grounds),
        late_reason=appeal.late_reason,
        body=appeal.body.kind,
        panel=_members(sitting),
        result=wf.AppealResult(ruling.appeal_result) if ruling else None,
        sanction=ruling.sanction if ruling else "",
        reasons=ruling.reasons if ruling else "",
    )


def actor_for(user: User | None) -> wf.Actor:
    """The engine's view of a user: roles from their groups, the bodies whose panels they sit on."""
    if user is None:
        return wf.SYSTEM
    roles = frozenset(Role(name) for name in user.groups.values_list("name", flat=True) if name in Role)
    bodies = frozenset(PanelMember.objects.filter(user=user, active=True).values_list("body__kind", flat=True))
    return wf.Actor(member_id=user.member_id, roles=roles, bodies=bodies)


def seats_for(respondent: Member, body_kind: str, rulebook: Rulebook) -> list[Seat]:
    """The seats of the body instance that acts for this respondent (a regional body is their region's)."""
    kind, region, branch = body_key(body_kind, rulebook.body(body_kind).level, respondent)
    seats = PanelMember.objects.filter(
        body__kind=kind, body__region_id=region, body__branch_id=branch, active=True
    ).select_related("member")
    return [Seat(person(s.member), body_kind, s.trained_until) for s in seats]


def body_instance(respondent: Member, body_kind: str, rulebook: Rulebook) -> Body:
    kind, region, branch = body_key(body_kind, rulebook.body(body_kind).level, respondent)
    return Body.objects.get(kind=kind, region_id=region, branch_id=branch)


class CaseChanged(ActionRefused):
    """The case moved on after the form or request was prepared: acting on it now could undo or contradict what
    someone else (or the scheduled job) just did, so nothing is changed and the person is asked to look again."""

    GUARD = "case_changed"

    def __init__(self, reference: str, expected: int, current: int):
        self.reference, self.expected, self.current = reference, expected, current
        super().__init__(
            [
                Refusal(
                    self.GUARD,
                    f"{reference} has changed since you opened it (you saw version {expected}; it is now version "
                    f"{current}): someone else acted on it, or a time limit ran out. Nothing was saved. Look at the "
                    "case again, then take the action again if it still applies.",
                )
            ]
        )


# The version of each case the person acting last saw, by case id: set around a form's or request's action by
# `expecting_version`, checked by `acting_on` once the case is locked.
_expected_versions: ContextVar[dict[int, int] | None] = ContextVar("expected_case_versions", default=None)


@contextmanager
def expecting_version(case: Case, version: int | None) -> Iterator[None]:
    """Refuse any action on `case` inside this block unless the case is still at `version` (None: no check, for
    callers that never saw a version, such as the scheduled job or an API request without If-Match)."""
    if version is None:
        yield
        return
    token = _expected_versions.set({**(_expected_versions.get() or {}), case.pk: version})
    try:
        yield
    finally:
        _expected_versions.reset(token)


@dataclass
class Acting:
    case: Case
    file: wf.CaseFile
    actor: wf.Actor
    user: User | None
    now: datetime
    _counted: bool = field(default=False, init=False, repr=False)

    def _count_change(self) -> None:
        """One action is one new version, however many rows and events it writes."""
        if not self._counted:
            self.case.version += 1
            self._counted = True

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def rulebook(self) -> Rulebook:
        return self.file.rulebook

    def seats(self, body_kind: str | None = None) -> list[Seat]:
        return seats_for(self.case.respondent, body_kind or self.file.body, self.rulebook)

    def sync_suspensions(self, outcome: wf.Outcome, reason: str) -> None:
        """Write what the engine did to interim suspensions: lifts (with `reason`), new review dates, misses."""
        rows = list(self.case.interim_suspensions.order_by("imposed_at", "pk"))
        for row, state in zip(rows, outcome.case.suspensions, strict=False):
            changed = {}
            if row.lifted_at is None and state.lifted_on is not None:
                changed |= {"lifted_at": self.now, "lift_reason": reason}
            if row.review_by != state.review_by:
                changed["review_by"] = state.review_by
            if row.review_missed != state.review_missed:
                changed["review_missed"] = state.review_missed
            for name, value in changed.items():
                setattr(row, name, value)
            if changed:
                row.save(update_fields=list(changed))

    def apply(self, outcome: wf.Outcome, kind: str, data: dict | None = None) -> wf.CaseFile:
        """Write the case-level fields the engine changed, and the timeline event that says so."""
        before, after, case = self.file, outcome.case, self.case
        if after.stage != before.stage:
            case.stage, case.stage_entered_at = after.stage.value, self.now
            case.due_on = deadlines.stage_due_on(self.rulebook, after.stage, self.today)
        if after.body != before.body:
            case.body = body_instance(case.respondent, after.body, self.rulebook)
        case.investigator_id = after.investigator
        case.responded_on = after.responded_on
        case.hearing_on = after.hearing_on
        case.closed_by_appeal_window = after.closed_by_appeal_window
        if not after.stage.is_open and case.closed_at is None:
            case.closed_at = self.now
        elif after.stage.is_open:
            case.closed_at, case.closure_reason = None, ""
        self._count_change()
        case.save()
        write_event(
            case,
            at=self.now,
            kind=kind,
            user=self.user,
            stage_from=before.stage.value if after.stage != before.stage else "",
            stage_to=after.stage.value if after.stage != before.stage else "",
            summary=outcome.summary,
            data=data,
        )
        self.file = after
        return after

    def record(self, kind: str, summary: str, data: dict | None = None) -> TimelineEvent:
        """A timeline event for something done to the case that does not move it, such as adding evidence."""
        if not self._counted:
            self._count_change()
            self.case.save(update_fields=["version"])
        return write_event(self.case, at=self.now, kind=kind, user=self.user, summary=summary, data=data)


@contextmanager
def acting_on(case: Case, user: User | None, now: datetime | None = None) -> Iterator[Acting]:
    """One transaction around one action: the case row is locked, so two people (or a person and the scheduled
    job) acting on the same case at once take turns and the second sees the first's result. Under
    `expecting_version`, the second is refused instead when the first changed the case."""
    with transaction.atomic():
        # The lock is taken on the case row alone, then the case read with its relations. Locking with the joins
        # in one statement fails on PostgreSQL when the holder of the lock changed a joined key (a transfer changes
        # the body): the waiting statement re-checks the new row against the old join and finds no case at all.
        Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).get()
        locked = Case.objects.select_related("rulebook_version", "body", "respondent", "complainant_member").get(
            pk=case.pk
        )
        expected = (_expected_versions.get() or {}).get(locked.pk)
        if expected is not None and expected != locked.version:
            raise CaseChanged(locked.reference, expected, locked.version)
        yield Acting(locked, load(locked), actor_for(user), user, now or timezone.now())
    case.refresh_from_db()
