"""Synthetic case histories with a known truth, to test and benchmark the analytics.

A history looks like years of decisions under the example rulebook (`rulebooks/example-party.toml`): complaints
arrive in nine regions, are routed to a body by the rulebook's jurisdiction rules, some are dismissed at triage,
the rest are heard, and proven cases are sanctioned from the guideline grid, moved a step by the aggravating and
mitigating factors the panel found, and now and then a step for no recorded reason (panels are not
deterministic). On top of that ordinary history two kinds of unfairness can be planted, and are returned with
the records so a test can score the detector against them:

- **injected outliers**: a share of proven decisions moved three or more steps from what their facts warrant,
  with no factor or reason recorded that explains it;
- **a bias**: a share of one group's proven decisions moved a step (or more) harsher or more lenient - a
  disparity between groups that mostly stays inside the guideline ranges, so it shows in group comparisons and
  not as single outliers.

The rulebook's tables (sanctions, clauses, grid, factors, bodies) are written out here rather than read from the
file: the analytics are pure and installed without the repository's `rulebooks/` folder, and
`tests/analytics/test_synthetic.py` checks these tables against the example rulebook so they cannot drift.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from fairhearing.analytics.records import CaseRecord, DecisionRecord, Scale

# --- The example rulebook, as the generator needs it -----------------------------------------------------------

SANCTIONS: tuple[tuple[str, str], ...] = (
    ("no-action", "No further action"),
    ("advice", "Advice"),
    ("warning", "Warning"),
    ("final-warning", "Final warning"),
    ("suspension", "Suspension from membership"),
    ("expulsion", "Expulsion"),
)
SCALE = Scale(
    sanctions=tuple(s for s, _ in SANCTIONS),
    names=tuple(n for _, n in SANCTIONS),
    suspension_from=4,
    expulsion=5,
)
EXPULSION = SCALE.expulsion
SERIOUSNESS = ("minor", "moderate", "serious", "grave")
MINOR, MODERATE, SERIOUS, GRAVE = range(4)

# Clause id -> (category, seriousness rank, relative frequency). Frequencies are a judgement of how often each
# kind of complaint is made: rude posts and meeting rows are common, fraud and expulsion-level abuse rare.
CLAUSES: dict[str, tuple[str, int, float]] = {
    "2.1": ("abuse", MINOR, 14.0),
    "2.2": ("abuse", SERIOUS, 6.0),
    "2.3": ("abuse", GRAVE, 1.0),
    "2.4": ("harassment", SERIOUS, 4.0),
    "2.5": ("harassment", GRAVE, 0.7),
    "2.6": ("harassment", SERIOUS, 2.0),
    "3.1": ("discrimination", GRAVE, 1.5),
    "3.2": ("discrimination", SERIOUS, 4.0),
    "4.1": ("loyalty", SERIOUS, 4.0),
    "4.2": ("loyalty", GRAVE, 1.2),
    "4.3": ("loyalty", GRAVE, 1.0),
    "4.4": ("loyalty", MINOR, 10.0),
    "5.1": ("disrepute", SERIOUS, 5.0),
    "5.2": ("confidentiality", SERIOUS, 2.0),
    "5.3": ("disrepute", GRAVE, 1.0),
    "6.1": ("data", SERIOUS, 2.0),
    "6.2": ("confidentiality", MODERATE, 3.0),
    "6.3": ("confidentiality", SERIOUS, 1.5),
    "7.1": ("electoral", GRAVE, 0.6),
    "7.2": ("electoral", SERIOUS, 2.0),
    "7.3": ("electoral", MODERATE, 3.0),
    "8.1": ("finance", GRAVE, 0.6),
    "8.2": ("integrity", SERIOUS, 1.5),
    "8.3": ("integrity", MODERATE, 3.0),
    "8.4": ("meetings", MINOR, 10.0),
}
CULPABILITY = ("A", "B", "C")
HARM = ("1", "2", "3")
# (culpability, harm) -> (starting point, lowest, highest) as sanction ids, exactly as in [[guidelines.grid]].
GRID: dict[tuple[str, str], tuple[str, str, str]] = {
    ("A", "1"): ("expulsion", "suspension", "expulsion"),
    ("A", "2"): ("suspension", "final-warning", "expulsion"),
    ("A", "3"): ("final-warning", "warning", "suspension"),
    ("B", "1"): ("suspension", "final-warning", "expulsion"),
    ("B", "2"): ("final-warning", "warning", "suspension"),
    ("B", "3"): ("warning", "advice", "final-warning"),
    ("C", "1"): ("final-warning", "warning", "suspension"),
    ("C", "2"): ("warning", "advice", "final-warning"),
    ("C", "3"): ("advice", "no-action", "warning"),
}
AGGRAVATING = (
    "previous-findings",
    "abuse-of-position",
    "targeted-vulnerable",
    "repeated-conduct",
    "protected-characteristic",
    "public-platform",
    "ignored-warning",
)
MITIGATING = (
    "early-admission",
    "genuine-remorse",
    "no-previous-findings",
    "isolated-incident",
    "provocation",
    "health-or-circumstances",
    "corrected-promptly",
)
OFFICES = ("mp", "national-officer", "councillor", "candidate", "branch-officer")
SENIOR_OFFICES = frozenset({"mp", "national-officer"})
# Bodies that may hear cases, and whether they may expel (only the Constitutional Committee may).
CONSTITUTIONAL, NATIONAL, UNIT, REGIONAL, BRANCH = (
    "constitutional-committee",
    "national-disputes-panel",
    "complaints-unit",
    "regional-office",
    "branch-executive",
)
HEARING_BODIES = (CONSTITUTIONAL, NATIONAL, REGIONAL, BRANCH)

# --- The organisation ----------------------------------------------------------------------------------------

# Regions of very different sizes, as in life: a bias against a small region must still be findable.
REGIONS: tuple[tuple[str, float], ...] = (
    ("north-east", 0.08),
    ("north-west", 0.13),
    ("yorkshire", 0.10),
    ("east-midlands", 0.09),
    ("west-midlands", 0.10),
    ("east", 0.10),
    ("london", 0.16),
    ("south-east", 0.15),
    ("south-west", 0.09),
)
SPECIAL_GROUPS: tuple[tuple[str, float], ...] = (
    ("group-a", 0.40),
    ("group-b", 0.30),
    ("group-c", 0.20),
    ("group-d", 0.10),
)
SPECIAL_DECLARED = 0.6
OFFICE_HOLDERS = 0.10
# Among office holders: most are branch officers and councillors; Members of Parliament and national officers
# are a small share, so senior respondents are a few dozen cases in a few thousand.
OFFICE_MIX: tuple[tuple[str, float], ...] = (
    ("branch-officer", 0.42),
    ("councillor", 0.30),
    ("candidate", 0.13),
    ("mp", 0.08),
    ("national-officer", 0.07),
)
SECOND_OFFICE = 0.10


def _chairs() -> dict[tuple[str, str], tuple[str, ...]]:
    """(hearing body, region or "") -> the chairs who decide its cases: 40 in all, fixed so tests can name one.

    National bodies have one pool; regional offices two chairs per region; branch executives one or two per
    region. The numbering does not depend on the seed.
    """
    names = iter(f"Chair {n:02d}" for n in range(1, 100))
    pools: dict[tuple[str, str], tuple[str, ...]] = {
        (CONSTITUTIONAL, ""): tuple(next(names) for _ in range(3)),
        (NATIONAL, ""): tuple(next(names) for _ in range(6)),
    }
    for region, _ in REGIONS:
        pools[(REGIONAL, region)] = (next(names), next(names))
    for i, (region, _) in enumerate(REGIONS):
        pools[(BRANCH, region)] = (next(names), next(names)) if i < 4 else (next(names),)
    return pools


CHAIRS = _chairs()

# --- What the particulars say --------------------------------------------------------------------------------

# Small phrase banks per conduct category, so that like cases share words and text similarity carries signal,
# while each case's particulars still differ.
CATEGORY_PHRASES: dict[str, tuple[str, ...]] = {
    "abuse": (
        "posted personal insults about a fellow member",
        "called a volunteer names at a street stall",
        "used offensive and abusive language in the branch group chat",
        "sent an insulting message calling another member a liar and a fool",
        "swore at a member who disagreed with them",
        "shouted abuse at a canvasser outside the polling station",
        "posted a stream of offensive replies under a member's post",
        "threatened to hurt a member who had criticised them",
    ),
    "harassment": (
        "repeatedly contacted a fellow member after being asked to stop",
        "made unwanted comments about a member's appearance",
        "sent unwanted late-night messages to a younger member",
        "followed a member home after a branch social event",
        "bullied a new volunteer and excluded them from campaign sessions",
        "kept messaging a member's family about a branch dispute",
        "made unwelcome sexual remarks to a member at a regional conference",
        "intimidated a member into withdrawing a complaint",
    ),
    "discrimination": (
        "made derogatory remarks about a member's religion",
        "shared material mocking disabled people",
        "used a racial slur about a councillor",
        "posted antisemitic conspiracy material",
        "refused to canvass with a member because of her ethnicity",
        "made homophobic jokes at a branch meeting",
        "shared a meme demeaning migrants and refugees",
        "said women should not stand for selection",
    ),
    "loyalty": (
        "publicly endorsed an independent candidate standing against the party",
        "delivered leaflets for a rival party during the campaign",
        "retweeted a rival party councillor's post without comment",
        "spoke as a guest at a rival party conference",
        "joined another political party while still a member",
        "stood as a candidate against the party's endorsed candidate",
        "shared a rival candidate's campaign video",
        "urged voters on a doorstep to back a rival party",
    ),
    "disrepute": (
        "made inflammatory remarks on local radio that were widely reported",
        "behaved aggressively at a public hustings, filmed and shared widely",
        "was reported in the press for drunken conduct at a party event",
        "posted a joke about a national tragedy that drew public outrage",
        "gave a television interview ridiculing party policy",
        "was convicted of an offence that attracted national headlines",
        "wore party colours while heckling at a protest that turned violent",
        "posted a vulgar video that was picked up by newspapers",
    ),
    "confidentiality": (
        "forwarded minutes of a confidential executive meeting outside the party",
        "disclosed details of a member's complaint to the local press",
        "briefed a journalist on confidential executive discussions",
        "leaked a private selection report to a blog",
        "shared the name of a complainant on social media",
        "passed confidential disciplinary papers to the respondent's friends",
        "revealed the contents of a confidential legal advice",
        "published private emails between executive members",
    ),
    "data": (
        "downloaded the membership list and used it for a personal business mailing",
        "shared canvassing data with a campaign outside the party",
        "kept a copy of the membership database after leaving office",
        "emailed the full membership spreadsheet to the wrong list",
        "used canvass records to contact voters for a private campaign",
        "exported member contact details without authorisation",
        "left printed membership records in a public place",
        "gave the membership list of the branch to a rival group",
    ),
    "electoral": (
        "submitted nomination papers with signatures that had not been given",
        "pressured members to vote for a particular candidate in the selection",
        "recruited paper members to sway an internal ballot",
        "tampered with postal ballot papers in the selection",
        "misreported campaign spending on the election return",
        "handed out ballot papers already marked",
        "canvassed inside the count hall in breach of the rules",
        "offered favours in return for votes in the selection",
    ),
    "finance": (
        "failed to account for branch funds raised at a fundraising dinner",
        "claimed expenses for events that did not take place",
        "paid branch money into a personal bank account",
        "accepted a donation from an impermissible donor",
        "spent campaign funds on personal travel",
        "forged receipts for branch expenditure",
        "did not declare a payment from a developer",
        "took cash from the raffle takings",
    ),
    "integrity": (
        "refused to provide documents requested by the investigation",
        "told a witness not to speak to the investigator",
        "made a complaint against another member that was knowingly false",
        "published the investigation report before the hearing",
        "pressured a panel member to drop the case",
        "deleted messages the investigation had asked to be kept",
        "gave a false account to the investigator",
        "encouraged members to make malicious counter-complaints",
    ),
    "meetings": (
        "repeatedly interrupted and shouted over the chair at the branch meeting",
        "refused to leave the chair's table after being ruled out of order",
        "disrupted the annual general meeting by heckling speakers",
        "walked out of the meeting taking the minute book",
        "filmed a closed meeting without consent",
        "swore at the secretary during the branch meeting",
        "blocked the doorway to stop members leaving the meeting",
        "turned off the projector to stop a presentation",
    ),
}
CULPABILITY_PHRASES: dict[str, tuple[str, ...]] = {
    "A": ("deliberately and after planning it", "as a calculated act aimed at a particular person"),
    "B": ("knowingly, though without planning", "recklessly, not caring about the effect"),
    "C": ("carelessly, in the heat of the moment", "impulsively, as a misjudgement"),
}
HARM_PHRASES: dict[str, tuple[str, ...]] = {
    "1": ("causing serious and lasting distress", "causing serious public damage to the party"),
    "2": ("causing real but limited distress", "causing noticeable but short-lived damage"),
    "3": ("causing little or no harm", "with harm quickly and fully put right"),
}
FACTOR_PHRASES: dict[str, str] = {
    "previous-findings": "The respondent had a previous finding for similar conduct.",
    "abuse-of-position": "The respondent used their office to do it.",
    "targeted-vulnerable": "The person affected was young and new to the party.",
    "repeated-conduct": "The conduct was repeated over several months.",
    "protected-characteristic": "It showed hostility to a protected characteristic.",
    "public-platform": "It was done on a public platform with thousands of followers.",
    "ignored-warning": "The respondent carried on after being warned.",
    "early-admission": "The respondent admitted it at once.",
    "genuine-remorse": "The respondent apologised without being asked.",
    "no-previous-findings": "The respondent had no previous findings.",
    "isolated-incident": "It was an isolated incident, out of character.",
    "provocation": "The respondent had been provoked by abuse.",
    "health-or-circumstances": "The respondent was unwell at the time.",
    "corrected-promptly": "The respondent deleted the post within the hour.",
}
PLACES = ("online", "at a branch meeting", "at a street stall", "in the press", "at a regional event", "by email")
DEPARTURE_REASONS = (
    "The panel gave particular weight to the respondent's conduct during the investigation.",
    "The panel found the factors taken together justified a sanction outside the range.",
    "The panel took account of the respondent's circumstances, set out in the reasons.",
)

# --- How cases go ---------------------------------------------------------------------------------------------

# P(culpability A, B, C) and P(harm 1, 2, 3) given seriousness (minor, moderate, serious, grave): a panel finds
# grave conduct mostly deliberate and harmful, minor conduct mostly careless and harmless.
CULPABILITY_GIVEN_SERIOUSNESS = ((0.10, 0.30, 0.60), (0.20, 0.45, 0.35), (0.25, 0.50, 0.25), (0.50, 0.35, 0.15))
HARM_GIVEN_SERIOUSNESS = ((0.05, 0.25, 0.70), (0.15, 0.45, 0.40), (0.20, 0.55, 0.25), (0.50, 0.35, 0.15))
# Minor complaints are dismissed at triage more often; together about 12% of all cases.
DISMISSED_GIVEN_SERIOUSNESS = (0.20, 0.14, 0.10, 0.06)
NOT_PROVEN = 0.08
SECOND_CLAUSE = 0.2
FACTOR_COUNTS = {"aggravating": (0.55, 0.33, 0.12), "mitigating": (0.50, 0.35, 0.15)}
# A share of decisions move a step up or down for no recorded factor: the ordinary noise of human panels.
NOISE = 0.10
# Median days from complaint to decision, by hearing body; national and constitutional hearings take longer.
MEDIAN_DAYS = {BRANCH: 60.0, REGIONAL: 120.0, NATIONAL: 150.0, CONSTITUTIONAL: 200.0}
DAYS_SPREAD = 0.5
MAX_DAYS = 365
BIAS_ATTRIBUTES = ("region", "body", "decision_maker", "senior_office", "special")


@dataclass(frozen=True)
class Bias:
    """Move a share of one group's proven decisions `steps` along the scale (positive = harsher).

    attribute: "region", "body" (the hearing body), "decision_maker", "senior_office" (group "senior": the
    respondent holds a senior office, or "other") or "special" (the self-declared attribute).
    """

    attribute: str
    group: str
    steps: int
    share: float

    def __post_init__(self) -> None:
        if self.attribute not in BIAS_ATTRIBUTES:
            raise ValueError(f"unknown bias attribute {self.attribute!r}; one of {', '.join(BIAS_ATTRIBUTES)}")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError(f"bias share must be between 0 and 1, not {self.share}")


@dataclass(frozen=True)
class SyntheticHistory:
    records: list[CaseRecord]
    scale: Scale
    injected: dict[str, str]  # case ref -> "harsh" or "lenient"
    bias: Bias | None
    end: date  # nothing in the history happens on or after this day
    biased: frozenset[str] = frozenset()  # the refs the bias actually moved

    @property
    def decided(self) -> list[CaseRecord]:
        return [r for r in self.records if r.decision is not None]


def synthetic_history(
    cases: int,
    *,
    seed: int,
    outlier_share: float = 0.0,
    bias: Bias | None = None,
    start: date = date(2016, 1, 1),
    years: int = 10,
) -> SyntheticHistory:
    """`cases` complaints received from `start` over `years` years, each concluded before the end of the period.

    The same arguments always give the same history.
    """
    if cases < 0:
        raise ValueError("the number of cases cannot be negative")
    if not 0.0 <= outlier_share <= 0.5:
        raise ValueError(f"outlier_share must be between 0 and 0.5, not {outlier_share}")
    if years < 2:
        raise ValueError("a history needs at least two years, so that every case can be concluded within it")
    end = date(start.year + years, start.month, start.day)
    draw = _Stream(seed)
    drafts = [_Draft.new(i, draw, start, end) for i in range(cases)]
    biased = _apply_bias(drafts, bias, draw)
    injected = _inject_outliers(drafts, outlier_share, draw)
    records = [d.record(draw) for d in drafts]
    return SyntheticHistory(records, SCALE, injected, bias, end, frozenset(biased))


# --- The generator -------------------------------------------------------------------------------------------


class _Stream:
    """Random draws from one seeded numpy Generator, fetched in blocks.

    A case is generated by a Python loop with a dozen draws; a numpy call per draw would cost more than all the
    rest, so uniforms and normals come from blocks and are handed out one at a time.
    """

    BLOCK = 1 << 15

    def __init__(self, seed: int):
        self._rng = np.random.default_rng(seed)
        self._uniforms: list[float] = []
        self._normals: list[float] = []

    def uniform(self) -> float:
        if not self._uniforms:
            self._uniforms = self._rng.random(self.BLOCK).tolist()
        return self._uniforms.pop()

    def normal(self) -> float:
        if not self._normals:
            self._normals = self._rng.standard_normal(self.BLOCK).tolist()
        return self._normals.pop()

    def chance(self, p: float) -> bool:
        return self.uniform() < p

    def below(self, n: int) -> int:
        return min(int(self.uniform() * n), n - 1)

    def one_of[T](self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def index(self, weights: Sequence[float]) -> int:
        """An index drawn with probability proportional to its weight."""
        cumulative = list(itertools.accumulate(weights))
        return min(bisect.bisect_right(cumulative, self.uniform() * cumulative[-1]), len(weights) - 1)

    def weighted(self, items: Sequence[tuple[str, float]]) -> str:
        return items[self.index([w for _, w in items])][0]

    def sample[T](self, items: Sequence[T], n: int) -> list[T]:
        """n distinct items, without replacement (a partial Fisher-Yates shuffle)."""
        pool = list(items)
        for i in range(min(n, len(pool))):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[: min(n, len(pool))]


_CLAUSE_IDS = tuple(CLAUSES)
_CLAUSE_WEIGHTS = tuple(w for _, _, w in CLAUSES.values())
_RANK = {s: i for i, s in enumerate(SCALE.sanctions)}


@dataclass
class _Draft:
    """One case while it is generated; mutable so that bias and outliers can move its sanction afterwards."""

    ref: str
    received_on: date
    region: str
    clauses: tuple[str, ...]
    seriousness: int
    offices: frozenset[str]
    special: str | None
    body: str
    dismissed: bool
    proven: bool = False
    culpability: str = ""
    harm: str = ""
    aggravating: tuple[str, ...] = ()
    mitigating: tuple[str, ...] = ()
    start: int = 0
    lowest: int = 0
    highest: int = 0
    warranted: int = 0  # what the facts and factors call for, before noise
    severity: int = 0
    hearing_body: str = ""
    chair: str = ""
    explained: bool = True  # False once moved by something no factor or reason accounts for

    @property
    def senior(self) -> bool:
        return bool(self.offices & SENIOR_OFFICES)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(CLAUSES[c][0] for c in self.clauses)

    @classmethod
    def new(cls, i: int, draw: _Stream, start: date, end: date) -> _Draft:
        first = _CLAUSE_IDS[draw.index(_CLAUSE_WEIGHTS)]
        clauses = [first]
        if draw.chance(SECOND_CLAUSE):
            # A second allegation is usually of the same kind of conduct (insults and a meeting row together).
            same = [c for c in _CLAUSE_IDS if CLAUSES[c][0] == CLAUSES[first][0] and c != first]
            pool = same if same and draw.chance(0.6) else [c for c in _CLAUSE_IDS if c != first]
            clauses.append(pool[draw.index([CLAUSES[c][2] for c in pool])])
        offices: set[str] = set()
        if draw.chance(OFFICE_HOLDERS):
            offices.add(draw.weighted(OFFICE_MIX))
            if draw.chance(SECOND_OFFICE):
                offices.add(draw.weighted(OFFICE_MIX))
        special = draw.weighted(SPECIAL_GROUPS) if draw.chance(SPECIAL_DECLARED) else None
        seriousness = max(CLAUSES[c][1] for c in clauses)
        # Complaints arrive evenly over the period, early enough that every one is concluded within it.
        span = (end - start).days - MAX_DAYS - 1
        draft = cls(
            ref=f"SYN-{i + 1:06d}",
            received_on=start + timedelta(days=draw.below(span)),
            region=draw.weighted(REGIONS),
            clauses=tuple(sorted(clauses)),
            seriousness=seriousness,
            offices=frozenset(offices),
            special=special,
            body="",
            dismissed=draw.chance(DISMISSED_GIVEN_SERIOUSNESS[seriousness]),
        )
        draft.body = _route(draft)
        if not draft.dismissed:
            draft.decide(draw)
        return draft

    def decide(self, draw: _Stream) -> None:
        self.proven = not draw.chance(NOT_PROVEN)
        if self.proven:
            self.culpability = CULPABILITY[draw.index(CULPABILITY_GIVEN_SERIOUSNESS[self.seriousness])]
            self.harm = HARM[draw.index(HARM_GIVEN_SERIOUSNESS[self.seriousness])]
            self.aggravating = self._factors(draw, AGGRAVATING, "aggravating")
            self.mitigating = self._factors(draw, MITIGATING, "mitigating")
            start, lowest, highest = GRID[(self.culpability, self.harm)]
            self.start, self.lowest, self.highest = _RANK[start], _RANK[lowest], _RANK[highest]
            # The panel moves one step from the starting point for the balance of the factors it found.
            step = max(-1, min(1, len(self.aggravating) - len(self.mitigating)))
            self.warranted = max(0, min(EXPULSION, self.start + step))
        # The hearing body is settled before the hearing from what the case is about: the complaints unit
        # cannot hear, so its cases go to the national panel, and a body that cannot expel passes a case whose
        # facts call for expulsion to the Constitutional Committee, as the rulebook requires.
        self.hearing_body = NATIONAL if self.body == UNIT else self.body
        if self.warranted == EXPULSION:
            self.hearing_body = CONSTITUTIONAL
        self.chair = self._chair(draw)
        severity = self.warranted
        if self.proven and draw.chance(NOISE):
            severity += 1 if draw.chance(0.5) else -1
        self.severity = self._within_powers(severity)

    def _factors(self, draw: _Stream, ids: tuple[str, ...], kind: str) -> tuple[str, ...]:
        n = draw.index(FACTOR_COUNTS[kind])
        return tuple(sorted(draw.sample([f for f in ids if self._factor_fits(f)], n)))

    def _factor_fits(self, factor: str) -> bool:
        # Some factors only make sense for some cases: only an office holder can abuse a position, and hostility
        # to a protected characteristic belongs to abuse, harassment and discrimination.
        if factor == "abuse-of-position":
            return bool(self.offices)
        if factor == "protected-characteristic":
            return bool(self.categories & {"abuse", "harassment", "discrimination"})
        return True

    def _chair(self, draw: _Stream) -> str:
        return draw.one_of(CHAIRS.get((self.hearing_body, ""), CHAIRS.get((self.hearing_body, self.region), ())))

    def _within_powers(self, severity: int) -> int:
        # Only the Constitutional Committee can expel; any other panel's harshest sanction is suspension.
        cap = EXPULSION if self.hearing_body == CONSTITUTIONAL else EXPULSION - 1
        return max(0, min(cap, severity))

    def move_to(self, severity: int, draw: _Stream, *, transfer: bool) -> None:
        """An unexplained move. With `transfer`, a move to expulsion passes the case to the Constitutional
        Committee and its chair; without, a panel that cannot expel stops at its harshest sanction."""
        if transfer and severity >= EXPULSION and self.hearing_body != CONSTITUTIONAL:
            self.hearing_body = CONSTITUTIONAL
            self.chair = self._chair(draw)
        self.severity = self._within_powers(severity)
        self.explained = False

    def in_group(self, bias: Bias) -> bool:
        value = {
            "region": self.region,
            "body": self.hearing_body,
            "decision_maker": self.chair,
            "senior_office": "senior" if self.senior else "other",
            "special": self.special,
        }[bias.attribute]
        return value == bias.group

    def record(self, draw: _Stream) -> CaseRecord:
        decision = None
        dismissed_on = None
        if self.dismissed:
            dismissed_on = self.received_on + timedelta(days=5 + draw.below(41))
        else:
            days = MEDIAN_DAYS[self.hearing_body] * math.exp(DAYS_SPREAD * draw.normal())
            decided_on = self.received_on + timedelta(days=max(14, min(MAX_DAYS, int(days))))
            outside = self.proven and not self.lowest <= self.severity <= self.highest
            # Panels that go outside the guideline range give written reasons, as the rulebook requires; an
            # unexplained move (an injected outlier, a biased panel) is exactly the departure that has none.
            reason = draw.one_of(DEPARTURE_REASONS) if outside and self.explained else ""
            decision = DecisionRecord(
                decided_on=decided_on,
                body=self.hearing_body,
                decision_maker=self.chair,
                proven=self.proven,
                sanction=SCALE.sanctions[self.severity],
                severity=self.severity,
                culpability=self.culpability,
                harm=self.harm,
                aggravating=frozenset(self.aggravating),
                mitigating=frozenset(self.mitigating),
                guideline_start=self.start if self.proven else None,
                guideline_lowest=self.lowest if self.proven else None,
                guideline_highest=self.highest if self.proven else None,
                departure_reason=reason,
            )
        return CaseRecord(
            ref=self.ref,
            received_on=self.received_on,
            body=self.body,
            region=self.region,
            clauses=self.clauses,
            categories=self.categories,
            seriousness=self.seriousness,
            text=self._text(draw),
            offices=self.offices,
            senior=self.senior,
            dismissed_at_triage=self.dismissed,
            dismissed_on=dismissed_on,
            decision=decision,
            special=self.special,
        )

    def _text(self, draw: _Stream) -> str:
        parts = []
        for clause in self.clauses:
            what = draw.one_of(CATEGORY_PHRASES[CLAUSES[clause][0]])
            parts.append(f"It is alleged that the respondent {what} {draw.one_of(PLACES)}.")
        if self.proven:
            # The panel's findings are part of the particulars on record, so like facts read alike.
            how = draw.one_of(CULPABILITY_PHRASES[self.culpability])
            harm = draw.one_of(HARM_PHRASES[self.harm])
            parts.append(f"The panel found the respondent acted {how}, {harm}.")
            parts.extend(FACTOR_PHRASES[f] for f in (*self.aggravating, *self.mitigating))
        return " ".join(parts)


def _route(draft: _Draft) -> str:
    """The body in charge under the example rulebook's jurisdiction rules, tried in order."""
    if draft.seriousness >= GRAVE:
        return CONSTITUTIONAL
    if draft.senior:
        return NATIONAL
    if draft.categories & {"discrimination", "harassment"}:
        return UNIT
    if draft.categories & {"data", "confidentiality", "electoral", "finance"}:
        return NATIONAL
    if draft.seriousness >= SERIOUS:
        return REGIONAL
    if draft.offices & {"councillor", "candidate"}:
        return REGIONAL
    return BRANCH


