"""The organisation rulebook: its schema, loading from TOML, and validation.

A rulebook is data, not code. `load_rulebook` turns TOML text into a `Rulebook` or raises `RulebookInvalid`
carrying *every* problem found, each with its location (``bodies[2].appeals_to: no body 'ncc-appeals'``), so an
administrator can fix a file in one pass instead of one error at a time.

Validation runs in two passes. The first checks each item's shape on its own (types, required keys, unknown keys),
so one malformed clause does not hide problems elsewhere. The second checks references between items (clauses to
categories, bodies to appeal bodies, guideline cells to sanctions) and the safeguards no organisation may switch
off, on whatever items passed the first pass.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from fairhearing.procedure.admissibility import Policy
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.versions import overlapping_pairs

# Safeguard 17 (always): nobody loses membership as a sanction without at least 14 days to respond.
MIN_RESPOND_DAYS = 14

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-]*$", max_length=64)]
Text = Annotated[str, Field(min_length=1)]


class Level(StrEnum):
    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL = "local"


class Power(StrEnum):
    TRIAGE = "triage"
    INVESTIGATE = "investigate"
    INTERIM_SUSPEND = "interim_suspend"
    HEAR = "hear"
    SANCTION = "sanction"
    EXPEL = "expel"
    HEAR_APPEALS = "hear_appeals"

    @property
    def label(self) -> str:
        return POWER_LABELS[self]


POWER_LABELS = {
    Power.TRIAGE: "triage complaints",
    Power.INVESTIGATE: "investigate",
    Power.INTERIM_SUSPEND: "impose interim suspensions",
    Power.HEAR: "hold hearings",
    Power.SANCTION: "impose sanctions",
    Power.EXPEL: "expel",
    Power.HEAR_APPEALS: "hear appeals",
}


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Metadata(_Item):
    organisation: Text
    version: Identifier
    effective_from: date
    effective_until: date | None = None
    title: Text = "Disciplinary rules and procedure"
    summary: str = ""


class Named(_Item):
    """An entry of a vocabulary the rest of the rulebook refers to by id."""

    id: Identifier
    name: Text
    description: str = ""


class Office(Named):
    senior: bool = Field(default=False, strict=True)


class Clause(_Item):
    id: Identifier
    title: Text
    text: Text
    category: Identifier
    seriousness: Identifier


class Body(_Item):
    id: Identifier
    name: Text
    level: Level
    powers: frozenset[Power] = frozenset()
    panel_size: int = Field(default=0, ge=0, le=25, strict=True)
    quorum: int = Field(default=0, ge=0, le=25, strict=True)
    appeals_to: Identifier | None = None
    description: str = ""

    def has(self, power: Power) -> bool:
        return power in self.powers


class JurisdictionRule(_Item):
    """Routes a case to a body. Every condition given must hold; an empty condition matches anything."""

    body: Identifier
    reason: Text
    clauses: tuple[Identifier, ...] = ()
    categories: tuple[Identifier, ...] = ()
    offices: tuple[Identifier, ...] = ()
    min_seriousness: Identifier | None = None

    @property
    def is_catch_all(self) -> bool:
        return not (self.clauses or self.categories or self.offices or self.min_seriousness)


class StageTarget(_Item):
    days: int = Field(ge=1, le=3650, strict=True)
    count: Literal["calendar", "working"] = "calendar"


class TimeLimits(_Item):
    respond_days: int = Field(ge=1, le=365, strict=True)
    appeal_days: int = Field(ge=1, le=365, strict=True)
    interim_suspension_review_days: int = Field(ge=1, le=365, strict=True)
    interim_suspension_cap_days: int = Field(ge=1, le=3650, strict=True)
    notice_before_hearing_working_days: int = Field(default=10, ge=0, le=365, strict=True)
    decision_notify_days: int = Field(default=5, ge=1, le=365, strict=True)
    limitation_days: int = Field(ge=1, le=36500, strict=True)
    # What happens when an interim suspension's review date passes unreviewed: it lapses ("lift"), or it stays
    # and oversight is alerted ("alert"). Either way the miss is recorded on the case.
    on_missed_review: Literal["lift", "alert"] = "lift"
    stage_targets: dict[str, StageTarget] = Field(default_factory=dict)


class EvidenceRules(_Item):
    """Which evidence waits for the data protection officer before it may be relied on.

    Systematic monitoring, unverified and anonymous accounts always do (checked below); a rulebook may add more.
    `bulk_screening_dpia` names the recorded data protection impact assessment without which evidence from
    monitoring cannot be admitted at all.
    """

    ruling_for_provenance: frozenset[
        Literal["complainant", "staff_public_source", "monitoring", "internal_record", "respondent"]
    ] = frozenset({"monitoring"})
    ruling_for_attribution: frozenset[Literal["admitted", "verified", "unverified", "anonymous"]] = frozenset(
        {"unverified", "anonymous"}
    )
    bulk_screening_dpia: str = ""


class Calendar(_Item):
    weekend: tuple[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], ...] = ("sat", "sun")
    holidays: tuple[date, ...] = ()


class Sanction(_Item):
    id: Identifier
    name: Text
    description: str = ""
    time_limited: bool = Field(default=False, strict=True)
    max_months: int | None = Field(default=None, ge=1, le=120, strict=True)
    lapses_after_months: int | None = Field(default=None, ge=1, le=1200, strict=True)


class GuidelineCell(_Item):
    culpability: Identifier
    harm: Identifier
    starting_point: Identifier
    range: tuple[Identifier, Identifier]


EarlyAdmissionReduction = Annotated[float, Field(ge=0.0, le=0.5, strict=True)]
_EARLY_ADMISSION = TypeAdapter(EarlyAdmissionReduction)


class Guidelines(_Item):
    culpability: tuple[Named, ...]
    harm: tuple[Named, ...]
    grid: tuple[GuidelineCell, ...]
    aggravating: tuple[Named, ...] = ()
    mitigating: tuple[Named, ...] = ()
    early_admission_reduction: EarlyAdmissionReduction = 0.0

    def cell(self, culpability: str, harm: str) -> GuidelineCell:
        for cell in self.grid:
            if cell.culpability == culpability and cell.harm == harm:
                return cell
        raise KeyError(f"no guideline for culpability {culpability!r} and harm {harm!r}")


class Rulebook(_Item):
    rulebook: Metadata
    seriousness: tuple[Named, ...]
    categories: tuple[Named, ...]
    offices: tuple[Office, ...] = ()
    clauses: tuple[Clause, ...]
    bodies: tuple[Body, ...]
    jurisdiction: tuple[JurisdictionRule, ...]
    time_limits: TimeLimits
    calendar: Calendar = Calendar()
    evidence: EvidenceRules = EvidenceRules()
    sanctions: tuple[Sanction, ...]
    guidelines: Guidelines

    @property
    def version(self) -> str:
        return self.rulebook.version

    @property
    def evidence_policy(self) -> Policy:
        return Policy(
            ruling_for_provenance=frozenset(self.evidence.ruling_for_provenance),
            ruling_for_attribution=frozenset(self.evidence.ruling_for_attribution),
            bulk_screening_dpia=self.evidence.bulk_screening_dpia,
            limitation_days=self.time_limits.limitation_days,
        )

    @property
    def effective_from(self) -> date:
        return self.rulebook.effective_from

    @property
    def effective_until(self) -> date | None:
        return self.rulebook.effective_until

    @cached_property
    def _clauses(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    @cached_property
    def _bodies(self) -> dict[str, Body]:
        return {b.id: b for b in self.bodies}

    @cached_property
    def _sanction_rank(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.sanctions)}

    @cached_property
    def _seriousness_rank(self) -> dict[str, int]:
        return {s.id: i for i, s in enumerate(self.seriousness)}

    def clause(self, clause_id: str) -> Clause:
        return self._clauses[clause_id]

    def body(self, body_id: str) -> Body:
        return self._bodies[body_id]

    def sanction(self, sanction_id: str) -> Sanction:
        return self.sanctions[self._sanction_rank[sanction_id]]

    def sanction_rank(self, sanction_id: str) -> int:
        """Position in the ordered sanction list: 0 is the mildest outcome."""
        return self._sanction_rank[sanction_id]

    def seriousness_rank(self, seriousness_id: str) -> int:
        return self._seriousness_rank[seriousness_id]


@dataclass(frozen=True)
class Problem:
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class RulebookInvalid(ValueError):
    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


SECTIONS: dict[str, Any] = {
    "rulebook": Metadata,
    "seriousness": Named,
    "categories": Named,
    "offices": Office,
    "clauses": Clause,
    "bodies": Body,
    "jurisdiction": JurisdictionRule,
    "time_limits": TimeLimits,
    "calendar": Calendar,
    "evidence": EvidenceRules,
    "sanctions": Sanction,
    "guidelines": None,  # validated piece by piece below
}
OPTIONAL_SECTIONS = frozenset({"offices", "calendar", "evidence"})
LIST_SECTIONS = frozenset({"seriousness", "categories", "offices", "clauses", "bodies", "jurisdiction", "sanctions"})
GUIDELINE_LISTS: dict[str, type[_Item]] = {
    "culpability": Named,
    "harm": Named,
    "grid": GuidelineCell,
    "aggravating": Named,
    "mitigating": Named,
}


def load_rulebook(source: bytes | str) -> Rulebook:
    """Parse and validate a rulebook; raise `RulebookInvalid` listing every problem found."""
    try:
        text = source.decode("utf-8") if isinstance(source, bytes) else source
    except UnicodeDecodeError as exc:
        raise RulebookInvalid([Problem("", f"not UTF-8 text: {exc}")]) from exc
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulebookInvalid([Problem("", f"not valid TOML: {exc}")]) from exc
    parsed, problems = _parse_sections(raw)
    problems.extend(_check_references(parsed, set(raw)))
    if problems:
        raise RulebookInvalid(sorted(set(problems), key=problems.index))
    return Rulebook.model_validate({**parsed, "guidelines": parsed["guidelines"][0]})


def _format_location(prefix: str, loc: Iterable[int | str]) -> str:
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _problems_from(error: ValidationError, prefix: str) -> list[Problem]:
    problems = []
    for e in error.errors(include_url=False):
        loc = [p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        message = e["msg"]
        if e["type"] == "extra_forbidden":
            message = "unknown key (check its spelling)"
        elif e["type"] == "missing":
            message = "required but missing"
        elif e["type"] == "literal_error" or e["type"] == "enum":
            message = f"{message}, not {e.get('input')!r}"
        problems.append(Problem(_format_location(prefix, loc), message))
    return problems


def _validate_item(model: type[_Item], value: Any, location: str, problems: list[Problem]) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, location))
        return None


class _Broken:
    """Stands in for a list item that failed the first pass, so later items keep their index in messages and
    references to the broken item's id are not reported a second time."""

    def __init__(self, raw: Any):
        self.id = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None


