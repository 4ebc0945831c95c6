"""Conflicts of interest and panel composition."""

from __future__ import annotations

from datetime import date

from fairhearing.procedure.panels import CaseRoles, DeclaredConflict, Person, Seat, check_panel, conflicts_of

TODAY = date(2026, 6, 1)
ROLES = CaseRoles(
    respondent=Person(1, branch_id=10),
    complainant=Person(2, branch_id=20),
    investigator_ids=frozenset({50}),
    deciding_panel_ids=frozenset({11}),
)


def seat(member: int, branch: int = 99, body: str = "panel", trained: date | None = date(2030, 1, 1)) -> Seat:
    return Seat(Person(member, branch), body, trained)


def test_detected_conflicts():
    assert conflicts_of(seat(1), ROLES, []) == ["is the respondent"]
    assert conflicts_of(seat(2), ROLES, []) == ["is the complainant"]
    assert conflicts_of(seat(3, branch=10), ROLES, []) == ["is in the same branch as the respondent"]
    assert conflicts_of(seat(3, branch=20), ROLES, []) == ["is in the same branch as the complainant"]
    assert conflicts_of(seat(50), ROLES, []) == ["investigated this case"]
    assert conflicts_of(seat(11), ROLES, []) == ["sat on the panel that decided this case"]
    assert conflicts_of(seat(3), ROLES, []) == []


def test_declared_conflicts_count_only_against_the_parties():
    declared = [DeclaredConflict(3, 1, "close friend of the respondent"), DeclaredConflict(4, 77, "unrelated")]
    assert conflicts_of(seat(3), ROLES, declared) == ["declared a conflict: close friend of the respondent"]
    assert conflicts_of(seat(4), ROLES, declared) == []


def _check(chosen, **kw):
    args = {"body": "panel", "panel_size": 3, "quorum": 2, "roles": ROLES, "declared": [], "today": TODAY} | kw
    return [(r.guard, r.message) for r in check_panel(chosen, **args)]


def test_a_good_panel_passes():
    assert _check([seat(3), seat(4), seat(5)]) == []
    assert _check([seat(3), seat(4)]) == []  # quorate


def test_each_panel_rule_refuses_with_its_reason():
    assert _check([seat(3)]) == [("panel_quorate", "the panel has 1 members; the quorum of this body is 2")]
    assert ("panel_size", "the panel has 4 members; this body sits 3") in _check([seat(3), seat(4), seat(5), seat(6)])
    assert _check([seat(3), seat(3)]) == [("panel_distinct", "the panel lists the same person twice")]
    assert _check([seat(3), seat(4, body="other")]) == [("panel_eligible", "member 4 does not sit on panel's panels")]
    assert _check([seat(3), seat(4, trained=date(2026, 5, 31))]) == [
        ("panel_trained", "member 4 has no in-date training record for this kind of case")
    ]
    assert _check([seat(3), seat(4, trained=None)])[0][0] == "panel_trained"
    assert _check([seat(3), seat(1)]) == [("panel_unconflicted", "member 1 cannot sit: is the respondent")]


def test_a_branch_body_may_seat_the_branch_own_members():
    neighbour = seat(3, branch=10)
    assert conflicts_of(neighbour, ROLES, [], same_branch_conflicts=False) == []
    # ...but the parties themselves, the investigator and declared conflicts still count.
    assert conflicts_of(seat(1, branch=10), ROLES, [], same_branch_conflicts=False) == ["is the respondent"]
    declared = [DeclaredConflict(3, 1, "sister of the respondent")]
    assert conflicts_of(neighbour, ROLES, declared, same_branch_conflicts=False) == [
        "declared a conflict: sister of the respondent"
    ]
