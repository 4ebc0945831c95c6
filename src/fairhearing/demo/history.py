"""The closed history of a national-size demo, written in bulk.

Replaying a case through the services costs some forty queries an action: right for the few hundred cases a demo
shows in detail, hours for fifty thousand. A case closed long ago has no live procedure state for the engine to
guard, so it is written here directly, as rows: the case, its allegations, triage, evidence, notice, panels,
decisions, appeal, interim suspensions, one timeline entry per planned event, its search words, and for each
timeline entry the audit entry `audit.log.record_timeline_event` would have appended (through `record_many`, so the
Merkle tree is the one appending them one by one would build).

Ids are chosen here, not read back from the database, so rows can refer to each other across one bulk insert per
table and batch; `reset_sequences` moves PostgreSQL's sequences past them afterwards. Panels are drawn in memory by
the same rules the replay's panels are checked by: trained seats, nobody who is a party, investigated the case or
(for an appeal) decided it, and nobody from a party's branch on a regional or national body.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import batched

from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import Truncator

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.bulk_insert import insert_rows, reset_sequences
from fairhearing.cases.models import (
    Admissibility,
    Allegation,
    Appeal,
    Case,
    Decision,
    DecisionKind,
    EvidenceItem,
    EvidenceKind,
    Finding,
    InterimSuspension,
    Notice,
    NoticeEvidence,
    PanelSitting,
    SearchTerm,
    SittingKind,
    TimelineEvent,
    TriageRecord,
)
from fairhearing.demo.plan import CaseSpec, DecisionSpec, EvidenceSpec
from fairhearing.organisation.models import Body, Member, PanelMember, PanelRole, RulebookVersion
from fairhearing.organisation.selectors import body_key
from fairhearing.procedure import deadlines
from fairhearing.procedure.admissibility import Attribution, Facts, Provenance, Visibility, assess
from fairhearing.procedure.rulebook import Rulebook
from fairhearing.procedure.search_terms import index_terms
from fairhearing.procedure.stages import Stage

CASES_PER_BATCH = 2000
# What the replay records, so a history case reads like a replayed one.
PROPORTIONALITY = "A lesser measure would not protect the investigation."
RESPONSE = "The respondent's written answer, recorded by the case officer."
WITHDRAWN = "The complainant withdrew the complaint."
REVIEWED = "Reviewed: the investigation is still under way."


class _Ids:
    """The next free id of each table, read once: this transaction is the only writer while the demo is built."""

    def __init__(self) -> None:
        self._next: dict[type[Model], int] = {}

    def take(self, model: type[Model]) -> int:
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        taken = self._next[model]
        self._next[model] = taken + 1
        return taken

    def models(self) -> list[type[Model]]:
        return list(self._next)


@dataclass
class _Rows:
    """One batch of cases' rows, in the order they must be inserted (each refers only to those before it)."""

    cases: list[Case]
    allegations: list[Allegation]
    triage: list[TriageRecord]
    evidence: list[EvidenceItem]
    notices: list[Notice]
    notice_evidence: list[NoticeEvidence]
    sittings: list[PanelSitting]
    sitting_seats: list[Model]
    appeals: list[Appeal]
    decisions: list[Decision]
    decision_panel: list[Model]
    findings: list[Finding]
    finding_evidence: list[Model]
    suspensions: list[InterimSuspension]
    events: list[TimelineEvent]
    terms: list[SearchTerm]

    @classmethod
    def empty(cls) -> _Rows:
        return cls(*([] for _ in range(16)))

    def insert(self) -> None:
        for model, rows in (
            (Case, self.cases),
            (Allegation, self.allegations),
            (TriageRecord, self.triage),
            (EvidenceItem, self.evidence),
            (Notice, self.notices),
            (NoticeEvidence, self.notice_evidence),
            (PanelSitting, self.sittings),
            (PanelSitting.seats.through, self.sitting_seats),
            (Appeal, self.appeals),
            (Decision, self.decisions),
            (Decision.panel.through, self.decision_panel),
            (Finding, self.findings),
            (Finding.evidence.through, self.finding_evidence),
            (InterimSuspension, self.suspensions),
            (TimelineEvent, self.events),
            (SearchTerm, self.terms),
        ):
            insert_rows(model, rows, keep_pk=rows is not self.terms and not model._meta.auto_created)