def _validate_list(model: type[_Item], value: Any, location: str, problems: list[Problem]) -> list[Any] | None:
    if not isinstance(value, list):
        problems.append(Problem(location, "must be a list of tables, written [[" + location + "]]"))
        return None
    return [_validate_item(model, item, f"{location}[{i}]", problems) or _Broken(item) for i, item in enumerate(value)]


def _valid(items: Sequence[Any]) -> list[Any]:
    return [item for item in items if not isinstance(item, _Broken)]


def _parse_sections(raw: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Each section checked on its own. A section that is missing or malformed is left out of the result."""
    problems: list[Problem] = []
    parsed: dict[str, Any] = {}
    for key in raw:
        if key not in SECTIONS:
            problems.append(Problem(key, f"unknown section (known: {', '.join(SECTIONS)})"))
    for key, model in SECTIONS.items():
        if key not in raw:
            if key not in OPTIONAL_SECTIONS:
                problems.append(Problem(key, "required section is missing"))
            continue
        value = raw[key]
        if key == "guidelines":
            guidelines = _parse_guidelines(value, problems)
            if guidelines is not None:
                parsed[key] = guidelines
        elif key in LIST_SECTIONS:
            items = _validate_list(model, value, key, problems)
            if items is not None:
                parsed[key] = items
        else:
            item = _validate_item(model, value, key, problems)
            if item is not None:
                parsed[key] = item
    return parsed, problems


def _parse_guidelines(value: Any, problems: list[Problem]) -> tuple[Guidelines, dict[str, list[Any]]] | None:
    """The validated guidelines, and their lists as written (placeholders included) for located messages."""
    if not isinstance(value, dict):
        problems.append(Problem("guidelines", "must be a table, written [guidelines]"))
        return None
    written: dict[str, list[Any]] = {}
    for key in value:
        if key not in GUIDELINE_LISTS and key != "early_admission_reduction":
            problems.append(Problem(f"guidelines.{key}", "unknown key (check its spelling)"))
    for key, model in GUIDELINE_LISTS.items():
        if key in value:
            items = _validate_list(model, value[key], f"guidelines.{key}", problems)
            written[key] = items if items is not None else []
        elif key in {"culpability", "harm", "grid"}:
            problems.append(Problem(f"guidelines.{key}", "required but missing"))
    fields: dict[str, Any] = {key: _valid(written.get(key, [])) for key in GUIDELINE_LISTS}
    if "early_admission_reduction" in value:
        try:
            fields["early_admission_reduction"] = _EARLY_ADMISSION.validate_python(value["early_admission_reduction"])
        except ValidationError as exc:
            problems.extend(_problems_from(exc, "guidelines.early_admission_reduction"))
    # Broken items are left out here, so the rest still go through the reference checks; load_rulebook refuses
    # the whole file whenever any problem was found.
    return Guidelines.model_validate(fields), written


# ---------------------------------------------------------------------------------------------------------------
# Second pass: references between items, and safeguards no rulebook may switch off.


def _ids(items: Sequence[Any], location: str, kind: str, problems: list[Problem]) -> dict[str, int]:
    """Map each id to its first index, reporting duplicates. Broken items' ids count as known."""
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.id is None:
            continue
        if item.id in seen:
            problems.append(
                Problem(
                    f"{location}[{i}].id", f"duplicate {kind} id {item.id!r} (first at {location}[{seen[item.id]}])"
                )
            )
        else:
            seen[item.id] = i
    return seen


def _check_refs(
    values: Iterable[str], known: dict[str, int] | None, location: str, kind: str, problems: list[Problem]
) -> None:
    """Report values that name nothing. `known` is None when its section is missing or malformed: that is
    reported once already, and every reference to it would only repeat it."""
    if known is None:
        return
    for value in values:
        if value not in known:
            problems.append(Problem(location, f"no {kind} {value!r}"))


def _check_references(p: dict[str, Any], written_sections: set[str]) -> list[Problem]:
    problems: list[Problem] = []

    def get(key: str) -> list[Any]:
        return p.get(key, [])

    def items(key: str) -> list[tuple[int, Any]]:
        return [(i, item) for i, item in enumerate(get(key)) if not isinstance(item, _Broken)]

    def vocabulary(key: str, kind: str) -> dict[str, int] | None:
        if key not in p and (key in written_sections or key not in OPTIONAL_SECTIONS):
            return None
        if key in p and not p[key]:
            problems.append(Problem(key, f"at least one {kind} is needed"))
        return _ids(get(key), key, kind, problems)

    meta: Metadata | None = p.get("rulebook")
    if meta and meta.effective_until and meta.effective_until < meta.effective_from:
        problems.append(Problem("rulebook.effective_until", "is before effective_from"))

    seriousness = vocabulary("seriousness", "seriousness level")
    categories = vocabulary("categories", "category")
    offices = _ids(get("offices"), "offices", "office", problems) if "offices" in p else vocabulary("offices", "")
    clauses = vocabulary("clauses", "clause")
    bodies = vocabulary("bodies", "body")
    sanctions = vocabulary("sanctions", "sanction")
    if "jurisdiction" in p and not p["jurisdiction"]:
        problems.append(Problem("jurisdiction", "at least one jurisdiction rule is needed"))

    for i, clause in items("clauses"):
        _check_refs([clause.category], categories, f"clauses[{i}].category", "category", problems)
        _check_refs([clause.seriousness], seriousness, f"clauses[{i}].seriousness", "seriousness level", problems)

    by_id = {b.id: b for _, b in items("bodies")}
    for i, body in items("bodies"):
        problems.extend(_check_body(i, body, by_id, bodies))
    problems.extend(_check_appeal_cycles(items("bodies"), by_id))
    problems.extend(_check_jurisdiction(get("jurisdiction"), clauses, categories, offices, seriousness, bodies, by_id))

    if "sanctions" in p and 0 < len(get("sanctions")) < 2:
        problems.append(Problem("sanctions", "list at least two sanctions, from 'no action' to the most severe"))
    for i, sanction in items("sanctions"):
        if sanction.time_limited and sanction.max_months is None:
            problems.append(Problem(f"sanctions[{i}].max_months", "a time-limited sanction needs max_months"))
        if not sanction.time_limited and sanction.max_months is not None:
            problems.append(Problem(f"sanctions[{i}].max_months", "only a time-limited sanction has max_months"))

    calendar: Calendar | None = p.get("calendar")
    if calendar is not None:
        if len(set(calendar.weekend)) != len(calendar.weekend):
            problems.append(Problem("calendar.weekend", "lists a day twice"))
        if len(set(calendar.weekend)) >= 7:
            problems.append(Problem("calendar.weekend", "leaves no working days"))
        if len(set(calendar.holidays)) != len(calendar.holidays):
            problems.append(Problem("calendar.holidays", "lists a date twice"))

    limits: TimeLimits | None = p.get("time_limits")
    if limits is not None:
        problems.extend(_check_time_limits(limits))
    evidence_rules: EvidenceRules | None = p.get("evidence")
    if evidence_rules is not None:
        problems.extend(_check_evidence(evidence_rules))

    if "guidelines" in p:
        _, written = p["guidelines"]
        problems.extend(_check_guidelines(written, sanctions))
    return problems


def _check_body(i: int, body: Body, by_id: dict[str, Body], known: dict[str, int] | None) -> list[Problem]:
    loc = f"bodies[{i}]"
    problems: list[Problem] = []
    hears = body.has(Power.HEAR) or body.has(Power.HEAR_APPEALS)
    if hears:
        if body.panel_size < 1:
            problems.append(Problem(f"{loc}.panel_size", "a body that hears cases needs a panel of at least 1"))
        if not 1 <= body.quorum <= body.panel_size:
            problems.append(Problem(f"{loc}.quorum", f"must be between 1 and the panel size ({body.panel_size})"))
    elif body.quorum > body.panel_size:
        problems.append(Problem(f"{loc}.quorum", f"must not exceed the panel size ({body.panel_size})"))
    if body.has(Power.EXPEL) and not body.has(Power.HEAR):
        problems.append(Problem(f"{loc}.powers", "'expel' needs 'hear': nobody is expelled without a hearing"))
    if body.has(Power.SANCTION) and not body.has(Power.HEAR):
        problems.append(Problem(f"{loc}.powers", "'sanction' needs 'hear': nobody is sanctioned without a hearing"))
    if body.appeals_to is not None:
        target = by_id.get(body.appeals_to)
        if target is None:
            _check_refs([body.appeals_to], known, f"{loc}.appeals_to", "body", problems)
        elif target.id == body.id:
            problems.append(Problem(f"{loc}.appeals_to", "a body cannot hear appeals against itself"))
        elif not target.has(Power.HEAR_APPEALS):
            problems.append(Problem(f"{loc}.appeals_to", f"body {target.id!r} has no 'hear_appeals' power"))
    elif (body.has(Power.SANCTION) or body.has(Power.EXPEL)) and body.has(Power.HEAR):
        # Safeguard 17 (always): every sanction carries a right of appeal.
        problems.append(
            Problem(f"{loc}.appeals_to", "a body that can sanction must name the body that hears its appeals")
        )
    return problems


def _check_appeal_cycles(bodies: list[tuple[int, Body]], by_id: dict[str, Body]) -> list[Problem]:
    problems = []
    for i, body in bodies:
        seen = [body.id]
        if body.appeals_to == body.id:
            continue  # reported as appealing to itself
        current = by_id.get(body.appeals_to or "")
        while current is not None and current.id not in seen:
            seen.append(current.id)
            current = by_id.get(current.appeals_to or "")
        if current is not None and current.id == body.id:
            chain = " -> ".join([*seen, body.id])
            problems.append(Problem(f"bodies[{i}].appeals_to", f"appeals go round in a circle: {chain}"))
    return problems


def _check_jurisdiction(
    rules: Sequence[JurisdictionRule | _Broken],
    clauses: dict[str, int] | None,
    categories: dict[str, int] | None,
    offices: dict[str, int] | None,
    seriousness: dict[str, int] | None,
    known_bodies: dict[str, int] | None,
    bodies: dict[str, Body],
) -> list[Problem]:
    problems: list[Problem] = []
    catch_all_at: int | None = None
    for i, rule in enumerate(rules):
        if isinstance(rule, _Broken):
            continue
        loc = f"jurisdiction[{i}]"
        if catch_all_at is not None:
            problems.append(Problem(loc, f"can never match: jurisdiction[{catch_all_at}] before it matches every case"))
        _check_refs(rule.clauses, clauses, f"{loc}.clauses", "clause", problems)
        _check_refs(rule.categories, categories, f"{loc}.categories", "category", problems)
        _check_refs(rule.offices, offices, f"{loc}.offices", "office", problems)
        if rule.min_seriousness is not None:
            _check_refs([rule.min_seriousness], seriousness, f"{loc}.min_seriousness", "seriousness level", problems)
        body = bodies.get(rule.body)
        if body is None:
            _check_refs([rule.body], known_bodies, f"{loc}.body", "body", problems)
        elif not body.powers & {Power.TRIAGE, Power.INVESTIGATE, Power.HEAR}:
            problems.append(Problem(f"{loc}.body", f"body {rule.body!r} can neither triage, investigate nor hear"))
        if rule.is_catch_all and catch_all_at is None:
            catch_all_at = i
    if rules and catch_all_at is None:
        problems.append(
            Problem("jurisdiction", "the last rule must match every case (no conditions), so no case is left unrouted")
        )
    return problems


def _check_time_limits(limits: TimeLimits) -> list[Problem]:
    problems: list[Problem] = []
    if limits.respond_days < MIN_RESPOND_DAYS:
        problems.append(
            Problem(
                "time_limits.respond_days",
                f"must be at least {MIN_RESPOND_DAYS}: a respondent always has 14 days to answer a notice",
            )
        )
    if limits.interim_suspension_cap_days < limits.interim_suspension_review_days:
        problems.append(
            Problem("time_limits.interim_suspension_cap_days", "must not be shorter than the review period")
        )
    known = {s.value for s in Stage}
    for stage in limits.stage_targets:
        if stage not in known:
            problems.append(Problem(f"time_limits.stage_targets.{stage}", f"no stage {stage!r}"))
    return problems


def _check_evidence(rules: EvidenceRules) -> list[Problem]:
    """Safeguards 29 and 31: these sources always wait for the data protection officer's ruling."""
    problems: list[Problem] = []
    if "monitoring" not in rules.ruling_for_provenance:
        problems.append(
            Problem(
                "evidence.ruling_for_provenance",
                'must include "monitoring": evidence from systematic monitoring always needs a data protection ruling',
            )
        )
    for attribution in ("unverified", "anonymous"):
        if attribution not in rules.ruling_for_attribution:
            problems.append(
                Problem(
                    "evidence.ruling_for_attribution",
                    f"must include {attribution!r}: evidence from accounts not proven to be the respondent's "
                    "always needs a data protection ruling",
                )
            )
    return problems


def _check_guidelines(written: dict[str, list[Any]], sanctions: dict[str, int] | None) -> list[Problem]:
    """Checks on the guideline lists as written in the file, broken items included so locations stay true."""
    problems: list[Problem] = []
    for key in ("culpability", "harm", "grid"):
        if key in written and not written[key]:
            problems.append(Problem(f"guidelines.{key}", "needs at least one entry"))
    culpability = _ids(written.get("culpability", []), "guidelines.culpability", "culpability level", problems)
    harm = _ids(written.get("harm", []), "guidelines.harm", "harm level", problems)
    aggravating = _ids(written.get("aggravating", []), "guidelines.aggravating", "factor", problems)
    for i, factor in enumerate(written.get("mitigating", [])):
        if factor.id in aggravating:
            problems.append(
                Problem(
                    f"guidelines.mitigating[{i}].id",
                    f"{factor.id!r} is also an aggravating factor (guidelines.aggravating[{aggravating[factor.id]}])",
                )
            )
    _ids(written.get("mitigating", []), "guidelines.mitigating", "factor", problems)
    seen: dict[tuple[str, str], int] = {}
    for i, cell in enumerate(written.get("grid", [])):
        if isinstance(cell, _Broken):
            continue
        loc = f"guidelines.grid[{i}]"
        _check_refs([cell.culpability], culpability, f"{loc}.culpability", "culpability level", problems)
        _check_refs([cell.harm], harm, f"{loc}.harm", "harm level", problems)
        key = (cell.culpability, cell.harm)
        if key in seen:
            problems.append(Problem(loc, f"duplicate cell {key[0]}x{key[1]} (first at guidelines.grid[{seen[key]}])"))
        seen.setdefault(key, i)
        if sanctions is None:
            continue
        named = {"starting_point": cell.starting_point, "range[0]": cell.range[0], "range[1]": cell.range[1]}
        outside = {name: value for name, value in named.items() if value not in sanctions}
        for name, value in outside.items():
            problems.append(Problem(f"{loc}.{name}", f"{value!r} is not in the sanction list"))
        if not outside:
            low, start, high = sanctions[cell.range[0]], sanctions[cell.starting_point], sanctions[cell.range[1]]
            if not low <= start <= high:
                problems.append(Problem(loc, "the starting point must lie within the range, mildest sanction first"))
    if any(isinstance(cell, _Broken) for cell in written.get("grid", [])):
        return problems  # a broken cell may be the one that looks missing
    for c in culpability:
        for h in harm:
            if (c, h) not in seen:
                problems.append(Problem("guidelines.grid", f"no cell for culpability {c!r} and harm {h!r}"))
    return problems


def check_versions(rulebooks: Sequence[tuple[str, Rulebook]]) -> list[Problem]:
    """Problems between versions of one organisation's rulebook: each date must be governed by at most one."""
    problems: list[Problem] = []
    organisations = {rb.rulebook.organisation for _, rb in rulebooks}
    if len(organisations) > 1:
        problems.append(
            Problem("rulebook.organisation", f"versions name different organisations: {sorted(organisations)}")
        )
    seen: dict[str, str] = {}
    for name, rb in rulebooks:
        if rb.version in seen:
            problems.append(Problem(f"{name}: rulebook.version", f"version {rb.version!r} also in {seen[rb.version]}"))
        seen.setdefault(rb.version, name)
    labelled = {id(rb): name for name, rb in rulebooks}
    for a, b in overlapping_pairs([rb for _, rb in rulebooks]):
        problems.append(
            Problem(
                f"{labelled[id(b)]}: rulebook.effective_from",
                f"version {b.version!r} overlaps version {a.version!r} ({labelled[id(a)]}): "
                "effective dates must not overlap",
            )
        )
    return problems
