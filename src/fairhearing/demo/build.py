"""Write a demo plan to the database, in one transaction: either the whole demo organisation exists or none of it."""

from __future__ import annotations

import random
import secrets
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user, grant_role
from fairhearing.accounts.two_factor import enrol_with_new_key
from fairhearing.audit import log as audit
from fairhearing.audit.checkpoints import make_checkpoint
from fairhearing.bulk_insert import insert_rows, reset_sequences
from fairhearing.cases import services
from fairhearing.cases.casefile_store import load, person
from fairhearing.cases.models import (
    Admissibility,
    Case,
    SittingKind,
)
from fairhearing.demo.history import HistoryWriter, closed_history, evidence_facts
from fairhearing.demo.models import DemoBuild
from fairhearing.demo.plan import (
    CaseSpec,
    DecisionSpec,
    DemoPlan,
    EventSpec,
    EvidenceSpec,
    SuspensionSpec,
    TransferSpec,
    plan_demo,
)
from fairhearing.evidence.services import Upload, add_evidence, rule_on_evidence
from fairhearing.evidence.vault import default_vault
from fairhearing.organisation.models import (
    Body,
    Branch,
    Expertise,
    Member,
    OfficeHolding,
    PanelMember,
    PanelRole,
    Region,
)
from fairhearing.organisation.selectors import body_key
from fairhearing.organisation.services import load_rulebook_version
from fairhearing.outbox.models import OutgoingEmail
from fairhearing.procedure import deadlines
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.admissibility import Ruling
from fairhearing.procedure.panels import Seat, conflicts_of
from fairhearing.procedure.rulebook import Power, Rulebook, load_rulebook
from fairhearing.procedure.sanctions import may_impose
from fairhearing.procedure.stages import Stage

BATCH = 2000
# How many of the most recently closed cases are replayed through the services with the open ones; older closed
# cases are written in bulk (`demo.history`). The default demo (300 cases) has fewer closed cases than this, so
# all of it is replayed, exactly as before.
REPLAY_BUDGET = 300
MEMBER_PORTAL_STAGES = frozenset({Stage.NOTICE_ISSUED, Stage.RESPONSE_RECEIVED, Stage.HEARING, Stage.INVESTIGATION})


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    note: str


class DemoExists(Exception):
    pass


class _Progress:
    """Says what phase the build is in and how long the last one took, for the national-size demo's minutes."""

    def __init__(self, say: Callable[[str], None] | None):
        self.say, self.started = say, clock.perf_counter()

    def __call__(self, message: str) -> None:
        if self.say is not None:
            self.say(f"  [{clock.perf_counter() - self.started:7.1f} s] {message}")


def build_demo(
    rulebook_source: str,
    *,
    seed: int,
    today: date,
    members: int,
    cases: int,
    replay_budget: int = REPLAY_BUDGET,
    progress: Callable[[str], None] | None = None,
) -> tuple[DemoPlan, list[Login]]:
    say = _Progress(progress)
    plan = plan_demo(load_rulebook(rulebook_source), seed=seed, today=today, members=members, cases=cases)
    events = sum(len(c.events) for c in plan.cases)
    say(f"planned {len(plan.members)} members and {len(plan.cases)} cases ({events} events)")
    return plan, write_plan(plan, rulebook_source, replay_budget=replay_budget, progress=say)


