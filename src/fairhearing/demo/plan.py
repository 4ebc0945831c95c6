"""A synthetic organisation for the demo, planned in memory.

The plan is a pure function of (rulebook, seed, today, sizes): the same inputs always give the same organisation,
so the demo, its tests and any screenshots are reproducible. Nothing here touches the database; `build.py` writes
a plan.

Besides ordinary, consistently decided cases, the history deliberately contains the pattern fairhearing exists to
expose: ordinary members suspended for trivial conduct while office holders with graver conduct faced no action.
Those cases carry `pattern="harsh"` or `pattern="lenient"` so tests can find them; nothing shown to users
reveals the tag - the analytics must find them from the decisions alone.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from faker import Faker

from fairhearing.cases.models import (
    AppealResult,
    Attribution,
    CaseSource,
    ComplainantKind,
    DecisionKind,
    EventKind,
    EvidenceKind,
    Provenance,
    Visibility,
)
from fairhearing.demo import files
from fairhearing.formatting import long_date
from fairhearing.organisation.models import MemberStatus
from fairhearing.procedure.jurisdiction import Routing, route
from fairhearing.procedure.rulebook import Power, Rulebook
from fairhearing.procedure.sanctions import GuidelineResult, guideline, hearing_body_for
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.versions import covers

LAWFUL_BASIS = (
    "UK GDPR Art. 6(1)(f) legitimate interests in enforcing the rules; Art. 9(2)(d) processing by a "
    "not-for-profit body about its members"
)

REGIONS = [
    ("north-east", "North East"),
    ("north-west", "North West"),
    ("yorkshire", "Yorkshire and the Humber"),
    ("east-midlands", "East Midlands"),
    ("west-midlands", "West Midlands"),
    ("east", "East of England"),
    ("london", "London"),
    ("south-east", "South East"),
    ("south-west", "South West"),
]
SENIOR_OFFICES = ("mp", "national-officer")

# Shares of members holding each office at some point; senior offices are rare, as they are in life.
OFFICE_SHARES = {"mp": 0.003, "national-officer": 0.003, "councillor": 0.025, "candidate": 0.01, "branch-officer": 0.04}
# Minimum office holders, so that even a small demo contains the pattern.
OFFICE_MINIMUM = {"mp": 8, "national-officer": 6, "councillor": 10, "candidate": 4, "branch-officer": 10}

RIVAL_PARTIES = ("the Harbour Alliance", "the Progress Party", "the Civic Movement", "the Lantern Party")
BANDS = ("Coldwater", "The Paper Kites of Leeds", "Static Harbour", "Neon Orchard")

HARSH_STORIES = [
    ("4.4", "Retweeted a post by a {party} councillor praising a new bus route in {town}, without comment."),
    ("4.4", "Shared a {party} candidate's post about a local library closure, adding 'fair point'."),
    ("2.1", "Posted that the new {band} album was 'f***ing dreadful' on a personal account."),
    ("2.1", "Swore in a post about {band} cancelling their {town} concert."),
]
LENIENT_STORIES = [
    ("4.1", "Spoke as an invited guest at the {party} annual conference and urged delegates to back its candidates."),
    (
        "5.2",
        "Briefed a national newspaper against the party leadership, disclosing confidential executive "
        "discussions, in the week of the annual conference.",
    ),
    (
        "2.2",
        "Sent repeated abusive messages to members of the {town} branch who had disagreed with them, calling "
        "them 'traitors' and 'vermin'.",
    ),
    ("4.1", "Endorsed the {party} candidate in the {town} mayoral election in a public video."),
]
PARTICULARS = {
    "abuse": [
        "Posted personal insults about a fellow member in the {town} branch group chat.",
        "Shouted at and insulted a volunteer at a {town} street stall.",
    ],
    "harassment": [
        "Repeatedly contacted a fellow member after being asked to stop.",
        "Made unwanted comments about a member's appearance at a {town} social event.",
    ],
    "discrimination": [
        "Made derogatory remarks about a member's religion at a branch meeting.",
        "Shared material mocking disabled people on a branch social-media page.",
    ],
    "loyalty": [
        "Publicly endorsed an independent candidate standing against the party in {town}.",
        "Distributed {party} leaflets in the {town} ward during the campaign.",
    ],
    "disrepute": [
        "Made inflammatory remarks on local radio that were widely reported.",
        "Behaved aggressively at a public hustings in {town}, filmed and shared widely.",
    ],
    "confidentiality": [
        "Forwarded minutes of a confidential executive meeting to people outside the party.",
        "Disclosed details of a member's complaint to the local press.",
    ],
    "data": [
        "Downloaded the {town} membership list and used it for a personal business mailing.",
        "Shared canvassing data with a campaign outside the party.",
    ],
    "electoral": [
        "Submitted nomination papers with signatures that had not been given.",
        "Pressured members to vote for a particular candidate in the {town} selection.",
    ],
    "finance": [
        "Failed to account for branch funds raised at a {town} fundraising dinner.",
        "Claimed expenses for events that did not take place.",
    ],
    "integrity": [
        "Refused to provide documents requested by an investigation and told a witness not to speak.",
        "Made a complaint against another member that the investigation found knowingly false.",
    ],
    "meetings": [
        "Repeatedly interrupted and shouted over the chair at the {town} branch AGM.",
        "Refused to leave the chair's table after being ruled out of order.",
    ],
}
# Culpability and harm by seriousness: what a panel would usually find for conduct of that kind.
ASSESSMENTS = {
    "minor": [("C", "3"), ("C", "3"), ("C", "2"), ("B", "3")],
    "moderate": [("B", "3"), ("B", "2"), ("C", "2"), ("B", "2")],
    "serious": [("B", "2"), ("A", "2"), ("B", "1"), ("A", "3")],
    "grave": [("A", "1"), ("A", "2"), ("B", "1"), ("A", "1")],
}
OPEN_STAGES = [s for s in Stage if s.is_open]
# The history needs room: the longest case path takes about 400 days from complaint to close.
MINIMUM_HISTORY = timedelta(days=730)
# From this many cases the demo is national-size, and its caseload is planned as one would find it: cases are
# received evenly over the whole history, closed ones included, and only those received in about the last year
# can still be open (a complaint from 2022 is not still at triage). Below it, the small demo keeps every open
# stage in a few hundred cases, so there is something at each stage to show; its plans stay as they were.
NATIONAL_SIZE = 2000
OPEN_SHARE = 0.22
RECENT = timedelta(days=365)
FIRST_INSTANCE_PATH = [
    Stage.RECEIVED,
    Stage.TRIAGE,
    Stage.INVESTIGATION,
    Stage.NOTICE_ISSUED,
    Stage.RESPONSE_RECEIVED,
    Stage.HEARING,
    Stage.DECIDED,
    Stage.APPEAL_WINDOW,
]
APPEAL_PATH = [Stage.APPEAL_LODGED, Stage.APPEAL_DECIDED, Stage.CLOSED]
# Days spent in each stage before moving on: (fewest, most).
STAGE_DAYS = {
    Stage.RECEIVED: (0, 3),
    Stage.TRIAGE: (2, 12),
    Stage.INVESTIGATION: (20, 70),
    Stage.NOTICE_ISSUED: (5, 13),
    Stage.RESPONSE_RECEIVED: (14, 40),
    Stage.RESPONSE_TIME_ELAPSED: (14, 40),
    Stage.HEARING: (0, 10),
    Stage.DECIDED: (0, 1),
    Stage.APPEAL_WINDOW: (3, 20),
    Stage.APPEAL_LODGED: (20, 50),
    Stage.APPEAL_DECIDED: (0, 2),
}


@dataclass(frozen=True)
class OfficeSpell:
    office: str
    since: date
    until: date | None


@dataclass(frozen=True)
class MemberSpec:
    number: str
    name: str
    email: str
    branch: str
    status: str
    joined: date
    offices: tuple[OfficeSpell, ...] = ()

    def offices_on(self, day: date) -> tuple[str, ...]:
        return tuple(sorted(s.office for s in self.offices if covers(s.since, s.until, day)))


@dataclass(frozen=True)
class EventSpec:
    at: datetime
    kind: str
    actor: str
    summary: str
    stage_from: str = ""
    stage_to: str = ""


@dataclass(frozen=True)
class TransferSpec:
    at: datetime
    body: str
    reason: str


@dataclass(frozen=True)
class AllegationSpec:
    clause: str
    particulars: str
    conduct_date: date


@dataclass(frozen=True)
class DecisionSpec:
    kind: str
    body_kind: str
    decided_at: datetime
    sanction: str
    reasons: str
    proven: bool
    suspension_months: int | None = None
    culpability: str = ""
    harm: str = ""
    aggravating: tuple[str, ...] = ()
    mitigating: tuple[str, ...] = ()
    guideline: GuidelineResult | None = None
    departure_reason: str = ""
    appeal_result: str = ""


@dataclass(frozen=True)
class SuspensionSpec:
    imposed_at: datetime
    decision_maker: str
    criterion: str
    reasons: str
    restricts: str
    review_by: date
    lifted_at: datetime | None
    lift_reason: str


@dataclass(frozen=True)
class EvidenceSpec:
    kind: str
    description: str
    provenance: str
    attribution: str
    added_at: datetime
    file_name: str
    content: bytes = field(repr=False)
    source_url: str = ""
    captured_at: datetime | None = None
    captured_by: str = ""
    attribution_method: str = ""
    visibility: str = Visibility.NOT_APPLICABLE
    lawful_basis: str = ""
    # The data protection officer's reasons for admitting an item that needs a ruling; empty: no ruling yet.
    admit_reason: str = ""


@dataclass(frozen=True)
class CaseSpec:
    reference: str
    respondent: str
    complainant_kind: str
    complainant_member: str | None
    complainant_name: str
    complainant_email: str
    source: str
    received_at: datetime
    routing: Routing
    body_kind: str  # the body in charge now: the routed body, or the one a case was transferred to
    transfers: tuple[TransferSpec, ...]
    respondent_offices: tuple[str, ...]
    allegations: tuple[AllegationSpec, ...]
    stage: Stage
    stage_entered_at: datetime
    events: tuple[EventSpec, ...]
    decisions: tuple[DecisionSpec, ...] = ()
    suspensions: tuple[SuspensionSpec, ...] = ()
    evidence: tuple[EvidenceSpec, ...] = ()
    outcome: str = ""
    closed_at: datetime | None = None
    pattern: str = ""


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    today: date
    regions: tuple[tuple[str, str], ...]
    branches: tuple[tuple[str, str, str], ...]  # (code, name, region code)
    members: tuple[MemberSpec, ...]
    cases: tuple[CaseSpec, ...]


def _at(day: date, rng: random.Random) -> datetime:
    """A time during office hours on `day`, in UTC."""
    return datetime.combine(day, time(9, 0), tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 8 * 60))


class _Planner:
    def __init__(self, rulebook: Rulebook, seed: int, today: date, members: int, cases: int):
        self.rb = rulebook
        self.seed = seed
        self.today = today
        self.n_members = members
        self.n_cases = cases
        self.rng = random.Random(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.earliest = max(rulebook.effective_from, today - timedelta(days=6 * 365))
        self.national = cases >= NATIONAL_SIZE
        self.staff = {
            "case_officer": f"{self.fake.name()} (case officer, Central Complaints Unit)",
            "investigator": f"{self.fake.name()} (investigator)",
            "dpo": f"{self.fake.name()} (data protection officer)",
            "system": "fairhearing",
        }

    # --- organisation -------------------------------------------------------------------------------------

    def branches(self) -> list[tuple[str, str, str]]:
        out, used = [], set()
        per_region = max(2, min(12, self.n_members // 400))
        for code, _ in REGIONS:
            for _ in range(per_region):
                town = self.fake.unique.city()
                slug = town.lower().replace(" ", "-").replace("'", "")
                if slug in used:
                    continue
                used.add(slug)
                out.append((slug, f"{town} branch", code))
        return out

    def members(self, branches: Sequence[tuple[str, str, str]]) -> list[MemberSpec]:
        width = max(6, len(str(self.n_members)))
        specs = []
        for i in range(1, self.n_members + 1):
            first, last = self.fake.first_name(), self.fake.last_name()
            joined = self.today - timedelta(days=self.rng.randrange(30, 30 * 365))
            status = self.rng.choices(
                [MemberStatus.ACTIVE, MemberStatus.LAPSED, MemberStatus.RESIGNED], weights=[90, 7, 3]
            )[0]
            specs.append(
                MemberSpec(
                    number=f"M{i:0{width}d}",
                    name=f"{first} {last}",
                    email=f"{first}.{last}.{i}@members.example.org".lower().replace("'", "").replace(" ", "-"),
                    branch=self.rng.choice(branches)[0],
                    status=status.value,
                    joined=joined,
                )
            )
        return self._assign_offices(specs)

    def _assign_offices(self, specs: list[MemberSpec]) -> list[MemberSpec]:
        active = [i for i, m in enumerate(specs) if m.status == MemberStatus.ACTIVE]
        holders: dict[int, list[OfficeSpell]] = {}
        # Senior offices go to long-standing members, who have held them since before the demo's history begins.
        veterans = [i for i in active if (self.today - specs[i].joined).days > 9 * 365]
        for office, share in OFFICE_SHARES.items():
            senior = office in SENIOR_OFFICES
            pool = veterans if senior else active
            count = min(len(pool) // 5, max(OFFICE_MINIMUM[office], round(share * len(specs))))
            for i in self.rng.sample(pool, count):
                if senior and holders.get(i):
                    continue
                served = (self.today - specs[i].joined).days
                since = self.today - timedelta(
                    days=self.rng.randrange(7 * 365, served) if senior else self.rng.randrange(30, max(31, served))
                )
                holders.setdefault(i, []).append(OfficeSpell(office, since, None))
        return [MemberSpec(**{**m.__dict__, "offices": tuple(holders.get(i, ()))}) for i, m in enumerate(specs)]

    # --- cases --------------------------------------------------------------------------------------------

    def cases(self, members: Sequence[MemberSpec]) -> list[CaseSpec]:
        # Office holders of long standing, so they held the office at the time of the conduct.
        senior = [m for m in members if any(s.office in SENIOR_OFFICES and s.since <= self.earliest for s in m.offices)]
        ordinary = [m for m in members if not m.offices and m.status == MemberStatus.ACTIVE]
        anyone = [m for m in members if m.status == MemberStatus.ACTIVE]
        n_pattern = max(4, self.n_cases // 30)
        kinds = ["harsh"] * n_pattern + ["lenient"] * n_pattern
        kinds += ["ordinary"] * max(0, self.n_cases - len(kinds))
        # Every open stage, and a dismissal, appear at least once; the rest are mostly closed history.
        forced = [*OPEN_STAGES, Stage.DISMISSED]
        plans = []
        for n, kind in enumerate(kinds):
            if kind == "harsh":
                plans.append(self._pattern_case(n, self.rng.choice(ordinary), HARSH_STORIES, "harsh", members))
            elif kind == "lenient":
                plans.append(self._pattern_case(n, self.rng.choice(senior), LENIENT_STORIES, "lenient", members))
            else:
                if forced:
                    target: Stage | None = forced.pop()
                elif self.national:
                    # Open only if received in the last year: the open caseload is a year's intake, not a decade's.
                    span = (self.today - self.earliest).days - 60
                    recent = self.rng.random() < min(1.0, RECENT.days / span)
                    target = self.rng.choice(OPEN_STAGES) if recent and self.rng.random() < OPEN_SHARE else None
                else:
                    target = self.rng.choice(OPEN_STAGES) if self.rng.random() < OPEN_SHARE else None
                plans.append(self._ordinary_case(n, self.rng.choice(anyone), target, members))
        plans.sort(key=lambda c: c.received_at)
        per_year: dict[int, int] = {}
        numbered = []
        for c in plans:
            year = c.received_at.year
            per_year[year] = per_year.get(year, 0) + 1
            numbered.append(CaseSpec(**{**c.__dict__, "reference": f"FH-{year}-{per_year[year]:05d}"}))
        return numbered

    def _complainant(self, respondent: MemberSpec, members: Sequence[MemberSpec], organisation: bool = False):
        roll = self.rng.random()
        if organisation or roll < 0.15:
            return ComplainantKind.ORGANISATION, None, "", ""
        if roll < 0.4:
            name = self.fake.name()
            return ComplainantKind.NON_MEMBER, None, name, f"{name.split()[0].lower()}@public.example.net"
        other = self.rng.choice(members)
        while other.number == respondent.number:
            other = self.rng.choice(members)
        return ComplainantKind.MEMBER, other.number, "", ""

    def _text(self, template: str) -> str:
        return template.format(party=self.rng.choice(RIVAL_PARTIES), band=self.rng.choice(BANDS), town=self.fake.city())

    def _received(self, days_needed: int) -> datetime:
        latest = self.today - timedelta(days=days_needed + 1)
        span = max(0, (latest - self.earliest).days - 60)
        return _at(self.earliest + timedelta(days=60 + self.rng.randrange(span + 1)), self.rng)

    def _pattern_case(
        self, n: int, respondent: MemberSpec, stories, pattern: str, members: Sequence[MemberSpec]
    ) -> CaseSpec:
        clause, template = self.rng.choice(stories)
        received = self._received(400)
        conduct = max(self.earliest, (received - timedelta(days=self.rng.randrange(3, 40))).date())
        allegation = AllegationSpec(clause, self._text(template), conduct)
        if pattern == "harsh":
            culpability, harm = "C", "3"
            sanction, months = "suspension", self.rng.choice([6, 12, 18])
            # No aggravating factor found, and none in the guidelines would take a retweet to suspension.
            aggravating, mitigating = (), ()
            reasons = "The panel considered that the post damaged the party."
            departure = "The post was seen by many members."
        else:
            culpability, harm = "A", self.rng.choice(["1", "2"])
            sanction, months = "no-action", None
            aggravating, mitigating = ("abuse-of-position",), ("no-previous-findings",)
            reasons = "The panel noted the respondent's long service to the party and took no further action."
            departure = "The respondent's long service to the party."
        # The departure reasons are on the record, as the rules require - and they are weak, as oversight will see.
        decision = replace(
            self._decision(culpability, harm, sanction, months, aggravating, mitigating, reasons),
            departure_reason=departure,
        )
        return self._walk(
            n,
            respondent,
            (allegation,),
            received,
            None,
            members,
            decision,
            pattern=pattern,
            long_suspension=pattern == "harsh",
            complainant_is_organisation=pattern == "harsh",
        )

    def _ordinary_case(
        self, n: int, respondent: MemberSpec, target: Stage | None, members: Sequence[MemberSpec]
    ) -> CaseSpec:
        weights = {"minor": 5, "moderate": 4, "serious": 3, "grave": 1}
        clause = self.rng.choices(self.rb.clauses, weights=[weights[c.seriousness] for c in self.rb.clauses])[0]
        clauses = [clause]
        if self.rng.random() < 0.15:
            second = self.rng.choice([c for c in self.rb.clauses if c.category == clause.category] or [clause])
            if second.id != clause.id:
                clauses.append(second)
        received = self._received(30 if target else 400)
        allegations = tuple(
            AllegationSpec(
                c.id,
                self._text(self.rng.choice(PARTICULARS[c.category])),
                max(self.earliest, (received - timedelta(days=self.rng.randrange(1, 60))).date()),
            )
            for c in clauses
        )
        seriousness = max((c.seriousness for c in clauses), key=self.rb.seriousness_rank)
        culpability, harm = self.rng.choice(ASSESSMENTS[seriousness])
        g = guideline(self.rb, culpability, harm)
        rank = self.rb.sanction_rank(g.starting_point)
        step = self.rng.choices([-1, 0, 1], weights=[15, 70, 15])[0]
        if target in (Stage.APPEAL_LODGED, Stage.APPEAL_DECIDED):
            step = max(step, 0)  # a case waiting on an appeal was sanctioned: nobody appeals "no action"
        low, high = self.rb.sanction_rank(g.lowest), self.rb.sanction_rank(g.highest)
        sanction = self.rb.sanctions[min(high, max(low, rank + step))].id
        aggravating = (self.rng.choice(self.rb.guidelines.aggravating).id,) if step > 0 else ()
        mitigating = (self.rng.choice(self.rb.guidelines.mitigating).id,) if step < 0 else ()
        months = self.rng.choice([3, 6, 12]) if self.rb.sanction(sanction).time_limited else None
        # Open cases are all still live on their allegations; some closed ones ended "not proven".
        proven = target is not None or self.rng.random() > 0.1
        if proven:
            reasons = (
                f"The panel found the allegation proven on the evidence. It assessed culpability as {culpability} "
                f"and harm as {harm}; the guideline starting point is {g.starting_point}"
                + (", adjusted for the factors recorded." if step else ", and nothing justified moving from it.")
            )
            decision = self._decision(culpability, harm, sanction, months, aggravating, mitigating, reasons)
        else:
            decision = DecisionSpec(
                kind=DecisionKind.FIRST_INSTANCE,
                body_kind="",
                decided_at=datetime.min.replace(tzinfo=UTC),
                sanction="no-action",
                proven=False,
                reasons="The panel found the allegation not proven: the evidence did not establish the conduct.",
            )
        return self._walk(n, respondent, allegations, received, target, members, decision)

    def _decision(self, culpability, harm, sanction, months, aggravating, mitigating, reasons) -> DecisionSpec:
        return DecisionSpec(
            kind=DecisionKind.FIRST_INSTANCE,
            body_kind="",
            decided_at=datetime.min.replace(tzinfo=UTC),
            sanction=sanction,
            proven=True,
            suspension_months=months,
            culpability=culpability,
            harm=harm,
            aggravating=tuple(aggravating),
            mitigating=tuple(mitigating),
            guideline=guideline(self.rb, culpability, harm),
            reasons=reasons,
        )

    def _path(self, target: Stage | None, pattern: str) -> tuple[list[Stage], str]:
        """The stages a case passes through, ending where it stands today, and how it closed."""
        if target is None:
            roll = self.rng.random()
            if not pattern and roll < 0.12:
                return [Stage.RECEIVED, Stage.TRIAGE, Stage.DISMISSED], "dismissed"
            if not pattern and roll < 0.15:
                cut = self.rng.randrange(2, 6)
                return [*FIRST_INSTANCE_PATH[:cut], Stage.CLOSED], "withdrawn"
            path = list(FIRST_INSTANCE_PATH)
            if self.rng.random() < 0.1:
                path[4] = Stage.RESPONSE_TIME_ELAPSED
            appealed = self.rng.random() < (0.35 if pattern == "harsh" else 0.15)
            return (path + APPEAL_PATH if appealed else [*path, Stage.CLOSED]), "decided"
        if target == Stage.DISMISSED:
            return [Stage.RECEIVED, Stage.TRIAGE, Stage.DISMISSED], "dismissed"
        full = (
            [*FIRST_INSTANCE_PATH[:4], target]
            if target == Stage.RESPONSE_TIME_ELAPSED
            else [*FIRST_INSTANCE_PATH, *APPEAL_PATH]
        )
        return full[: full.index(target) + 1], ""

    def _walk(
        self,
        n: int,
        respondent: MemberSpec,
        allegations: tuple[AllegationSpec, ...],
        received: datetime,
        target: Stage | None,
        members: Sequence[MemberSpec],
        decision: DecisionSpec,
        *,
        pattern: str = "",
        long_suspension: bool = False,
        complainant_is_organisation: bool = False,
    ) -> CaseSpec:
        rng, rb = self.rng, self.rb
        path, ending = self._path(target, pattern)
        if Stage.APPEAL_LODGED in path and target is None and rb.sanction_rank(decision.sanction) == 0:
            path = [*FIRST_INSTANCE_PATH, Stage.CLOSED]

        # Dates of each stage. Open cases are placed so that their current stage began recently.
        gaps = []
        for stage in path[:-1]:
            lo, hi = STAGE_DAYS[stage]
            if stage == Stage.INVESTIGATION and long_suspension:
                lo, hi = 120, 170  # the months-long "administrative suspension" of the pattern
            following = path[path.index(stage) + 1]
            if stage == Stage.NOTICE_ISSUED and following == Stage.RESPONSE_TIME_ELAPSED:
                lo = hi = rb.time_limits.respond_days + 1
            if stage == Stage.APPEAL_WINDOW and following == Stage.CLOSED:
                lo, hi = rb.time_limits.appeal_days + 1, rb.time_limits.appeal_days + 6
            gaps.append(rng.randint(lo, hi))
        if target is not None:
            latest_start = datetime.combine(self.today, time(9), tzinfo=UTC) - timedelta(days=sum(gaps))
            # Where a time limit runs (a response, an appeal), the stage began within it: the job has not yet acted.
            waiting = path[-1] in (Stage.NOTICE_ISSUED, Stage.DECIDED, Stage.APPEAL_WINDOW)
            moved = latest_start - timedelta(days=rng.randrange(1, 10 if waiting else 45))
            # The conduct keeps its distance from the complaint when the complaint is moved.
            allegations = tuple(
                replace(a, conduct_date=max(self.earliest, a.conduct_date + (moved.date() - received.date())))
                for a in allegations
            )
            received = moved
        elif self.national:
            # Received any time in the history, the last year included, as long as the case had time to close.
            latest = self.today - timedelta(days=sum(gaps) + 4)
            span = max(0, (latest - self.earliest).days - 60)
            moved = _at(self.earliest + timedelta(days=60 + rng.randrange(span + 1)), rng)
            allegations = tuple(
                replace(a, conduct_date=max(self.earliest, a.conduct_date + (moved.date() - received.date())))
                for a in allegations
            )
            received = moved
        stage_at = [received]
        for gap in gaps:
            stage_at.append(stage_at[-1] + timedelta(days=gap, minutes=rng.randrange(30, 300)))

        offices = respondent.offices_on(allegations[0].conduct_date)
        routing = route(rb, [a.clause for a in allegations], offices)
        transfers: list[TransferSpec] = []
        investigating_body = routing.body_id
        if pattern == "harsh" and Stage.INVESTIGATION in path:
            # The pattern: complaints found by monitoring are taken over centrally, whatever the rules routed.
            investigating_body = "complaints-unit"
            transfers.append(
                TransferSpec(
                    stage_at[path.index(Stage.INVESTIGATION)] - timedelta(hours=1),
                    investigating_body,
                    "Referred to the Central Complaints Unit at the request of the General Secretary's office.",
                )
            )
        # A body that cannot hold the hearing, or impose the outcome, passes the case to one that can.
        hearing_body = hearing_body_for(rb, investigating_body, decision.sanction)
        if Stage.HEARING in path and hearing_body != investigating_body:
            source_body, target = rb.body(investigating_body), rb.body(hearing_body)
            why = (
                f"{source_body.name} does not hold hearings"
                if not source_body.has(Power.HEAR)
                else f"the allegations could lead to {rb.sanction(decision.sanction).name.lower()}, which "
                f"{source_body.name} cannot impose"
            )
            transfers.append(
                TransferSpec(
                    stage_at[path.index(Stage.HEARING)] - timedelta(hours=1),
                    hearing_body,
                    f"Sent to {target.name}: {why}.",
                )
            )
        body_in_charge = transfers[-1].body if transfers else routing.body_id
        kind, c_member, c_name, c_email = self._complainant(respondent, members, complainant_is_organisation)
        source = (
            CaseSource.STAFF
            if kind == ComplainantKind.ORGANISATION
            else rng.choice([CaseSource.WEB_FORM, CaseSource.EMAIL, CaseSource.LETTER, CaseSource.REFERRAL])
        )

        events: list[EventSpec] = [
            EventSpec(
                received,
                EventKind.OPENED,
                self.staff["case_officer"],
                f"Complaint received ({CaseSource(source).label.lower()}).",
                "",
                Stage.RECEIVED,
            ),
            EventSpec(received, EventKind.ROUTED, self.staff["system"], routing.reason),
        ]
        decisions: list[DecisionSpec] = []
        sanction = ""
        prev_at = received
        for prev, stage, at in zip(path[:-1], path[1:], stage_at[1:], strict=True):
            summary = self._stage_summary(stage, ending)
            events += [
                EventSpec(t.at, EventKind.TRANSFERRED, self.staff["case_officer"], t.reason)
                for t in transfers
                if prev_at < t.at <= at
            ]
            prev_at = at
            events.append(EventSpec(at, EventKind.STAGE_CHANGED, self._actor(stage), summary, prev, stage))
            if stage == Stage.NOTICE_ISSUED:
                events.append(
                    EventSpec(
                        at,
                        EventKind.NOTICE_ISSUED,
                        self.staff["case_officer"],
                        "Notice of allegations and evidence sent to the respondent.",
                    )
                )
            elif stage == Stage.RESPONSE_RECEIVED:
                events.append(
                    EventSpec(
                        at,
                        EventKind.RESPONSE_RECEIVED,
                        respondent.name,
                        "The respondent answered the allegations in writing.",
                    )
                )
            elif stage == Stage.DECIDED:
                first = replace(decision, decided_at=at, body_kind=hearing_body)
                decisions.append(first)
                sanction = first.sanction
                events.append(
                    EventSpec(
                        at,
                        EventKind.DECISION_RECORDED,
                        "Hearing panel",
                        f"Decision: {rb.sanction(sanction).name}. {first.reasons}",
                    )
                )
            elif stage == Stage.APPEAL_LODGED:
                events.append(
                    EventSpec(
                        at,
                        EventKind.APPEAL_LODGED,
                        respondent.name,
                        "Appeal lodged on the ground that the sanction is disproportionate.",
                    )
                )
            elif stage == Stage.APPEAL_DECIDED:
                appeal = self._appeal(decisions[0], at, pattern)
                decisions.append(appeal)
                sanction = appeal.sanction
                events.append(
                    EventSpec(
                        at,
                        EventKind.APPEAL_DECIDED,
                        "Appeals panel",
                        f"{AppealResult(appeal.appeal_result).label}. {appeal.reasons}",
                    )
                )
            elif stage in (Stage.CLOSED, Stage.DISMISSED):
                events.append(EventSpec(at, EventKind.CLOSED, self.staff["case_officer"], summary))

        can_suspend = rb.body(investigating_body).has(Power.INTERIM_SUSPEND)
        suspensions = self._suspensions(path, stage_at, long_suspension, routing) if can_suspend else []
        for s in suspensions:
            events.append(
                EventSpec(
                    s.imposed_at,
                    EventKind.INTERIM_SUSPENSION_IMPOSED,
                    s.decision_maker,
                    f"Interim suspension imposed: {s.reasons} Review by {long_date(s.review_by)}.",
                )
            )
            if s.lifted_at:
                events.append(
                    EventSpec(
                        s.lifted_at,
                        EventKind.INTERIM_SUSPENSION_LIFTED,
                        s.decision_maker,
                        f"Interim suspension lifted: {s.lift_reason}",
                    )
                )
        evidence = self._evidence(path, stage_at, pattern)
        for e in evidence:
            events.append(
                EventSpec(
                    e.added_at, EventKind.EVIDENCE_ADDED, self.staff["investigator"], f"Evidence added: {e.description}"
                )
            )
        events.sort(key=lambda e: e.at)

        closed = path[-1] in (Stage.CLOSED, Stage.DISMISSED)
        return CaseSpec(
            reference=f"pending-{n}",
            respondent=respondent.number,
            complainant_kind=kind,
            complainant_member=c_member,
            complainant_name=c_name,
            complainant_email=c_email,
            source=source,
            received_at=received,
            routing=routing,
            body_kind=body_in_charge,
            transfers=tuple(transfers),
            respondent_offices=offices,
            allegations=allegations,
            stage=path[-1],
            stage_entered_at=stage_at[-1],
            events=tuple(events),
            decisions=tuple(decisions),
            suspensions=tuple(suspensions),
            evidence=tuple(evidence),
            outcome=sanction if closed or Stage.DECIDED in path else "",
            closed_at=stage_at[-1] if closed else None,
            pattern=pattern,
        )

    def _actor(self, stage: Stage) -> str:
        if stage in (Stage.DECIDED, Stage.HEARING):
            return "Hearing panel"
        if stage in (Stage.APPEAL_DECIDED,):
            return "Appeals panel"
        if stage == Stage.INVESTIGATION:
            return self.staff["investigator"]
        return self.staff["case_officer"]

    def _stage_summary(self, stage: Stage, ending: str) -> str:
        if stage == Stage.DISMISSED:
            return "Dismissed at triage: the conduct described would not breach the rules even if proven."
        if stage == Stage.CLOSED:
            return {"withdrawn": "The complainant withdrew the complaint; the case is closed."}.get(
                ending, "Case closed."
            )
        if stage == Stage.RESPONSE_TIME_ELAPSED:
            return "The time to respond to the notice elapsed without a response."
        return f"Moved to {stage.label.lower()}."

    def _appeal(self, first: DecisionSpec, at: datetime, pattern: str) -> DecisionSpec:
        rb = self.rb
        if pattern == "harsh":
            result = self.rng.choice([AppealResult.OVERTURNED, AppealResult.VARIED])
        else:
            result = self.rng.choices(
                [AppealResult.DISMISSED, AppealResult.VARIED, AppealResult.OVERTURNED], weights=[70, 20, 10]
            )[0]
        rank = rb.sanction_rank(first.sanction)
        if result == AppealResult.OVERTURNED:
            sanction, reasons = "no-action", "The appeals panel found the original decision could not stand."
        elif result == AppealResult.VARIED and rank > 0:
            sanction, reasons = rb.sanctions[rank - 1].id, "The appeals panel reduced the sanction as disproportionate."
        else:
            result = AppealResult.DISMISSED
            sanction, reasons = first.sanction, "The appeals panel found no ground made out."
        months = first.suspension_months if rb.sanction(sanction).time_limited else None
        return DecisionSpec(
            **{
                **first.__dict__,
                "kind": DecisionKind.APPEAL,
                "body_kind": rb.body(first.body_kind).appeals_to,
                "decided_at": at,
                "sanction": sanction,
                "suspension_months": months,
                "reasons": reasons,
                "appeal_result": result,
                "departure_reason": "",
            }
        )

    def _suspensions(
        self, path: list[Stage], stage_at: list[datetime], long_suspension: bool, routing: Routing
    ) -> list[SuspensionSpec]:
        if Stage.INVESTIGATION not in path:
            return []
        if not long_suspension and (routing.seriousness not in ("serious", "grave") or self.rng.random() > 0.3):
            return []
        start = stage_at[path.index(Stage.INVESTIGATION)] + timedelta(hours=2)
        review_days = self.rb.time_limits.interim_suspension_review_days
        ends_at = next((s for s in (Stage.DECIDED, Stage.CLOSED) if s in path), None)
        lifted = stage_at[path.index(ends_at)] if ends_at else None
        if long_suspension:
            reasons = "Suspended pending investigation given the public nature of the posts."
            lift = "Lifted on the decision."
        else:
            reasons = "The allegation is serious and witnesses are fellow branch members."
            lift = "Lifted: the risk to the investigation has passed."
        return [
            SuspensionSpec(
                imposed_at=start,
                decision_maker="Central Complaints Unit",
                criterion="risk to the investigation" if not long_suspension else "reputational risk",
                reasons=reasons,
                restricts="Holding office and attending party meetings.",
                review_by=(start + timedelta(days=review_days)).date(),
                lifted_at=lifted,
                lift_reason=lift if lifted else "",
            )
        ]

    def _evidence(self, path: list[Stage], stage_at: list[datetime], pattern: str) -> list[EvidenceSpec]:
        if Stage.INVESTIGATION not in path:
            return []
        at = stage_at[path.index(Stage.INVESTIGATION)]
        items = []
        for i in range(self.rng.randint(1, 3)):
            monitored = pattern == "harsh" and i == 0
            kind = self.rng.choice(
                [EvidenceKind.SCREENSHOT, EvidenceKind.DOCUMENT, EvidenceKind.EMAIL, EvidenceKind.WITNESS_STATEMENT]
            )
            if monitored:
                kind = EvidenceKind.SCREENSHOT
            provenance = (
                Provenance.MONITORING
                if monitored
                else self.rng.choice(
                    [
                        Provenance.COMPLAINANT,
                        Provenance.COMPLAINANT,
                        Provenance.STAFF_PUBLIC_SOURCE,
                        Provenance.INTERNAL_RECORD,
                    ]
                )
            )
            seed = hashlib.sha256(f"{self.seed}:{at.isoformat()}:{i}".encode()).digest()
            items.append(self._evidence_item(kind, provenance, monitored, seed, at + timedelta(hours=i + 1), path))
        if Stage.NOTICE_ISSUED not in path:
            # Still under investigation: a post from an anonymous account waits in the DPO's queue.
            seed = hashlib.sha256(f"{self.seed}:{at.isoformat()}:anonymous".encode()).digest()
            tag = seed.hex()[:8]
            items.append(
                EvidenceSpec(
                    kind=EvidenceKind.SCREENSHOT,
                    description="Screenshot of a post by an anonymous account the complainant believes is the "
                    "respondent's.",
                    provenance=Provenance.COMPLAINANT,
                    attribution=Attribution.ANONYMOUS,
                    added_at=at + timedelta(hours=4),
                    file_name=f"anonymous-{tag}.png",
                    content=files.png(seed),
                    source_url=f"https://social.example.net/anon/{tag}",
                    captured_at=at - timedelta(days=2),
                    captured_by="The complainant",
                    visibility=Visibility.PUBLIC,
                    lawful_basis=LAWFUL_BASIS,
                )
            )
        return items

    def _evidence_item(
        self, kind: str, provenance: str, monitored: bool, seed: bytes, added_at: datetime, path: list[Stage]
    ) -> EvidenceSpec:
        tag = seed.hex()[:8]
        when = added_at - timedelta(days=1)
        if kind == EvidenceKind.SCREENSHOT:
            # Online content records where it was, who captured it, when, and the legal condition relied on.
            return EvidenceSpec(
                kind=kind,
                description="Screenshot of the post complained of.",
                provenance=provenance,
                attribution=Attribution.VERIFIED if monitored else Attribution.ADMITTED,
                attribution_method="Display name and profile photo match the membership record."
                if monitored
                else "Admitted by the respondent in interview.",
                added_at=added_at,
                file_name=f"screenshot-{tag}.png",
                content=files.png(seed),
                source_url=f"https://social.example.net/post/{tag}",
                captured_at=when,
                captured_by={
                    Provenance.MONITORING: "Social media monitoring team",
                    Provenance.COMPLAINANT: "The complainant",
                }.get(provenance, "Case officer"),
                visibility=Visibility.PUBLIC,
                lawful_basis=LAWFUL_BASIS,
                # The harsh pattern: monitoring evidence, admitted before the notice went out.
                admit_reason="Public post; within the impact assessment for monitoring during selections."
                if monitored and Stage.NOTICE_ISSUED in path
                else "",
            )
        if kind == EvidenceKind.EMAIL:
            return EvidenceSpec(
                kind=kind,
                description="Email from the complainant describing the incident.",
                provenance=provenance,
                attribution=Attribution.NOT_APPLICABLE,
                added_at=added_at,
                file_name="complaint.eml",
                content=files.email(
                    "complainant@example.org",
                    "complaints@example.org",
                    when.strftime("%a, %d %b %Y %H:%M:%S +0000"),
                    f"Complaint {tag}",
                    "I write to complain about what happened at the branch meeting.",
                ),
            )
        title = "Minutes of the meeting" if kind == EvidenceKind.DOCUMENT else "Witness statement"
        return EvidenceSpec(
            kind=kind,
            description="Minutes of the meeting concerned."
            if kind == EvidenceKind.DOCUMENT
            else "Statement of a member who was present.",
            provenance=provenance,
            attribution=Attribution.NOT_APPLICABLE,
            added_at=added_at,
            file_name="minutes.pdf" if kind == EvidenceKind.DOCUMENT else "statement.pdf",
            content=files.pdf(title, [f"Reference {tag}", f"Written {when:%d %B %Y}."]),
        )


def plan_demo(rulebook: Rulebook, *, seed: int = 1, today: date, members: int = 5000, cases: int = 300) -> DemoPlan:
    if members < 100:
        raise ValueError("the demo needs at least 100 members")
    if cases < 20:
        raise ValueError("the demo needs at least 20 cases, to show every stage and the pattern")
    if today < rulebook.effective_from + MINIMUM_HISTORY:
        raise ValueError(
            f"the demo's history runs under rulebook {rulebook.version}, in force from "
            f"{long_date(rulebook.effective_from)}: the date it runs up to must be on or after "
            f"{long_date(rulebook.effective_from + MINIMUM_HISTORY)}"
        )
    planner = _Planner(rulebook, seed, today, members, cases)
    branches = planner.branches()
    member_specs = planner.members(branches)
    case_specs = planner.cases(member_specs)
    return DemoPlan(
        seed=seed,
        today=today,
        regions=tuple(REGIONS),
        branches=tuple(branches),
        members=_statuses_after(rulebook, member_specs, case_specs, today),
        cases=tuple(case_specs),
    )


def _statuses_after(
    rulebook: Rulebook, members: Sequence[MemberSpec], cases: Sequence[CaseSpec], today: date
) -> tuple[MemberSpec, ...]:
    """Members' status as their cases left it: expelled, or suspended while a sanction or interim suspension runs."""
    status: dict[str, str] = {}
    for case in sorted(cases, key=lambda c: c.received_at):
        final = case.decisions[-1] if case.decisions and case.stage == Stage.CLOSED else None
        if final and final.sanction == rulebook.sanctions[-1].id:
            status[case.respondent] = MemberStatus.EXPELLED
        elif status.get(case.respondent) == MemberStatus.EXPELLED:
            continue
        elif (
            final
            and final.suspension_months
            and (final.decided_at.date() + timedelta(days=30 * final.suspension_months) > today)
        ) or any(s.lifted_at is None for s in case.suspensions):
            status[case.respondent] = MemberStatus.SUSPENDED
    return tuple(replace(m, status=status[m.number]) if m.number in status else m for m in members)