def evidence_facts(e: EvidenceSpec) -> Facts:
    """What the admissibility rules judge a planned item by: the same for a replayed case and a bulk-written one."""
    return Facts(
        provenance=Provenance(e.provenance),
        attribution=Attribution(e.attribution),
        attribution_method=e.attribution_method,
        visibility=Visibility(e.visibility),
        source_url=e.source_url,
        captured_on=timezone.localdate(e.captured_at) if e.captured_at else None,
        captured_by=e.captured_by,
        lawful_basis=e.lawful_basis,
    )


class HistoryWriter:
    """Writes closed planned cases as the replay would have left them."""

    def __init__(
        self,
        *,
        rulebook: Rulebook,
        version: RulebookVersion,
        bodies: dict[tuple[str, int | None, int | None], Body],
        member_rows: dict[str, Member],
        seats: dict[int, list[PanelMember]],
        staff: dict[str, User],
        seed: int,
    ) -> None:
        self.rb, self.version, self.bodies, self.members, self.seats = rulebook, version, bodies, member_rows, seats
        self.officer, self.dpo = staff["caseofficer"], staff["dpo"]
        self.officer_label = audit.actor_label(self.officer)
        # Its own random numbers: the replay's choices for the live cases do not depend on how many were written here.
        self.rng = random.Random(f"history:{seed}")
        self.ids = _Ids()
        self.investigators = seats[Body.objects.get(kind="complaints-unit").pk]
        self.short_panels = 0

    def write(self, specs: Sequence[CaseSpec], progress: Callable[[int, int], None] | None = None) -> int:
        """Write every case in `specs` (all closed); returns how many timeline (and audit) entries were written."""
        written = done = 0
        for batch in batched(specs, CASES_PER_BATCH):
            rows = _Rows.empty()
            for spec in batch:
                self._case(spec, rows)
            rows.insert()
            written += audit.record_many(None, (audit.timeline_entry(e) for e in rows.events))
            done += len(batch)
            if progress is not None:
                progress(done, written)
        reset_sequences(self.ids.models())
        return written

    # --- one case -----------------------------------------------------------------------------------------

    def _body(self, kind: str, member: Member) -> Body:
        return self.bodies[body_key(kind, self.rb.body(kind).level, member)]

    def _case(self, spec: CaseSpec, rows: _Rows) -> None:
        assert not spec.stage.is_open, spec.reference
        respondent = self.members[spec.respondent]
        complainant = self.members[spec.complainant_member] if spec.complainant_member else None
        # The stage each event moved the case to, when it did: the case's path, as the replay walked it.
        moves = [(e.at, Stage(e.stage_to)) for e in spec.events if e.stage_from and e.stage_to]
        reached = {stage: at for at, stage in moves}
        previous = moves[-2][1] if len(moves) > 1 else Stage.RECEIVED
        investigator = (
            self.investigators[self.rng.randrange(len(self.investigators))].member
            if Stage.INVESTIGATION in reached
            else None
        )
        closure, by_window = _closure(spec.stage, previous)
        case = Case(
            pk=self.ids.take(Case),
            reference=spec.reference,
            respondent=respondent,
            complainant_kind=spec.complainant_kind,
            complainant_member=complainant,
            complainant_name=spec.complainant_name,
            complainant_email=spec.complainant_email,
            source=spec.source,
            received_at=spec.received_at,
            body=self._body(spec.body_kind, respondent),
            routing_reason=spec.routing.reason,
            rulebook_version=self.version,
            respondent_offices=list(spec.respondent_offices),
            seriousness=spec.routing.seriousness,
            stage=spec.stage.value,
            stage_entered_at=spec.stage_entered_at,
            outcome=spec.outcome,
            investigator=investigator,
            responded_on=_day(reached[Stage.RESPONSE_RECEIVED]) if Stage.RESPONSE_RECEIVED in reached else None,
            closed_by_appeal_window=by_window,
            due_on=deadlines.stage_due_on(self.rb, spec.stage, _day(spec.stage_entered_at)),
            closed_at=spec.closed_at,
            closure_reason=closure,
            # One new version per action: the events of one action share its moment.
            version=1 + len({e.at for e in spec.events if e.kind not in ("opened", "routed")}),
        )
        rows.cases.append(case)
        allegations = [
            Allegation(
                pk=self.ids.take(Allegation),
                case=case,
                clause=a.clause,
                particulars=a.particulars,
                conduct_date=a.conduct_date,
            )
            for a in spec.allegations
        ]
        rows.allegations += allegations

        triaged_at = reached.get(Stage.INVESTIGATION) or reached.get(Stage.DISMISSED)
        if triaged_at is not None:
            needed = bool(spec.suspensions)
            rows.triage.append(
                TriageRecord(
                    pk=self.ids.take(TriageRecord),
                    case=case,
                    informal_resolution_suitable=spec.routing.seriousness == "minor",
                    interim_action_needed=needed,
                    interim_action_reasons="Risk to the investigation while it runs." if needed else "",
                    protected_characteristics_involved=any(
                        self.rb.clause(a.clause).category in ("discrimination", "harassment") for a in spec.allegations
                    ),
                    recorded_at=triaged_at,
                    recorded_by=self.officer,
                )
            )
        items = [self._evidence(case, e, spec, rows) for e in spec.evidence]

        served: list[EvidenceItem] = []
        if Stage.NOTICE_ISSUED in reached:
            at = reached[Stage.NOTICE_ISSUED]
            notice = Notice(
                pk=self.ids.take(Notice), case=case, served_on=_day(at), served_at=at, served_by=self.officer
            )
            rows.notices.append(notice)
            # The evidence admitted by then, relied on for every allegation, as the replay's notices do.
            served = [
                i for i in items if i.admissibility == Admissibility.ADMITTED and (i.ruled_at or i.added_at) <= at
            ]
            rows.notice_evidence += [
                NoticeEvidence(pk=self.ids.take(NoticeEvidence), notice=notice, allegation=a, evidence=i)
                for a in allegations
                for i in served
            ]
            if Stage.HEARING in reached:
                case.hearing_on = max(
                    _day(reached[Stage.HEARING]), deadlines.earliest_hearing(self.rb, notice.served_on)
                )

        parties = [respondent, complainant]
        first: Decision | None = None
        deciders: set[int] = set()
        for d in spec.decisions:
            if d.kind == DecisionKind.FIRST_INSTANCE:
                body = self._body(d.body_kind, respondent)
                exclude = {investigator.pk} if investigator else set()
                panel = self._sit(case, SittingKind.HEARING, body, reached[Stage.HEARING], d, parties, exclude, rows)
                first = self._decision(case, d, body, panel, rows)
                deciders = {s.member_id for s in panel}
                window = reached.get(Stage.APPEAL_WINDOW)
                first.notified_on = _day(window) if window else None
                findings = [
                    Finding(
                        pk=self.ids.take(Finding),
                        decision=first,
                        allegation=a,
                        proven=d.proven,
                        reasons="Proven on the evidence." if d.proven else "Not proven on the evidence.",
                    )
                    for a in allegations
                ]
                first.reasons = " ".join(f.reasons for f in findings)
                rows.findings += findings
                rows.finding_evidence += [
                    Finding.evidence.through(finding_id=f.pk, evidenceitem_id=i.pk) for f in findings for i in served
                ]
            else:
                assert first is not None, spec.reference
                body = self._body(d.body_kind, respondent)
                rows.appeals.append(
                    Appeal(
                        pk=self.ids.take(Appeal),
                        case=case,
                        lodged_on=_day(reached[Stage.APPEAL_LODGED]),
                        grounds=["disproportionate"],
                        body=body,
                    )
                )
                exclude = deciders | ({investigator.pk} if investigator else set())
                panel = self._sit(case, SittingKind.APPEAL, body, d.decided_at, d, parties, exclude, rows)
                appeal = self._decision(case, d, body, panel, rows)
                appeal.culpability, appeal.harm = (first.culpability, first.harm)
                appeal.aggravating = appeal.mitigating = []
                appeal.guideline_starting_point = appeal.guideline_lowest = appeal.guideline_highest = ""
                appeal.departure_reason, appeal.suspension_months = "", None
                appeal.reasons, appeal.appeal_result = d.reasons, d.appeal_result
        for s in spec.suspensions:
            suspending = self._body(_body_at(spec, s.imposed_at), respondent)
            rows.suspensions.append(
                InterimSuspension(
                    pk=self.ids.take(InterimSuspension),
                    case=case,
                    imposed_at=s.imposed_at,
                    imposed_by=self.officer,
                    decision_maker=f"{self.officer_label}, for the {suspending}",
                    criterion=s.criterion,
                    reasons=s.reasons,
                    proportionality=PROPORTIONALITY,
                    restricts=s.restricts,
                    review_by=self._last_review(s.imposed_at, s.lifted_at),
                    lifted_at=s.lifted_at,
                    lift_reason=s.lift_reason,
                )
            )
        # Events at one moment keep the plan's order, as the replay wrote them one action after another.
        for e in sorted(spec.events, key=lambda e: e.at):
            rows.events.append(
                TimelineEvent(
                    pk=self.ids.take(TimelineEvent),
                    case=case,
                    at=e.at,
                    kind=e.kind,
                    actor=None,
                    actor_label=e.actor,
                    stage_from=e.stage_from,
                    stage_to=e.stage_to,
                    summary=e.summary,
                    data={},
                )
            )
        words = index_terms(
            case.reference,
            case.complainant_name,
            *(f"{p.name} {p.membership_number}" for p in parties if p is not None),
            *(f"{a.clause} {a.particulars}" for a in allegations),
        )
        rows.terms += [SearchTerm(case=case, term=t) for t in sorted(words)]

    def _evidence(self, case: Case, e: EvidenceSpec, spec: CaseSpec, rows: _Rows) -> EvidenceItem:
        """The item as text or a web address, without a file: the history's evidence is there to be cited and
        counted, and encrypting a hundred thousand files would be most of the build."""
        facts = evidence_facts(e)
        assessment = assess(
            self.rb.evidence_policy,
            facts,
            conduct_dates=[a.conduct_date for a in spec.allegations],
            received_on=timezone.localdate(spec.received_at),
        )
        admitted = assessment.admitted_on_entry
        ruled = not admitted and bool(e.admit_reason)
        item = EvidenceItem(
            pk=self.ids.take(EvidenceItem),
            case=case,
            kind=EvidenceKind.URL if e.source_url else EvidenceKind.TEXT,
            description=e.description,
            text="" if e.source_url else e.description,
            source_url=e.source_url,
            captured_at=e.captured_at,
            captured_by=e.captured_by,
            visibility=e.visibility,
            lawful_basis=e.lawful_basis,
            provenance=e.provenance,
            attribution=e.attribution,
            attribution_method=e.attribution_method,
            admissibility=Admissibility.ADMITTED if admitted or ruled else Admissibility.PENDING,
            ruling_needed=list(assessment.ruling_needed),
            flags=list(assessment.flags),
            ruled_by=self.dpo if ruled else None,
            ruled_at=e.added_at + timedelta(hours=1) if ruled else None,
            ruling_reason=e.admit_reason if ruled else "",
            added_by=self.officer,
            added_at=e.added_at,
        )
        rows.evidence.append(item)
        return item

    def _sit(
        self,
        case: Case,
        kind: str,
        body: Body,
        at: datetime,
        d: DecisionSpec,
        parties: list[Member | None],
        exclude: set[int],
        rows: _Rows,
    ) -> list[PanelMember]:
        """A panel of the body, formed half an hour before it acts (hearing scheduled, or appeal decided)."""
        panel = self._panel(body, at, parties, exclude)
        sitting = PanelSitting(
            pk=self.ids.take(PanelSitting), case=case, kind=kind, body=body, formed_at=at - timedelta(minutes=30)
        )
        rows.sittings.append(sitting)
        rows.sitting_seats += [
            PanelSitting.seats.through(panelsitting_id=sitting.pk, panelmember_id=s.pk) for s in panel
        ]
        return panel

    def _panel(self, body: Body, at: datetime, parties: list[Member | None], exclude: set[int]) -> list[PanelMember]:
        spec = self.rb.body(body.kind)
        day = timezone.localdate(at)

        def eligible(same_branch: bool) -> list[PanelMember]:
            return [
                s
                for s in self.seats.get(body.pk, [])
                if s.role != PanelRole.OFFICER
                and s.trained_until
                and s.trained_until >= day
                and s.member_id not in exclude
                and not any(
                    p is not None and (p.pk == s.member_id or (same_branch and p.branch_id == s.member.branch_id))
                    for p in parties
                )
            ]

        seats = eligible(spec.level != "local")
        if len(seats) < spec.quorum:
            # A small body where everyone shares a branch with a party: the replay would move the case to a
            # national body; the history keeps its planned body and counts the shortfall for the report.
            self.short_panels += 1
            seats = eligible(False)
        self.rng.shuffle(seats)
        return seats[: spec.panel_size]

    def _decision(self, case: Case, d: DecisionSpec, body: Body, panel: list[PanelMember], rows: _Rows) -> Decision:
        g = d.guideline if d.culpability and d.harm else None
        decision = Decision(
            pk=self.ids.take(Decision),
            case=case,
            kind=d.kind,
            body=body,
            decided_at=d.decided_at,
            sanction=d.sanction,
            suspension_months=d.suspension_months,
            culpability=d.culpability if g else "",
            harm=d.harm if g else "",
            aggravating=list(d.aggravating),
            mitigating=list(d.mitigating),
            guideline_starting_point=g.starting_point if g else "",
            guideline_lowest=g.lowest if g else "",
            guideline_highest=g.highest if g else "",
            departure_reason=d.departure_reason,
            reasons=d.reasons,
            precedents_considered=[],
        )
        rows.decisions.append(decision)
        rows.decision_panel += [Decision.panel.through(decision_id=decision.pk, panelmember_id=s.pk) for s in panel]
        return decision

    def _last_review(self, imposed_at: datetime, lifted_at: datetime | None) -> date:
        """The review date the suspension carried when it ended: reviewed on each review date, as the replay does."""
        step = timedelta(days=self.rb.time_limits.interim_suspension_review_days)
        review_by = (imposed_at + step).date()
        end = _day(lifted_at or imposed_at)
        while review_by < end:
            review_by += step
        return review_by