@transaction.atomic
def write_plan(
    plan: DemoPlan,
    rulebook_source: str,
    *,
    replay_budget: int = REPLAY_BUDGET,
    progress: Callable[[str], None] | None = None,
) -> list[Login]:
    """`replay_budget`: how many of the most recently closed cases go through the services, with every open case;
    the older closed ones are written in bulk."""
    say = progress or (lambda message: None)
    if Member.objects.exists() or DemoBuild.objects.exists():
        raise DemoExists("the database already holds an organisation")
    regions = {code: Region(code=code, name=name) for code, name in plan.regions}
    Region.objects.bulk_create(regions.values())
    branches = {code: Branch(code=code, name=name, region=regions[r]) for code, name, r in plan.branches}
    Branch.objects.bulk_create(branches.values(), batch_size=BATCH)

    version = load_rulebook_version(rulebook_source)
    rulebook = version.rulebook
    bodies = _bodies()

    # Half a million members at national size: inserted as plain rows (`bulk_create` spends minutes compiling its
    # statements), with ids chosen here, which the organisation, empty until now, leaves free from 1.
    member_rows = {
        m.number: Member(
            pk=number,
            membership_number=m.number,
            name=m.name,
            email=m.email,
            branch=branches[m.branch],
            status=m.status,
            joined=m.joined,
        )
        for number, m in enumerate(plan.members, start=1)
    }
    insert_rows(Member, member_rows.values(), keep_pk=True)
    reset_sequences([Member])
    for row in member_rows.values():
        row._state.adding, row._state.db = False, "default"
    insert_rows(
        OfficeHolding,
        (
            OfficeHolding(member=member_rows[m.number], office=s.office, since=s.since, until=s.until)
            for m in plan.members
            for s in m.offices
        ),
    )

    say(f"wrote {len(member_rows)} members in {len(branches)} branches")

    rng = random.Random(plan.seed)
    seats = _panel_seats(rng, rulebook, bodies, plan, member_rows)
    logins, staff = _staff(bodies, seats)
    history, live = closed_history(plan.cases, replay_budget)
    # Tens of thousands of appends in one transaction: the log's head is held in memory, not rewritten each time.
    with audit.holding_head():
        if history:
            writer = HistoryWriter(
                rulebook=rulebook,
                version=version,
                bodies=bodies,
                member_rows=member_rows,
                seats=seats,
                staff=staff,
                seed=plan.seed,
            )
            written = writer.write(
                history, lambda done, events: say(f"history: {done} of {len(history)} closed cases, {events} events")
            )
            say(f"wrote {len(history)} closed cases in bulk ({written} timeline and audit entries)")
        say(f"replaying {len(live)} open and recently closed cases through the services...")
        _Replay(replace(plan, cases=tuple(live)), rulebook, member_rows, seats, staff, rng).run()
        say(f"replayed {len(live)} cases")
    # The services put an email in the outbox for every notice and decision of the replayed history. That history
    # happened before the demo existed and its addresses are made up: sending years-old notices would only fill the
    # outbox, so they go. What people do in the demo from now on is emailed as usual.
    OutgoingEmail.objects.all().delete()
    logins += _member_logins(plan, member_rows)
    DemoBuild.objects.create(seed=plan.seed, members=len(plan.members), cases=len(plan.cases), today=plan.today)
    # Sign the history, as the scheduled job would have, so receipts in the portal are covered by a checkpoint.
    make_checkpoint(datetime.combine(plan.today, time(8), tzinfo=UTC))
    say("signed the audit log")
    return logins


def _bodies() -> dict[tuple[str, int | None, int | None], Body]:
    return {(b.kind, b.region_id, b.branch_id): b for b in Body.objects.all()}


def _body(bodies, rulebook: Rulebook, kind: str, member: Member) -> Body:
    return bodies[body_key(kind, rulebook.body(kind).level, member)]


