"""Panels and conflicts of interest.

A conflict is either declared (a panel member and a person, with a reason) or detected from the case: the panel
member is a party, shares a branch with a party, or already had a role in the case. A conflicted person cannot be
placed on a panel, and the refusal says exactly why.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from fairhearing.procedure.errors import Refusal


@dataclass(frozen=True)
class Person:
    """Someone the conflict rules look at: a member, with their branch."""

    member_id: int
    branch_id: int | None = None


@dataclass(frozen=True)
class Seat:
    """A place on a body's list of people eligible to sit on its panels."""

    person: Person
    body: str
    trained_until: date | None = None


@dataclass(frozen=True)
class DeclaredConflict:
    panel_member_id: int
    with_member_id: int
    reason: str


@dataclass(frozen=True)
class CaseRoles:
    """Who is who in a case, for conflict detection."""

    respondent: Person
    complainant: Person | None = None
    investigator_ids: frozenset[int] = frozenset()
    deciding_panel_ids: frozenset[int] = frozenset()


def conflicts_of(
    seat: Seat, roles: CaseRoles, declared: Iterable[DeclaredConflict], *, same_branch_conflicts: bool = True
) -> list[str]:
    """Every reason this person may not sit on a panel in this case; empty when there is none.

    Sharing a branch with a party is a conflict on regional and national bodies; a branch's own executive is
    made of its members, so there `same_branch_conflicts` is off and personal conflicts must be declared."""
    member = seat.person.member_id
    reasons = []
    parties = [("respondent", roles.respondent), ("complainant", roles.complainant)]
    for label, party in parties:
        if party is None:
            continue
        if party.member_id == member:
            reasons.append(f"is the {label}")
        elif same_branch_conflicts and party.branch_id is not None and party.branch_id == seat.person.branch_id:
            reasons.append(f"is in the same branch as the {label}")
    if member in roles.investigator_ids:
        reasons.append("investigated this case")
    if member in roles.deciding_panel_ids:
        reasons.append("sat on the panel that decided this case")
    party_ids = {p.member_id for _, p in parties if p is not None}
    reasons += [
        f"declared a conflict: {d.reason}"
        for d in declared
        if d.panel_member_id == member and d.with_member_id in party_ids
    ]
    return reasons


def check_panel(
    chosen: Collection[Seat],
    *,
    body: str,
    panel_size: int,
    quorum: int,
    roles: CaseRoles,
    declared: Iterable[DeclaredConflict],
    today: date,
    label: str = "the panel",
    same_branch_conflicts: bool = True,
) -> list[Refusal]:
    """Refusals for placing `chosen` on a panel of `body`; empty when the panel may be formed."""
    declared = list(declared)
    refusals = []
    ids = [s.person.member_id for s in chosen]
    if len(set(ids)) != len(ids):
        refusals.append(Refusal("panel_distinct", f"{label} lists the same person twice"))
    if len(chosen) < quorum:
        refusals.append(
            Refusal("panel_quorate", f"{label} has {len(chosen)} members; the quorum of this body is {quorum}")
        )
    if len(chosen) > panel_size:
        refusals.append(Refusal("panel_size", f"{label} has {len(chosen)} members; this body sits {panel_size}"))
    for seat in chosen:
        who = f"member {seat.person.member_id}"
        if seat.body != body:
            refusals.append(Refusal("panel_eligible", f"{who} does not sit on {body}'s panels"))
        if seat.trained_until is None or seat.trained_until < today:
            refusals.append(Refusal("panel_trained", f"{who} has no in-date training record for this kind of case"))
        for reason in conflicts_of(seat, roles, declared, same_branch_conflicts=same_branch_conflicts):
            refusals.append(Refusal("panel_unconflicted", f"{who} cannot sit: {reason}"))
    return refusals
