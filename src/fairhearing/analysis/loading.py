"""Read-side selectors: the database as the plain records `fairhearing.analytics` works on.

Built for national size (tens of thousands of cases): one `.values()` query per table, joined here in memory, never
a query per case, and each rulebook version parsed once. Nothing here names a person: a respondent appears only as
a region, offices held and, when asked for, one special-category value (`records.CaseRecord.special`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fairhearing.analytics.records import CaseRecord, DecisionRecord, Scale
from fairhearing.audit import log as audit
from fairhearing.cases.models import Allegation, Case, Decision, DecisionKind, Finding
from fairhearing.evidence.vault import default_vault
from fairhearing.organisation.models import PanelRole, RulebookVersion
from fairhearing.organisation.selectors import parsed_rulebook
from fairhearing.privacy.models import SpecialCategory, SpecialCategoryRecord
from fairhearing.privacy.special_category import value_binding
from fairhearing.procedure.errors import ActionRefused, Refusal
from fairhearing.procedure.rulebook import Rulebook
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.versions import version_in_force

# Imported historical decisions have no panel: the file's decision-maker survives only in the reasons the import
# writes (`fairhearing.imports.cases._decisions`), and the funnels by decision-maker need it for the history.
IMPORTED_DECIDED_BY = re.compile(r"^Imported record: decided by (?P<name>.+)\.$", re.DOTALL)


def scale_of(rulebook: Rulebook) -> Scale:
    """The rulebook's sanctions, mildest first, and where suspension and expulsion start on that scale."""
    sanctions = rulebook.sanctions
    suspension_from = next((i for i, s in enumerate(sanctions) if s.time_limited), len(sanctions) - 1)
    return Scale(
        sanctions=tuple(s.id for s in sanctions),
        names=tuple(s.name for s in sanctions),
        suspension_from=suspension_from,
        expulsion=len(sanctions) - 1,
    )


def current_scale(today: date | None = None) -> Scale:
    """The scale of the rulebook in force today, or of the newest version when none is (a gap, or history only)."""
    versions = list(RulebookVersion.objects.all())
    if not versions:
        raise ActionRefused("no rulebook is loaded: load one before analysing decisions")
    version = version_in_force(versions, today or timezone.localdate()) or max(versions, key=lambda v: v.effective_from)
    return scale_of(version.rulebook)


@dataclass(frozen=True)
class _Vocabulary:
    """What one rulebook version says about the ids stored on its cases, looked up once per version."""

    category_of: dict[str, str]
    senior_offices: frozenset[str]
    rulebook: Rulebook

    @classmethod
    def of(cls, rulebook: Rulebook) -> _Vocabulary:
        return cls(
            category_of={c.id: c.category for c in rulebook.clauses},
            senior_offices=frozenset(o.id for o in rulebook.offices if o.senior),
            rulebook=rulebook,
        )

    def rank(self, sanction: str) -> int | None:
        return self.rulebook.sanction_rank(sanction) if sanction else None


def _vocabularies() -> dict[int, _Vocabulary]:
    return {version.pk: _Vocabulary.of(parsed_rulebook(version)) for version in RulebookVersion.objects.all()}


def case_records(*, special_category: str | None = None) -> list[CaseRecord]:
    """Every case, imported past cases included, each with its first-instance decision if it has one.

    With `special_category`, each respondent's value of that category is decrypted for the group comparisons; the
    read goes on the audit log as one entry saying how many values were read and why.
    """
    return _records(None, special_category=special_category)


def case_record(case: Case) -> CaseRecord:
    """One case as a record, e.g. an undecided case to search precedents for."""
    return _records([case.pk])[0]


def _records(case_ids: list[int] | None, *, special_category: str | None = None) -> list[CaseRecord]:
    """The records of these cases, or of every case (`None`): the same few queries either way."""
    if special_category is not None and special_category not in SpecialCategory.values:
        known = ", ".join(SpecialCategory.values)
        raise ActionRefused(
            [Refusal("category", f"there is no special category {special_category!r} (known: {known})")]
        )
    vocabularies = _vocabularies()
    # Asked once: looking up the current zone per row is a third of the time at national size.
    zone = timezone.get_current_timezone()
    cases = list(
        Case.objects.filter(_in("pk", case_ids))
        .order_by("pk")
        .values(
            "pk",
            "reference",
            "received_at",
            "body__name",
            "respondent_id",
            "respondent__branch__region__code",
            "rulebook_version_id",
            "respondent_offices",
            "seriousness",
            "stage",
            "stage_entered_at",
        )
    )
    allegations = _allegations(case_ids)
    decisions = _decisions(case_ids)
    special = _special_values(special_category, {c["respondent_id"] for c in cases}) if special_category else {}
    records = []
    for c in cases:
        vocabulary = vocabularies[c["rulebook_version_id"]]
        clauses, particulars = allegations.get(c["pk"], ((), ()))
        offices = frozenset(c["respondent_offices"] or ())
        dismissed = c["stage"] == Stage.DISMISSED
        decision = decisions.get(c["pk"])
        records.append(
            CaseRecord(
                ref=c["reference"],
                received_on=c["received_at"].astimezone(zone).date(),
                body=c["body__name"],
                region=c["respondent__branch__region__code"],
                clauses=clauses,
                categories=frozenset(vocabulary.category_of[clause] for clause in clauses),
                seriousness=vocabulary.rulebook.seriousness_rank(c["seriousness"]),
                text="\n".join(particulars),
                offices=offices,
                senior=bool(offices & vocabulary.senior_offices),
                dismissed_at_triage=dismissed,
                # A dismissal ends the case, so the stage it entered last is the dismissal.
                dismissed_on=c["stage_entered_at"].astimezone(zone).date() if dismissed else None,
                decision=_decision_record(decision, vocabulary, zone) if decision else None,
                special=special.get(c["respondent_id"]),
                category=vocabulary.category_of[clauses[0]] if clauses else "",
            )
        )
    return records


