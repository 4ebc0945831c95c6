"""Write a demo plan to the database, in one transaction: either the whole demo organisation exists or none of it."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.cases.models import (
    Allegation,
    Case,
    Decision,
    EvidenceItem,
    Finding,
    InterimSuspension,
    TimelineEvent,
)
from fairhearing.demo.models import DemoBuild
from fairhearing.demo.plan import DemoPlan, plan_demo
from fairhearing.organisation.models import (
    Body,
    Branch,
    Expertise,
    Member,
    OfficeHolding,
    PanelMember,
    PanelRole,
    Region,
    RulebookVersion,
)
from fairhearing.organisation.selectors import body_key
from fairhearing.organisation.services import load_rulebook_version
from fairhearing.procedure.rulebook import Power, Rulebook, load_rulebook
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.versions import version_in_force

BATCH = 2000
MEMBER_PORTAL_STAGES = frozenset({Stage.NOTICE_ISSUED, Stage.RESPONSE_RECEIVED, Stage.HEARING, Stage.INVESTIGATION})


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    note: str


class DemoExists(Exception):
    pass


def build_demo(
    rulebook_source: str, *, seed: int, today: date, members: int, cases: int
) -> tuple[DemoPlan, list[Login]]:
    plan = plan_demo(load_rulebook(rulebook_source), seed=seed, today=today, members=members, cases=cases)
    return plan, write_plan(plan, rulebook_source)


@transaction.atomic
def write_plan(plan: DemoPlan, rulebook_source: str) -> list[Login]:
    if Member.objects.exists() or DemoBuild.objects.exists():
        raise DemoExists("the database already holds an organisation")
    regions = {code: Region(code=code, name=name) for code, name in plan.regions}
    Region.objects.bulk_create(regions.values())
    branches = {code: Branch(code=code, name=name, region=regions[r]) for code, name, r in plan.branches}
    Branch.objects.bulk_create(branches.values(), batch_size=BATCH)

    version = load_rulebook_version(rulebook_source)
    rulebook = version.rulebook
    bodies = _bodies()

    member_rows = {
        m.number: Member(
            membership_number=m.number,
            name=m.name,
            email=m.email,
            branch=branches[m.branch],
            status=m.status,
            joined=m.joined,
        )
        for m in plan.members
    }
    Member.objects.bulk_create(member_rows.values(), batch_size=BATCH)
    OfficeHolding.objects.bulk_create(
        [
            OfficeHolding(member=member_rows[m.number], office=s.office, since=s.since, until=s.until)
            for m in plan.members
            for s in m.offices
        ],
        batch_size=BATCH,
    )

    rng = random.Random(plan.seed)
    seats = _panel_seats(rng, rulebook, bodies, plan, member_rows)
    _write_cases(plan, rulebook, bodies, member_rows, seats, rng)
    logins = _staff(plan, rulebook, bodies, member_rows, seats)
    DemoBuild.objects.create(seed=plan.seed, members=len(plan.members), cases=len(plan.cases), today=plan.today)
    return logins


def _bodies() -> dict[tuple[str, int | None, int | None], Body]:
    return {(b.kind, b.region_id, b.branch_id): b for b in Body.objects.all()}


def _body(bodies, rulebook: Rulebook, kind: str, member: Member) -> Body:
    return bodies[body_key(kind, rulebook.body(kind).level, member)]


def _panel_seats(rng, rulebook: Rulebook, bodies, plan: DemoPlan, member_rows) -> dict[int, list[PanelMember]]:
    """Seat trained, ordinary members on every body that hears cases: two more than its panel size."""
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
        if not spec.powers & {Power.HEAR, Power.HEAR_APPEALS}:
            continue
        pool = (
            by_branch.get(branch_codes.get(branch_id, ""), [])
            if branch_id
            else by_region.get(region_codes.get(region_id, ""), [])
            if region_id
            else everyone
        )
        chosen = rng.sample(pool, min(len(pool), spec.panel_size + 2))
        for i, number in enumerate(chosen):
            seat = PanelMember(
                body=body,
                member=member_rows[number],
                role=PanelRole.CHAIR if i == 0 else PanelRole.MEMBER,
                expertise=expertise[i % 3],
                trained_until=date(plan.today.year + 1, 12, 31) if i % 7 else date(plan.today.year - 1, 12, 31),
            )
            rows.append(seat)
            seats.setdefault(body.pk, []).append(seat)
    PanelMember.objects.bulk_create(rows, batch_size=BATCH)
    return seats


def _write_cases(plan, rulebook, bodies, member_rows, seats, rng) -> None:
    versions = list(RulebookVersion.objects.all())
    case_rows = []
    for c in plan.cases:
        respondent = member_rows[c.respondent]
        version = version_in_force(versions, min(a.conduct_date for a in c.allegations))
        case_rows.append(
            Case(
                reference=c.reference,
                respondent=respondent,
                complainant_kind=c.complainant_kind,
                complainant_member=member_rows[c.complainant_member] if c.complainant_member else None,
                complainant_name=c.complainant_name,
                complainant_email=c.complainant_email,
                source=c.source,
                received_at=c.received_at,
                body=_body(bodies, rulebook, c.body_kind, respondent),
                routing_reason=c.routing.reason,
                rulebook_version=version,
                respondent_offices=list(c.respondent_offices),
                seriousness=c.routing.seriousness,
                stage=c.stage.value,
                stage_entered_at=c.stage_entered_at,
                outcome=c.outcome,
                closed_at=c.closed_at,
                closure_reason=c.closure_reason,
            )
        )
    Case.objects.bulk_create(case_rows, batch_size=BATCH)

    allegations, events, decisions, suspensions, evidence = [], [], [], [], []
    decision_allegations: list[tuple[Decision, list[Allegation], bool]] = []
    for spec, case in zip(plan.cases, case_rows, strict=True):
        case_allegations = [
            Allegation(case=case, clause=a.clause, particulars=a.particulars, conduct_date=a.conduct_date)
            for a in spec.allegations
        ]
        allegations += case_allegations
        events += [
            TimelineEvent(
                case=case,
                at=e.at,
                kind=e.kind,
                actor_label=e.actor,
                summary=e.summary,
                stage_from=e.stage_from,
                stage_to=e.stage_to,
            )
            for e in spec.events
        ]
        for d in spec.decisions:
            body = _body(bodies, rulebook, d.body_kind, case.respondent)
            g = d.guideline
            decision = Decision(
                case=case,
                kind=d.kind,
                body=body,
                decided_at=d.decided_at,
                sanction=d.sanction,
                suspension_months=d.suspension_months,
                culpability=d.culpability,
                harm=d.harm,
                aggravating=list(d.aggravating),
                mitigating=list(d.mitigating),
                guideline_starting_point=g.starting_point if g else "",
                guideline_lowest=g.lowest if g else "",
                guideline_highest=g.highest if g else "",
                departure_reason=d.departure_reason,
                reasons=d.reasons,
                appeal_result=d.appeal_result,
            )
            decisions.append(decision)
            decision_allegations.append((decision, case_allegations, d.proven))
        suspensions += [
            InterimSuspension(
                case=case,
                imposed_at=s.imposed_at,
                decision_maker=s.decision_maker,
                criterion=s.criterion,
                reasons=s.reasons,
                restricts=s.restricts,
                review_by=s.review_by,
                lifted_at=s.lifted_at,
                lift_reason=s.lift_reason,
            )
            for s in spec.suspensions
        ]
        evidence += [
            EvidenceItem(
                case=case,
                kind=e.kind,
                description=e.description,
                source_url=e.source_url,
                captured_at=e.captured_at,
                provenance=e.provenance,
                attribution=e.attribution,
                attribution_method=e.attribution_method,
                sha256=e.sha256,
                size=e.size,
                media_type=e.media_type,
                admissibility=e.admissibility,
                added_at=e.added_at,
            )
            for e in spec.evidence
        ]
    for model, rows in (
        (Allegation, allegations),
        (TimelineEvent, events),
        (Decision, decisions),
        (InterimSuspension, suspensions),
        (EvidenceItem, evidence),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH)

    findings, panel_links = [], []
    through = Decision.panel.through
    for decision, case_allegations, proven in decision_allegations:
        findings += [
            Finding(
                decision=decision,
                allegation=a,
                proven=proven,
                reasons="Proven on the evidence." if proven else "Not proven on the evidence.",
            )
            for a in case_allegations
        ]
        body_seats = seats.get(decision.body_id, [])
        quorum = rulebook.body(decision.body.kind).quorum
        panel_links += [
            through(decision=decision, panelmember=seat)
            for seat in rng.sample(body_seats, min(quorum, len(body_seats)))
        ]
    Finding.objects.bulk_create(findings, batch_size=BATCH)
    through.objects.bulk_create(panel_links, batch_size=BATCH)


def _staff(plan: DemoPlan, rulebook: Rulebook, bodies, member_rows, seats) -> list[Login]:
    logins: list[Login] = []

    def add(username: str, roles: set[Role], note: str, member: Member | None = None) -> object:
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
        logins.append(Login(username, password, ", ".join(sorted(r.label for r in roles)), note))
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
    PanelMember.objects.filter(pk=national_seats[0].pk).update(user=officer, role=PanelRole.OFFICER)
    for i, seat in enumerate(national_seats[1:4], start=1):
        user = add(f"panel{i}", {Role.PANEL_MEMBER, Role.MEMBER}, f"sits on the {national.name}", member=seat.member)
        PanelMember.objects.filter(pk=seat.pk).update(user=user)

    # Members with a live case each side, so the member portal has something to show.
    # The plan always holds open cases past triage (every stage appears), so there is a respondent to show.
    respondent_case = next(c for c in plan.cases if c.stage in MEMBER_PORTAL_STAGES)
    add(
        "member",
        {Role.MEMBER},
        f"respondent in {respondent_case.reference}",
        member=member_rows[respondent_case.respondent],
    )
    complainant_case = next(
        (c for c in plan.cases if c.complainant_member and c.complainant_member != respondent_case.respondent),
        None,
    )
    if complainant_case is not None:
        add(
            "member2",
            {Role.MEMBER},
            f"complainant in {complainant_case.reference}",
            member=member_rows[complainant_case.complainant_member],
        )
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