def _body_at(spec: CaseSpec, at: datetime) -> str:
    """The body in charge of the case at a moment: the routed one, or the last it was transferred to by then."""
    kind = spec.routing.body_id
    for t in spec.transfers:
        if t.at <= at:
            kind = t.body
    return kind


def _closure(stage: Stage, previous: Stage) -> tuple[str, bool]:
    """The closure reason the service that closed the case records, and whether the appeal window closed it."""
    if stage == Stage.DISMISSED:
        return "Dismissed: no case to answer.", False
    if previous == Stage.APPEAL_WINDOW:
        return "The appeal period ended without an appeal.", True
    if previous == Stage.APPEAL_DECIDED:
        return "Decided.", False
    return Truncator(f"Withdrawn: {WITHDRAWN}").chars(200), False


def _day(moment: datetime) -> date:
    return timezone.localdate(moment)


def closed_history(cases: Iterable[CaseSpec], budget: int) -> tuple[list[CaseSpec], list[CaseSpec]]:
    """Split planned cases into (history to write in bulk, live cases to replay): every open case is replayed, and
    so are the `budget` most recently closed, so the recent past reads exactly as the engine wrote it."""
    cases = list(cases)
    closed = sorted((c for c in cases if not c.stage.is_open), key=lambda c: (c.closed_at, c.reference))
    history = {c.reference for c in closed[: max(0, len(closed) - budget)]}
    return [c for c in cases if c.reference in history], [c for c in cases if c.reference not in history]