def _panel_seats(rng, rulebook: Rulebook, bodies, plan: DemoPlan, member_rows) -> dict[int, list[PanelMember]]:
    """Seat ordinary members on every body that investigates or hears cases, most of them trained."""
    by_branch: dict[str, list[str]] = {}
    by_region: dict[str, list[str]] = {}
    branch_region = {code: region for code, _, region in plan.branches}
    # Nobody who is a party to a case sits on a panel: the demo's panels start free of that conflict.
    parties = {c.respondent for c in plan.cases} | {c.complainant_member for c in plan.cases if c.complainant_member}
    for m in plan.members:
        if m.status == "active" and not m.offices and m.number not in parties:
            by_branch.setdefault(m.branch, []).append(m.number)
            by_region.setdefault(branch_region[m.branch], []).append(m.number)
    everyone = [n for numbers in by_region.values() for n in numbers]
    region_codes = {r.pk: r.code for r in Region.objects.all()}
    branch_codes = {b.pk: b.code for b in Branch.objects.all()}
    expertise = [Expertise.LAWYER, Expertise.EXPERT, Expertise.LAY]
    seats: dict[int, list[PanelMember]] = {}
    rows = []
    for (kind, region_id, branch_id), body in sorted(bodies.items(), key=lambda kv: kv[1].pk):
        spec = rulebook.body(kind)
        if not spec.powers & {Power.HEAR, Power.HEAR_APPEALS, Power.INVESTIGATE}:
            continue
        pool = (
            by_branch.get(branch_codes.get(branch_id, ""), [])
            if branch_id
            else by_region.get(region_codes.get(region_id, ""), [])
            if region_id
            else everyone
        )
        # Enough seats that a full panel remains once conflicts and lapsed training are set aside.
        chosen = rng.sample(pool, min(len(pool), max(6, 3 * spec.panel_size + 2)))
        for i, number in enumerate(chosen):
            seat = PanelMember(
                body=body,
                member=member_rows[number],
                role=PanelRole.CHAIR if i == 0 else PanelRole.MEMBER,
                expertise=expertise[i % 3],
                # One seat in seven has let its training lapse, so panels are drawn from those in date.
                trained_until=date(plan.today.year + 1, 12, 31) if i % 7 != 6 else date(plan.today.year - 1, 12, 31),
            )
            rows.append(seat)
            seats.setdefault(body.pk, []).append(seat)
    PanelMember.objects.bulk_create(rows, batch_size=BATCH)
    return seats


