"""Evidence admissibility: which evidence may be relied on, and which must wait for the data protection officer.

Evidence from systematic monitoring, and evidence from online accounts not proven to be the respondent's, is
inadmissible until the DPO admits it with written reasons; so is private content (REQ 28, 29, 31). The rulebook's
`[evidence]` section may add more provenances and attributions to that list, never take these away. Conduct
older than the rulebook's limitation period is flagged for the panel, not refused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from fairhearing.procedure.errors import ActionRefused, Refusal
from fairhearing.procedure.roles import Role


class Provenance(StrEnum):
    COMPLAINANT = "complainant"
    STAFF_PUBLIC_SOURCE = "staff_public_source"
    MONITORING = "monitoring"
    INTERNAL_RECORD = "internal_record"
    RESPONDENT = "respondent"

    @property
    def label(self) -> str:
        return _PROVENANCE_LABELS[self]


_PROVENANCE_LABELS = {
    Provenance.COMPLAINANT: "Submitted by the complainant",
    Provenance.STAFF_PUBLIC_SOURCE: "Public source looked up by staff for this case",
    Provenance.MONITORING: "Systematic monitoring or bulk collection",
    Provenance.INTERNAL_RECORD: "Internal party record",
    Provenance.RESPONDENT: "Supplied by the respondent",
}


class Attribution(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    ADMITTED = "admitted"
    VERIFIED = "verified"
    UNVERIFIED = "unverified"
    ANONYMOUS = "anonymous"

    @property
    def label(self) -> str:
        return _ATTRIBUTION_LABELS[self]

    @property
    def proven(self) -> bool:
        """Whether the account is shown to be the respondent's (or no account is involved)."""
        return self not in UNPROVEN_ATTRIBUTIONS


_ATTRIBUTION_LABELS = {
    Attribution.NOT_APPLICABLE: "Not an online account",
    Attribution.ADMITTED: "Admitted by the respondent",
    Attribution.VERIFIED: "Verified by a stated method",
    Attribution.UNVERIFIED: "Unverified",
    Attribution.ANONYMOUS: "Anonymous account",
}
UNPROVEN_ATTRIBUTIONS = frozenset({Attribution.UNVERIFIED, Attribution.ANONYMOUS})


class Visibility(StrEnum):
    NOT_APPLICABLE = "not_applicable"
    PUBLIC = "public"
    PRIVATE = "private"

    @property
    def label(self) -> str:
        return _VISIBILITY_LABELS[self]


_VISIBILITY_LABELS = {
    Visibility.NOT_APPLICABLE: "Not published content",
    Visibility.PUBLIC: "Public",
    Visibility.PRIVATE: "Private (a closed group, a private message, a locked account)",
}

# Safeguards no rulebook can switch off: these always wait for the DPO.
ALWAYS_RULED_PROVENANCES = frozenset({Provenance.MONITORING})
ALWAYS_RULED_ATTRIBUTIONS = UNPROVEN_ATTRIBUTIONS


@dataclass(frozen=True)
class Policy:
    """The rulebook's `[evidence]` section, as the rules below need it."""

    ruling_for_provenance: frozenset[str] = ALWAYS_RULED_PROVENANCES
    ruling_for_attribution: frozenset[str] = ALWAYS_RULED_ATTRIBUTIONS
    bulk_screening_dpia: str = ""
    limitation_days: int = 3650


@dataclass(frozen=True)
class Facts:
    """What is recorded about an item when it is added."""

    provenance: Provenance
    attribution: Attribution = Attribution.NOT_APPLICABLE
    attribution_method: str = ""
    visibility: Visibility = Visibility.NOT_APPLICABLE
    source_url: str = ""
    original_source: str = ""
    captured_on: date | None = None
    captured_by: str = ""
    lawful_basis: str = ""
    content_date: date | None = None


@dataclass(frozen=True)
class Assessment:
    ruling_needed: tuple[str, ...]  # why the DPO must rule first; empty: admissible as added
    flags: tuple[str, ...]  # warnings for whoever relies on it

    @property
    def admitted_on_entry(self) -> bool:
        return not self.ruling_needed


def _missing(value: str) -> bool:
    return not value.strip()


