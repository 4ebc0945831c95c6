"""The rulebook loader: the example is valid, and each kind of mistake is reported where it is."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date

import pytest
import tomli_w

from fairhearing.procedure.rulebook import MIN_RESPOND_DAYS, Power, RulebookInvalid, check_versions, load_rulebook


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


def _walk(data: dict, path: str) -> tuple[dict | list, int | str]:
    """The container holding the value at a dotted path such as 'bodies.1.appeals_to', and its key there."""
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    return target, int(last) if last.isdigit() else last


def _set(path: str, value) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        target, key = _walk(data, path)
        target[key] = value

    return mutate


def _delete(path: str) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        target, key = _walk(data, path)
        del target[key]

    return mutate


def _append(path: str, value) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        target, key = _walk(data, path)
        target[key].append(value)

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
        "self-appeal",
        _set("bodies.1.appeals_to", "national-disputes-panel"),
        "a body cannot hear appeals against itself",
    ),
    (
        "rule-to-powerless-body",
        _set("bodies.0.powers", ["interim_suspend"]),
        "jurisdiction[2].body: body 'complaints-unit' can neither triage, investigate nor hear",
    ),
    (
        "cap-shorter-than-review",
        _set("time_limits.interim_suspension_cap_days", 20),
        "time_limits.interim_suspension_cap_days: must not be shorter than the review period",
    ),
    ("weekend-twice", _set("calendar.weekend", ["sat", "sat"]), "calendar.weekend: lists a day twice"),
    ("holiday-twice", _append("calendar.holidays", date(2022, 1, 3)), "calendar.holidays: lists a date twice"),
    (
        "max-months-on-fixed-sanction",
        _set("sanctions.2.max_months", 6),
        "sanctions[2].max_months: only a time-limited sanction has max_months",
    ),
    ("one-sanction", _set("sanctions", [{"id": "no-action", "name": "No action"}]), "sanctions: list at least two"),
    (
        "duplicate-cell",
        _append(
            "guidelines.grid",
            {"culpability": "A", "harm": "1", "starting_point": "expulsion", "range": ["suspension", "expulsion"]},
        ),
        "guidelines.grid[9]: duplicate cell Ax1 (first at guidelines.grid[0])",
    ),
    ("table-not-list", _set("clauses", {"id": "x"}), "clauses: must be a list of tables, written [[clauses]]"),
    ("list-not-table", _set("guidelines", [{"culpability": []}]), "guidelines: must be a table, written [guidelines]"),
    ("unknown-guidelines-key", _set("guidelines.severity", 3), "guidelines.severity: unknown key"),
    ("missing-guidelines-key", _delete("guidelines.harm"), "guidelines.harm: required but missing"),
    ("empty-grid", _set("guidelines.grid", []), "guidelines.grid: needs at least one entry"),
    ("item-not-a-table", _set("bodies.2", "a body"), "bodies[2]: Input should be a valid dictionary"),
    (
        "sanction-without-hearing",
        _set("bodies.0.powers", ["triage", "sanction"]),
        "bodies[0].powers: 'sanction' needs 'hear'",
    ),
    (
        "quorum-above-panel-no-hearing",
        _set("bodies.0.quorum", 2),
        "bodies[0].quorum: must not exceed the panel size (0)",
    ),
    (
        "hearing-body-without-panel",
        _set("bodies.5.panel_size", 0),
        "bodies[5].panel_size: a body that hears cases needs a panel",
    ),
    ("duplicate-body", _set("bodies.1.id", "complaints-unit"), "bodies[1].id: duplicate body id 'complaints-unit'"),
    ("duplicate-sanction", _set("sanctions.1.id", "no-action"), "sanctions[1].id: duplicate sanction id 'no-action'"),
    (
        "duplicate-factor",
        _set("guidelines.aggravating.1.id", "previous-findings"),
        "guidelines.aggravating[1].id: duplicate factor id 'previous-findings'",
    ),
    ("no-clauses", _set("clauses", []), "clauses: at least one clause is needed"),
    ("no-seriousness", _set("seriousness", []), "seriousness: at least one seriousness level is needed"),
    (
        "true-is-not-a-number",
        _set("bodies.1.panel_size", True),
        "bodies[1].panel_size: Input should be a valid integer",
    ),
    ("decimal-months", _set("sanctions.4.max_months", 6.0), "sanctions[4].max_months: Input should be a valid integer"),
    ("number-is-not-true", _set("offices.0.senior", 1), "offices[0].senior: Input should be a valid boolean"),
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


def test_one_mistake_is_reported_once(example_data):
    """Follow-on problems would bury the real one: each of these mistakes gives exactly one line."""
    for mutate in (
        _set("bodies", {"not": "a list"}),  # would make every rule's body "unknown"
        _set("bodies.1.appeals_to", "national-disputes-panel"),  # self-appeal is also a one-body "cycle"
        _set("guidelines.grid.3.harm", 7),  # a broken cell would also look "missing"
    ):
        data = copy.deepcopy(example_data)
        mutate(data)
        assert len(problems_of(data)) == 1, problems_of(data)


def test_a_bad_reduction_does_not_hide_grid_problems(example_data):
    _set("guidelines.early_admission_reduction", 0.9)(example_data)
    _set("guidelines.grid.0.starting_point", "banishment")(example_data)
    problems = problems_of(example_data)
    assert any(
        p.startswith("guidelines.early_admission_reduction: Input should be less than or equal to 0.5")
        for p in problems
    )
    assert "guidelines.grid[0].starting_point: 'banishment' is not in the sanction list" in problems


def test_bytes_that_are_not_utf8_are_a_problem_not_a_crash():
    with pytest.raises(RulebookInvalid, match="not UTF-8 text"):
        load_rulebook(b'[rulebook]\norganisation = "Caf\xe9"\n')


def test_different_organisations_cannot_be_versions_of_one_rulebook(example_rulebook):
    other = example_rulebook.model_copy(
        update={
            "rulebook": example_rulebook.rulebook.model_copy(
                update={"organisation": "Other Union", "version": "2030.1", "effective_from": date(2030, 1, 1)}
            )
        }
    )
    assert [str(p) for p in check_versions([("a.toml", example_rulebook), ("b.toml", other)])] == [
        "rulebook.organisation: versions name different organisations: ['Example Party', 'Other Union']",
        "b.toml: rulebook.effective_from: version '2030.1' overlaps version '2022.1' (a.toml): "
        "effective dates must not overlap",
    ]


def test_a_valid_rulebook_round_trips_through_toml(example_data, example_rulebook):
    assert load_rulebook(tomli_w.dumps(example_data)) == example_rulebook