def _in(field: str, ids: list[int] | None) -> Q:
    return Q(**{f"{field}__in": ids}) if ids is not None else Q()


def _allegations(case_ids: list[int] | None) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    clauses: dict[int, list[str]] = defaultdict(list)
    particulars: dict[int, list[str]] = defaultdict(list)
    rows = Allegation.objects.filter(_in("case_id", case_ids)).order_by("case_id", "pk")
    for case_id, clause, text in rows.values_list("case_id", "clause", "particulars"):
        if clause not in clauses[case_id]:
            clauses[case_id].append(clause)
        particulars[case_id].append(text)
    return {case_id: (tuple(clauses[case_id]), tuple(particulars[case_id])) for case_id in clauses}


def _decisions(case_ids: list[int] | None) -> dict[int, dict]:
    """The first first-instance decision of each case (a fresh panel after a veto decides again: the first stands
    for what the body did), with whether anything was found proven and who decided."""
    first: dict[int, dict] = {}
    rows = (
        Decision.objects.filter(_in("case_id", case_ids), kind=DecisionKind.FIRST_INSTANCE)
        .order_by("case_id", "decided_at", "pk")
        .values(
            "pk",
            "case_id",
            "decided_at",
            "body__name",
            "sanction",
            "culpability",
            "harm",
            "aggravating",
            "mitigating",
            "guideline_starting_point",
            "guideline_lowest",
            "guideline_highest",
            "departure_reason",
            "reasons",
        )
    )
    for row in rows:
        first.setdefault(row["case_id"], row)
    by_pk = {row["pk"]: row for row in first.values()}
    decision_ids = list(by_pk) if case_ids is not None else None
    findings: dict[int, list[bool]] = defaultdict(list)
    finding_rows = Finding.objects.filter(_in("decision_id", decision_ids), decision__kind=DecisionKind.FIRST_INSTANCE)
    for decision_id, proven in finding_rows.values_list("decision_id", "proven"):
        findings[decision_id].append(proven)
    seats = Decision.panel.through.objects.filter(
        _in("decision_id", decision_ids), decision__kind=DecisionKind.FIRST_INSTANCE
    ).order_by("decision_id", "pk")
    panels: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for decision_id, role, name in seats.values_list("decision_id", "panelmember__role", "panelmember__member__name"):
        panels[decision_id].append((role, name))
    for pk, row in by_pk.items():
        row["findings"] = findings.get(pk, [])
        row["panel"] = panels.get(pk, [])
    return first


def _decision_maker(panel: list[tuple[str, str]], reasons: str) -> str:
    chair = next((name for role, name in panel if role == PanelRole.CHAIR), None)
    if chair is not None:
        return chair
    if panel:
        return panel[0][1]
    imported = IMPORTED_DECIDED_BY.match(reasons)
    return imported["name"] if imported else ""


def _decision_record(row: dict, vocabulary: _Vocabulary, zone: tzinfo) -> DecisionRecord:
    severity = vocabulary.rulebook.sanction_rank(row["sanction"])
    # Without findings (an imported record) a decision was still reached on the facts when the panel assessed
    # culpability, or imposed anything above the mildest outcome: no sanction is imposed on nothing proven.
    proven = any(row["findings"]) if row["findings"] else bool(row["culpability"]) or severity > 0
    return DecisionRecord(
        decided_on=row["decided_at"].astimezone(zone).date(),
        body=row["body__name"],
        decision_maker=_decision_maker(row["panel"], row["reasons"]),
        proven=proven,
        sanction=row["sanction"],
        severity=severity,
        culpability=row["culpability"],
        harm=row["harm"],
        aggravating=frozenset(row["aggravating"] or ()),
        mitigating=frozenset(row["mitigating"] or ()),
        guideline_start=vocabulary.rank(row["guideline_starting_point"]),
        guideline_lowest=vocabulary.rank(row["guideline_lowest"]),
        guideline_highest=vocabulary.rank(row["guideline_highest"]),
        departure_reason=row["departure_reason"],
    )


def _special_values(category: str, member_ids: Iterable[int], *, now: datetime | None = None) -> dict[int, str]:
    """Each respondent's value of one special category, decrypted for aggregate comparison only.

    The values never leave in a per-case result (the analytics compare groups, with small cells suppressed), and
    the read itself is on the audit log: one entry with the count, naming the members whose values were read so
    that a subject access request finds it, and never a value.
    """
    wanted = set(member_ids)
    vault = default_vault()
    rows = SpecialCategoryRecord.objects.filter(category=category).values_list("member_id", "value_encrypted")
    values = {
        member_id: vault.unseal(bytes(sealed), value_binding(member_id, category)).decode()
        for member_id, sealed in rows
        if member_id in wanted
    }
    label = SpecialCategory(category).label
    with transaction.atomic():
        audit.record(
            None,
            "special_category.analysed",
            "special_category",
            category,
            summary=(
                f"{label} of {len(values)} respondent(s) read for aggregate fairness analysis; "
                "no value is kept against a case."
            ),
            subjects=sorted(values),
            data={"category": category, "values_read": len(values)},
            at=now,
        )
    return values
