"""The rulebook loader: the example is valid, and each kind of mistake is reported where it is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import tomli_w

from fairhearing.procedure.rulebook import MIN_RESPOND_DAYS, Power, RulebookInvalid, load_rulebook


def problems_of(data: dict) -> list[str]:
    with pytest.raises(RulebookInvalid) as caught:
        load_rulebook(tomli_w.dumps(data))
    return [str(p) for p in caught.value.problems]


def test_example_rulebook_is_valid(example_rulebook):
    rb = example_rulebook
    assert rb.rulebook.organisation == "Example Party"
    assert 15 <= len(rb.clauses) <= 30
    assert {b.id for b in rb.bodies} >= {
        "complaints-unit",
        "national-disputes-panel",
        "constitutional-committee",
        "regional-office",
        "branch-executive",
        "appeals-panel",
    }
    assert (rb.sanctions[0].id, rb.sanctions[-1].id) == ("no-action", "expulsion")
    assert rb.time_limits.respond_days >= MIN_RESPOND_DAYS
    assert rb.body("constitutional-committee").has(Power.EXPEL)
    # Every culpability x harm cell is there, so any assessment has a guideline.
    assert len(rb.guidelines.grid) == len(rb.guidelines.culpability) * len(rb.guidelines.harm)


def test_lookups_follow_the_order_written(example_rulebook):
    rb = example_rulebook
    assert rb.sanction_rank("no-action") < rb.sanction_rank("warning") < rb.sanction_rank("expulsion")
    assert rb.seriousness_rank("minor") < rb.seriousness_rank("grave")
    assert rb.clause("4.4").category == "loyalty"


def _set(path: str, value) -> Callable[[dict], None]:
    """A mutation that sets a value at a dotted path such as 'bodies.1.appeals_to'."""

    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


def _delete(path: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        del target[int(last) if last.isdigit() else last]

    return mutate


def _duplicate_clause(data: dict) -> None:
    data["clauses"][1]["id"] = data["clauses"][0]["id"]


def _catch_all_first(data: dict) -> None:
    data["jurisdiction"].insert(0, {"body": "branch-executive", "reason": "Everything goes to branches."})


def _appeal_cycle(data: dict) -> None:
    # The appeals panel appeals to the disputes panel, which appeals back to it.
    data["bodies"][1]["powers"].append("hear_appeals")
    data["bodies"][5]["appeals_to"] = "national-disputes-panel"


def _unit_can_sanction(data: dict) -> None:
    data["bodies"][4].pop("appeals_to")


INVALID = [
    # (id, mutation, expected "location: message" fragment)
    ("missing-section", _delete("time_limits"), "time_limits: required section is missing"),
    ("unknown-section", _set("extras", {"x": 1}), "extras: unknown section"),
    ("unknown-key", _set("clauses.0.colour", "red"), "clauses[0].colour: unknown key"),
    ("wrong-type", _set("bodies.1.panel_size", "three"), "bodies[1].panel_size: Input should be a valid integer"),
    ("bad-level", _set("bodies.0.level", "galactic"), "bodies[0].level: Input should be"),
    ("broken-appeals-ref", _set("bodies.1.appeals_to", "ncc-appeals"), "bodies[1].appeals_to: no body 'ncc-appeals'"),
    ("duplicate-clause", _duplicate_clause, "clauses[1].id: duplicate clause id '2.1' (first at clauses[0])"),
    ("unknown-category", _set("clauses.0.category", "rudeness"), "clauses[0].category: no category 'rudeness'"),
    ("unknown-seriousness", _set("clauses.0.seriousness", "huge"), "clauses[0].seriousness: no seriousness level"),
    ("jurisdiction-clause", _set("jurisdiction.0.clauses", ["9.9"]), "jurisdiction[0].clauses: no clause '9.9'"),
    ("jurisdiction-body", _set("jurisdiction.0.body", "politburo"), "jurisdiction[0].body: no body 'politburo'"),
    ("jurisdiction-office", _set("jurisdiction.1.offices", ["pope"]), "jurisdiction[1].offices: no office 'pope'"),
    ("no-catch-all", _delete("jurisdiction.6"), "jurisdiction: the last rule must match every case"),
    ("unreachable-rule", _catch_all_first, "jurisdiction[1]: can never match: jurisdiction[0] before it matches"),
    ("no-rules", _set("jurisdiction", []), "jurisdiction: at least one jurisdiction rule is needed"),
    (
        "guideline-outside-sanctions",
        _set("guidelines.grid.0.starting_point", "banishment"),
        "guidelines.grid[0].starting_point: 'banishment' is not in the sanction list",
    ),
    (
        "guideline-range-outside-sanctions",
        _set("guidelines.grid.0.range", ["no-action", "exile"]),
        "guidelines.grid[0].range[1]: 'exile' is not in the sanction list",
    ),
    (
        "starting-point-outside-range",
        _set("guidelines.grid.8.starting_point", "expulsion"),
        "guidelines.grid[8]: the starting point must lie within the range",
    ),
    ("missing-cell", _delete("guidelines.grid.8"), "guidelines.grid: no cell for culpability 'C' and harm '3'"),
    ("short-response-time", _set("time_limits.respond_days", 7), "time_limits.respond_days: must be at least 14"),
    (
        "unknown-stage-target",
        _set("time_limits.stage_targets.purgatory", {"days": 3}),
        "stage_targets.purgatory: no stage",
    ),
    ("quorum-above-panel", _set("bodies.1.quorum", 4), "bodies[1].quorum: must be between 1 and the panel size (3)"),
    ("sanction-without-appeal", _unit_can_sanction, "bodies[4].appeals_to: a body that can sanction must name"),
    ("expel-without-hearing", _set("bodies.0.powers", ["triage", "expel"]), "bodies[0].powers: 'expel' needs 'hear'"),
    (
        "appeal-to-non-appeal-body",
        _set("bodies.4.appeals_to", "regional-office"),
        "bodies[4].appeals_to: body 'regional-office' has no 'hear_appeals' power",
    ),
    ("appeal-cycle", _appeal_cycle, "appeals go round in a circle"),
    ("dates-reversed", _set("rulebook.effective_until", date(2020, 1, 1)), "rulebook.effective_until: is before"),
    ("time-limited-without-max", _delete("sanctions.4.max_months"), "sanctions[4].max_months: a time-limited sanction"),
    (
        "no-working-days",
        _set("calendar.weekend", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
        "calendar.weekend: leaves no working days",
    ),
    (
        "factor-both-ways",
        _set("guidelines.mitigating.0.id", "previous-findings"),
        "guidelines.mitigating[0].id: 'previous-findings' is also an aggravating factor",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_rulebook_names_the_problem_and_where(example_data, mutate, expected):
    mutate(example_data)
    problems = problems_of(example_data)
    assert any(expected in p for p in problems), problems


def test_not_toml_at_all():
    with pytest.raises(RulebookInvalid) as caught:
        load_rulebook('[rulebook]\norganisation = "unterminated\n')
    assert "not valid TOML" in str(caught.value)
    assert "line 2" in str(caught.value)


def test_every_problem_is_reported_at_once(example_data):
    _set("bodies.1.appeals_to", "ncc-appeals")(example_data)
    _duplicate_clause(example_data)
    _set("guidelines.grid.0.starting_point", "banishment")(example_data)
    problems = problems_of(example_data)
    assert "bodies[1].appeals_to: no body 'ncc-appeals'" in problems
    assert "clauses[1].id: duplicate clause id '2.1' (first at clauses[0])" in problems
    assert "guidelines.grid[0].starting_point: 'banishment' is not in the sanction list" in problems


def test_a_broken_item_does_not_shift_the_location_of_later_problems(example_data):
    _set("bodies.3.panel_size", "three")(example_data)  # regional-office fails the first pass
    _set("bodies.4.appeals_to", "nowhere")(example_data)
    problems = problems_of(example_data)
    assert "bodies[4].appeals_to: no body 'nowhere'" in problems
    # Rules that send cases to the broken body are not reported a second time as unknown.
    assert not [p for p in problems if "no body 'regional-office'" in p], problems


def test_a_valid_rulebook_round_trips_through_toml(example_data, example_rulebook):
    assert load_rulebook(tomli_w.dumps(example_data)) == example_rulebook