class _Replay:
    """Drives each planned case through the procedure's services at its planned times, so every timeline is one
    the engine accepted: notices before decisions, quorate unconflicted panels, reviewed suspensions."""

    def __init__(self, plan: DemoPlan, rulebook: Rulebook, member_rows, seats, staff, rng: random.Random):
        self.plan, self.rb, self.members, self.seats, self.staff, self.rng = (
            plan,
            rulebook,
            member_rows,
            seats,
            staff,
            rng,
        )
        self.officer, self.body_officer = staff["caseofficer"], staff["bodyofficer"]
        self.dpo = staff["dpo"]
        self.vault = default_vault()
        unit = Body.objects.get(kind="complaints-unit")
        self.investigators = seats[unit.pk]
        self.cap = rulebook.time_limits.interim_suspension_cap_days
        self.review_days = rulebook.time_limits.interim_suspension_review_days

    def run(self) -> None:
        for spec in self.plan.cases:
            self.case_(spec)

    def case_(self, spec: CaseSpec) -> None:
        case = services.open_case(
            user=self.officer,
            respondent=self.members[spec.respondent],
            allegations=[services.AllegationInput(a.clause, a.particulars, a.conduct_date) for a in spec.allegations],
            source=spec.source,
            complainant_kind=spec.complainant_kind,
            complainant_member=self.members[spec.complainant_member] if spec.complainant_member else None,
            complainant_name=spec.complainant_name,
            complainant_email=spec.complainant_email,
            now=spec.received_at,
        )
        steps = [(e.at, 1, self._stage(case, spec, e)) for e in spec.events if e.stage_to and e.stage_from]
        steps += [(t.at, 0, self._transfer(case, t)) for t in spec.transfers]
        steps += [(e.added_at, 0, self._evidence(case, e)) for e in spec.evidence]
        steps += [(s.imposed_at, 2, self._suspend(case, s)) for s in spec.suspensions]
        # Only the replay suspends, so a case planned without a suspension has none to keep reviewed.
        suspended = bool(spec.suspensions)
        for at, _, step in sorted(steps, key=lambda item: item[:2]):
            if suspended:
                self._keep_suspension_reviewed(case, at)
            step(at)
        if suspended:
            self._keep_suspension_reviewed(case, datetime.combine(self.plan.today, time(8), tzinfo=UTC))

    # --- steps --------------------------------------------------------------------------------------------

    def _transfer(self, case: Case, t: TransferSpec):
        return lambda at: services.transfer_case(case, self.officer, to_body=t.body, reason=t.reason, now=at)

    def _evidence(self, case: Case, e: EvidenceSpec):
        def add(at: datetime) -> None:
            item = add_evidence(
                case,
                self.officer,
                kind=e.kind,
                description=e.description,
                facts=evidence_facts(e),
                upload=Upload(e.file_name, e.content),
                captured_at=e.captured_at,
                now=at,
                vault=self.vault,
            )
            if e.admit_reason and item.admissibility == Admissibility.PENDING:
                rule_on_evidence(
                    item, self.dpo, ruling=Ruling.ADMIT, reason=e.admit_reason, now=at + timedelta(hours=1)
                )

        return add

    def _suspend(self, case: Case, s: SuspensionSpec):
        return lambda at: services.impose_interim_suspension(
            case,
            self.officer,
            criterion=s.criterion,
            reasons=s.reasons,
            proportionality="A lesser measure would not protect the investigation.",
            restricts=s.restricts,
            review_by=s.review_by,
            now=at,
        )

    def _keep_suspension_reviewed(self, case: Case, until: datetime) -> None:
        """Review an interim suspension on its review date, every time, until the overall cap; then lift it."""
        while True:
            active = case.interim_suspensions.filter(lifted_at__isnull=True).first()
            if active is None or active.review_by >= until.date():
                return
            at = datetime.combine(active.review_by, time(9), tzinfo=UTC)
            first = case.interim_suspensions.order_by("imposed_at").first().imposed_at.date()
            renewed = active.review_by + timedelta(days=self.review_days)
            if (renewed - first).days <= self.cap:
                services.review_interim_suspension(
                    case,
                    self.officer,
                    reasons="Reviewed: the investigation is still under way.",
                    review_by=renewed,
                    now=at,
                )
            else:
                services.lift_interim_suspension(
                    case, self.officer, reasons="The overall limit on interim suspension was reached.", now=at
                )

    def _stage(self, case: Case, spec: CaseSpec, e: EventSpec):
        stage, previous = Stage(e.stage_to), Stage(e.stage_from)
        officer = self.officer

        def triage(at: datetime) -> None:
            needed = bool(spec.suspensions)
            services.record_triage(
                case,
                officer,
                informal_resolution_suitable=spec.routing.seriousness == "minor",
                interim_action_needed=needed,
                interim_action_reasons="Risk to the investigation while it runs." if needed else "",
                protected_characteristics_involved=any(
                    self.rb.clause(a.clause).category in ("discrimination", "harassment") for a in spec.allegations
                ),
                now=at,
            )

        def step(at: datetime) -> None:
            if stage == Stage.TRIAGE:
                services.begin_triage(case, officer, now=at)
            elif stage == Stage.DISMISSED:
                triage(at)
                services.dismiss(case, officer, reasons=e.summary, now=at)
            elif stage == Stage.INVESTIGATION:
                triage(at)
                seat = self.investigators[self.rng.randrange(len(self.investigators))]
                services.open_investigation(case, officer, investigator=seat, now=at)
            elif stage == Stage.NOTICE_ISSUED:
                admitted = list(case.evidence.filter(admissibility=Admissibility.ADMITTED).values_list("pk", flat=True))
                services.issue_notice(case, officer, evidence={a.pk: admitted for a in case.allegations.all()}, now=at)
            elif stage == Stage.RESPONSE_RECEIVED:
                services.record_response(
                    case, officer, response="The respondent's written answer, recorded by the case officer.", now=at
                )
            elif stage in (Stage.RESPONSE_TIME_ELAPSED,) or (stage == Stage.CLOSED and previous == Stage.APPEAL_WINDOW):
                services.apply_time_limits_to(case, at)
            elif stage == Stage.HEARING:
                # A case still awaiting its hearing has no decision yet: any body that hears will do.
                self._hearing(case, at, spec.decisions[0].sanction if spec.decisions else self.rb.sanctions[0].id)
            elif stage == Stage.DECIDED:
                self._decide(case, spec.decisions[0], at)
            elif stage == Stage.APPEAL_WINDOW:
                services.notify_decision(case, officer, now=at)
            elif stage == Stage.APPEAL_LODGED:
                services.lodge_appeal(case, officer, grounds={"disproportionate"}, now=at)
            elif stage == Stage.APPEAL_DECIDED:
                self._appeal(case, spec.decisions[1], at)
            elif stage == Stage.CLOSED and previous == Stage.APPEAL_DECIDED:
                services.close_case(case, officer, now=at)
            elif stage == Stage.CLOSED:
                services.withdraw_case(case, officer, reason="The complainant withdrew the complaint.", now=at)
            case.refresh_from_db()
            assert case.stage == stage.value, (case.reference, case.stage, stage)

        return step

    def _panel(self, case: Case, body: Body, at: datetime, exclude: frozenset[int] = frozenset()) -> list[PanelMember]:
        spec = self.rb.body(body.kind)
        file = load(case)
        roles = replace(file.roles(), deciding_panel_ids=file.roles().deciding_panel_ids | exclude)
        eligible = [
            s
            # A body in a region or branch too small to seat anyone has no list at all: no panel, so a transfer.
            for s in self.seats.get(body.pk, [])
            if s.role != PanelRole.OFFICER
            and s.trained_until
            and s.trained_until >= timezone.localdate(at)
            and not conflicts_of(
                Seat(person(s.member), body.kind, s.trained_until),
                roles,
                file.conflicts,
                same_branch_conflicts=spec.level != "local",
            )
        ]
        self.rng.shuffle(eligible)
        return eligible[: spec.panel_size]

    def _panel_user(self, seat: PanelMember) -> User:
        """The account of a panel member who records a decision; one per person, however many bodies they sit on.
        It has no password: its owner signs in after a password reset."""
        if seat.user_id is None:
            seat.user = User.objects.filter(member=seat.member).first() or create_user(
                username=f"panel-{seat.member.membership_number.lower()}",
                password=None,
                roles={Role.PANEL_MEMBER, Role.MEMBER},
                member=seat.member,
                first_name=seat.member.name.partition(" ")[0],
                last_name=seat.member.name.partition(" ")[2],
            )
            seat.save(update_fields=["user"])
        # The person may already have an account for another role (a body officer, a member who complained).
        if Role.PANEL_MEMBER not in seat.user.roles():
            grant_role(seat.user, Role.PANEL_MEMBER)
        return seat.user

    def _hearing(self, case: Case, at: datetime, sanction: str) -> None:
        case.refresh_from_db()
        panel = self._panel(case, case.body, at)
        if len(panel) < self.rb.body(case.body.kind).quorum:
            # Everyone on this body's list is conflicted (a small region, say): a national body takes the case.
            national = next(b.id for b in self.rb.bodies if b.level == "national" and may_impose(b, self.rb, sanction))
            services.transfer_case(
                case,
                self.officer,
                to_body=national,
                now=at - timedelta(hours=1),
                reason=f"No unconflicted panel of the {case.body.name} could be formed.",
            )
            case.refresh_from_db()
            panel = self._panel(case, case.body, at)
        services.form_panel(case, self.body_officer, members=panel, now=at - timedelta(minutes=30))
        earliest = deadlines.earliest_hearing(self.rb, case.notice.served_on)
        services.schedule_hearing(case, self.body_officer, hearing_on=max(timezone.localdate(at), earliest), now=at)

    def _decide(self, case: Case, d: DecisionSpec, at: datetime) -> None:
        sitting = case.sittings.get(kind=SittingKind.HEARING, dissolved_at__isnull=True)
        chair = sitting.seats.select_related("member").first()
        served: dict[int, set[int]] = {}
        for allegation_id, item_id in case.notice.evidence_relied_on.values_list("allegation_id", "evidence_id"):
            served.setdefault(allegation_id, set()).add(item_id)
        findings = [
            wf.Finding(
                a.pk,
                d.proven,
                "Proven on the evidence." if d.proven else "Not proven on the evidence.",
                frozenset(served.get(a.pk, ())),
            )
            for a in case.allegations.all()
        ]
        services.record_decision(
            case,
            self._panel_user(chair),
            findings=findings,
            sanction=d.sanction,
            culpability=d.culpability,
            harm=d.harm,
            aggravating=d.aggravating,
            mitigating=d.mitigating,
            departure_reason=d.departure_reason,
            suspension_months=d.suspension_months,
            now=at,
        )

    def _appeal(self, case: Case, d: DecisionSpec, at: datetime) -> None:
        body = case.appeal.body
        deciders = frozenset(case.decisions.get(kind="first_instance").panel.values_list("member_id", flat=True))
        panel = self._panel(case, body, at, exclude=deciders)
        services.form_appeal_panel(case, self.body_officer, members=panel, now=at - timedelta(minutes=30))
        services.record_appeal_decision(
            case,
            self._panel_user(panel[0]),
            result=wf.AppealResult(d.appeal_result),
            reasons=d.reasons,
            sanction=d.sanction,
            now=at,
        )