def check_facts(facts: Facts, today: date) -> list[Refusal]:
    """What must be recorded for an item to be added at all (REQ 28, 29)."""
    refusals: list[Refusal] = []
    if facts.attribution == Attribution.VERIFIED and _missing(facts.attribution_method):
        refusals.append(Refusal("attribution_method", "say how the account was verified as the respondent's"))
    if facts.visibility != Visibility.NOT_APPLICABLE:
        # Online content: where it was, when and by whom it was captured, and the legal condition relied on.
        if _missing(facts.source_url) and _missing(facts.original_source):
            refusals.append(Refusal("source", "give the web address or the original source of online content"))
        if facts.captured_on is None:
            refusals.append(Refusal("captured_at", "give the time online content was captured"))
        if _missing(facts.captured_by):
            refusals.append(Refusal("captured_by", "say who captured the online content"))
        if _missing(facts.lawful_basis):
            refusals.append(Refusal("lawful_basis", "give the legal condition relied on to process online content"))
    if facts.attribution != Attribution.NOT_APPLICABLE and facts.visibility == Visibility.NOT_APPLICABLE:
        refusals.append(Refusal("visibility", "say whether the account's content was public or private"))
    if facts.captured_on is not None and facts.captured_on > today:
        refusals.append(Refusal("captured_at", "the capture time cannot be in the future"))
    if facts.content_date is not None and facts.content_date > today:
        refusals.append(Refusal("content_date", "the date of the original cannot be in the future"))
    return refusals


def may_add(roles: Collection[Role], is_respondent: bool, facts: Facts, case_open: bool) -> list[Refusal]:
    """Case officers add evidence; a respondent may add their own, and only as supplied by the respondent."""
    refusals: list[Refusal] = []
    if not case_open:
        refusals.append(Refusal("case_open", "evidence cannot be added to a closed case"))
    if Role.CASE_OFFICER in roles:
        return refusals
    if is_respondent and Role.MEMBER in roles:
        if facts.provenance != Provenance.RESPONDENT:
            refusals.append(Refusal("provenance", "evidence a respondent adds is recorded as supplied by them"))
        return refusals
    refusals.append(Refusal("role", "only a case officer, or the respondent, may add evidence"))
    return refusals


def assess(policy: Policy, facts: Facts, *, conduct_dates: Collection[date], received_on: date) -> Assessment:
    """Whether an item is admissible as added or must wait for a DPO ruling, and what to warn about."""
    needed: list[str] = []
    if facts.provenance in policy.ruling_for_provenance:
        needed.append(f"obtained by {facts.provenance.label.lower()}")
    if facts.attribution in policy.ruling_for_attribution:
        account = "anonymous" if facts.attribution == Attribution.ANONYMOUS else facts.attribution.label.lower()
        needed.append(f"the account is {account}, not proven to be the respondent's")
    if facts.visibility == Visibility.PRIVATE:
        needed.append("private content")
    flags: list[str] = []
    limit = received_on - timedelta(days=policy.limitation_days)
    dates = [d for d in (facts.content_date, *conduct_dates) if d is not None]
    if dates and min(dates) < limit:
        flags.append(
            f"concerns conduct on {min(dates).isoformat()}, older than the limitation period "
            f"of {policy.limitation_days} days before the complaint"
        )
    if not facts.attribution.proven:
        flags.append("the account is not proven to be the respondent's: it cannot by itself support a finding")
    return Assessment(tuple(needed), tuple(flags))


class Ruling(StrEnum):
    ADMIT = "admit"
    EXCLUDE = "exclude"


def check_ruling(
    policy: Policy, facts: Facts, *, roles: Collection[Role], pending: bool, ruling: Ruling, reason: str
) -> None:
    """The DPO rules on a pending item, always with written reasons; raise `ActionRefused` otherwise."""
    refusals: list[Refusal] = []
    if Role.DATA_PROTECTION_OFFICER not in roles:
        refusals.append(Refusal("role", "only the data protection officer may rule on evidence"))
    if not pending:
        refusals.append(Refusal("pending", "this evidence has already been ruled on"))
    if _missing(reason):
        refusals.append(Refusal("reason", "a ruling needs written reasons"))
    if ruling == Ruling.ADMIT and facts.provenance == Provenance.MONITORING and _missing(policy.bulk_screening_dpia):
        # REQ 31: bulk screening stays off until a data protection impact assessment is recorded.
        refusals.append(
            Refusal(
                "dpia",
                "evidence from systematic monitoring cannot be admitted: the rulebook records no data protection "
                "impact assessment for bulk screening",
            )
        )
    if refusals:
        raise ActionRefused(refusals)
