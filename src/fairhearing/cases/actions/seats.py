"""How a seat on a body's list reads in a choice: who, their expertise, their training, and any conflict the
rules already see. A conflicted person stays choosable so that the engine's refusal, with its reason, is what the
person forming the panel reads; the label warns them first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fairhearing.cases.casefile_store import person
from fairhearing.formatting import long_date
from fairhearing.organisation.models import PanelMember, PanelRole
from fairhearing.procedure.panels import CaseRoles, DeclaredConflict, Seat, conflicts_of


def seat_label(
    seat: PanelMember,
    today: date,
    roles: CaseRoles,
    declared: Iterable[DeclaredConflict],
    *,
    same_branch: bool,
    with_body: bool = False,
) -> str:
    parts = [f"{seat.member.name} ({seat.member.membership_number})"]
    if with_body:
        parts.append(seat.body.name)
    parts.append(seat.get_expertise_display() + (", chair" if seat.role == PanelRole.CHAIR else ""))
    if seat.trained_until and seat.trained_until >= today:
        parts.append(f"trained until {long_date(seat.trained_until)}")
    else:
        parts.append("no in-date training record")
    engine_seat = Seat(person(seat.member), seat.body.kind, seat.trained_until)
    reasons = conflicts_of(engine_seat, roles, declared, same_branch_conflicts=same_branch)
    if reasons:
        parts.append("may not sit: " + "; ".join(reasons))
    return " - ".join(parts)