def _staff(bodies, seats) -> tuple[list[Login], dict[str, User]]:
    logins: list[Login] = []
    users: dict[str, User] = {}

    def add(username: str, roles: set[Role], note: str, member: Member | None = None) -> User:
        password = secrets.token_urlsafe(12)
        first, _, last = (member.name if member else username.title()).partition(" ")
        user = create_user(
            username=username,
            password=password,
            roles=roles,
            first_name=first,
            last_name=last,
            email=f"{username}@staff.example.org",
            member=member,
        )
        # Staff sign in with a code as well; `fairhearing demo-code USERNAME` shows it, standing in for a phone.
        enrol_with_new_key(user)
        logins.append(Login(username, password, ", ".join(sorted(r.label for r in roles)), note))
        users[username] = user
        return user

    add("admin", {Role.ADMINISTRATOR}, "users, roles, rulebook and bodies; Django admin at /admin/")
    add("caseofficer", {Role.CASE_OFFICER}, "intake, triage, investigation, evidence and notices")
    add("oversight", {Role.OVERSIGHT_OFFICER}, "reads everything, raises flags")
    add("dpo", {Role.DATA_PROTECTION_OFFICER}, "evidence rulings, subject access, retention")

    national = bodies[("national-disputes-panel", None, None)]
    national_seats = seats[national.pk]
    officer = add(
        "bodyofficer", {Role.BODY_OFFICER}, f"runs the queue of the {national.name}", member=national_seats[0].member
    )
    national_seats[0].user, national_seats[0].role = officer, PanelRole.OFFICER
    national_seats[0].save(update_fields=["user", "role"])
    for i, seat in enumerate(national_seats[1:4], start=1):
        user = add(f"panel{i}", {Role.PANEL_MEMBER, Role.MEMBER}, f"sits on the {national.name}", member=seat.member)
        seat.user = user
        seat.save(update_fields=["user"])
    return logins, users