def _apply_bias(drafts: list[_Draft], bias: Bias | None, draw: _Stream) -> list[str]:
    if bias is None or bias.steps == 0:
        return []
    moved = []
    for d in drafts:
        if d.proven and d.in_group(bias) and draw.chance(bias.share):
            before = d.severity
            # A biased panel stays the panel that decides: it goes as far as its powers allow, no further.
            d.move_to(d.severity + bias.steps, draw, transfer=False)
            if d.severity != before:
                moved.append(d.ref)
    return moved


def _inject_outliers(drafts: list[_Draft], share: float, draw: _Stream) -> dict[str, str]:
    """Move `share` of proven decisions three or more steps from what their facts warrant, about half each way.

    Only cases the bias left alone are used, so the truth stays clean; a case is moved harsher only if its
    warranted sanction is low enough to go three steps up the scale, lenient only if high enough to go down.
    """
    count = round(share * sum(d.proven for d in drafts))
    candidates = [d for d in drafts if d.proven and d.explained]
    harsh_pool = [d for d in candidates if d.warranted + 3 <= EXPULSION]
    lenient_pool = [d for d in candidates if d.warranted - 3 >= 0]
    harsh = min(sum(draw.chance(0.5) for _ in range(count)), len(harsh_pool))
    lenient = min(count - harsh, len(lenient_pool))
    injected: dict[str, str] = {}
    for pool, n, direction in ((harsh_pool, harsh, "harsh"), (lenient_pool, lenient, "lenient")):
        for d in draw.sample(pool, n):
            room = EXPULSION - d.warranted if direction == "harsh" else d.warranted
            # Mostly exactly three steps - the smallest move counted as an outlier - sometimes further.
            steps = 3 if room == 3 or draw.chance(0.75) else 4 + draw.below(room - 3)
            d.move_to(d.warranted + steps if direction == "harsh" else d.warranted - steps, draw, transfer=True)
            injected[d.ref] = direction
    return injected