def _member_logins(plan: DemoPlan, member_rows) -> list[Login]:
    """Members with a live case each side, so the member portal has something to show."""
    logins: list[Login] = []

    def add(username: str, note: str, member: Member) -> None:
        password = secrets.token_urlsafe(12)
        first, _, last = member.name.partition(" ")
        create_user(
            username=username,
            password=password,
            roles={Role.MEMBER},
            first_name=first,
            last_name=last,
            email=member.email,
            member=member,
        )
        logins.append(Login(username, password, Role.MEMBER.label, note))

    # The plan always holds open cases past triage (every stage appears), so there is a respondent to show.
    respondent_case = next(c for c in plan.cases if c.stage in MEMBER_PORTAL_STAGES)
    add("member", f"respondent in {respondent_case.reference}", member_rows[respondent_case.respondent])
    complainant_case = next(
        (c for c in plan.cases if c.complainant_member and c.complainant_member != respondent_case.respondent),
        None,
    )
    if complainant_case is not None:
        add("member2", f"complainant in {complainant_case.reference}", member_rows[complainant_case.complainant_member])
    return logins


def write_logins(path: Path, logins: list[Login]) -> None:
    """Keep the demo log-ins beside the data, readable by the owner only, so a re-run can show them again."""
    lines = [f"{lg.username}\t{lg.password}\t{lg.role}\t{lg.note}" for lg in logins]
    path.touch(mode=0o600, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def read_logins(path: Path) -> list[Login]:
    if not path.exists():
        return []
    return [Login(*line.split("\t", 3)) for line in path.read_text().splitlines() if line.count("\t") == 3]
