"""Read-side selectors: one period of the database as the plain facts a transparency report counts
(`analytics.transparency.ReportFacts`). Nothing here names a person: each record is a handful of categories.

Cases, their first-instance decisions, regions and offices come from the analytics' own loading
(`analysis.loading.case_records`), so the published figures and the consistency analysis count the same cases the
same way. Everything is "as at the end of the period", so the same period always gives the same figures from the
same records, whenever the report is made.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from fairhearing.analysis.loading import case_records
from fairhearing.analysis.models import AnalysisRun
from fairhearing.analytics import transparency as t
from fairhearing.analytics.disclosure import Microdata
from fairhearing.analytics.periods import Period
from fairhearing.analytics.records import CaseRecord
from fairhearing.audit.checkpoints import latest_checkpoint, verifier_key
from fairhearing.cases.models import (
    Admissibility,
    Appeal,
    Case,
    Decision,
    DecisionKind,
    EvidenceItem,
    InterimSuspension,
)
from fairhearing.organisation.models import Body, Member, Region, RulebookVersion
from fairhearing.organisation.selectors import parsed_rulebook
from fairhearing.procedure.admissibility import Attribution, Provenance, Visibility
from fairhearing.procedure.deadlines import add_period
from fairhearing.procedure.rulebook import Rulebook
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.versions import version_in_force

# The stages a case passes through before its decision, whose targets add up to the target for a decision.
STAGES_BEFORE_DECISION = (Stage.TRIAGE, Stage.INVESTIGATION, Stage.NOTICE_ISSUED, Stage.HEARING)


def report_facts(period: Period) -> t.ReportFacts:
    """Everything the report for `period` counts, in a few queries (national size: see `case_records`)."""
    versions = list(RulebookVersion.objects.all())
    rulebook = _rulebook_for(versions, period.end)
    regions = dict(Region.objects.values_list("code", "name"))
    groups = _body_groups(versions, rulebook)
    bodies = _group_order(groups, rulebook)
    categories = _category_names(versions)
    sanctions = _sanction_names(versions, rulebook)
    records = case_records()
    end = _end_of(period)
    received = [r for r in records if _in(period, r.received_on)]
    dismissed = [r for r in records if r.dismissed_at_triage and _in(period, r.dismissed_on)]
    decided = [r for r in records if r.decision is not None and _in(period, r.decision.decided_on)]
    region_names = list(regions.values())

    def group(body: str) -> str:
        return groups.get(body, body)

    def case_dims(r: CaseRecord) -> dict[str, str]:
        return {
            "body": group(r.body),
            "region": regions.get(r.region, r.region),
            "category": categories.get(r.category, r.category or "Not recorded"),
            "office": _office(r),
        }

    def outcome(r: CaseRecord) -> str:
        assert r.decision is not None
        return sanctions.get(r.decision.sanction, r.decision.sanction) if r.decision.proven else t.NOT_PROVEN

    suspensions, suspension_days = _suspensions(period, end, group)
    appeals = _appeals(period, end, group)
    microdata = (
        Microdata(
            t.RECEIVED,
            {
                "body": bodies,
                "region": region_names,
                "category": _categories_of(categories, received),
                "office": list(t.OFFICES),
            },
            [case_dims(r) for r in received],
        ),
        Microdata(
            t.DISMISSED,
            {"body": bodies, "category": _categories_of(categories, dismissed)},
            [{k: v for k, v in case_dims(r).items() if k in {"body", "category"}} for r in dismissed],
        ),
        Microdata(
            t.DECIDED,
            {
                "body": bodies,
                "region": region_names,
                "category": _categories_of(categories, decided),
                "office": list(t.OFFICES),
                "outcome": [t.NOT_PROVEN, *dict.fromkeys(sanctions.values())],
            },
            [{**case_dims(r), "body": group(r.decision.body), "outcome": outcome(r)} for r in decided if r.decision],
        ),
        Microdata(
            t.SUSPENSIONS,
            {"body": bodies, "ending": list(t.ENDINGS), "review": list(t.REVIEWS)},
            suspensions,
        ),
        Microdata(t.APPEALS, {"body": bodies, "result": list(t.APPEAL_RESULTS)}, appeals),
        Microdata(t.EVIDENCE, {"reason": list(t.EXCLUSION_REASONS)}, _exclusions(period)),
        Microdata(t.MEMBERS, {"region": region_names}, _members(end, regions)),
    )
    decision_days: dict[str, list[int]] = defaultdict(list)
    for r in decided:
        assert r.decision is not None
        decision_days[group(r.decision.body)].append((r.decision.decided_on - r.received_on).days)
    return t.ReportFacts(
        organisation=rulebook.rulebook.organisation if rulebook else "",
        microdata=microdata,
        decision_days=dict(decision_days),
        target_days=_target_days(rulebook, period.start) if rulebook else None,
        suspension_days=suspension_days,
        review_days=rulebook.time_limits.interim_suspension_review_days if rulebook else 0,
        consistency=consistency(),
    )


def consistency() -> dict[str, Any] | None:
    """The consistency indices of the latest analysis (`analysis` app), for the whole organisation and each body over
    all years; a body with fewer decisions than the threshold is left out rather than shown as a number.

    The number of decisions behind each is not published: counted over all years, two releases' counts would differ
    by the decisions made between them, which can be a handful at one body."""
    run = AnalysisRun.objects.order_by("-finished_at", "-pk").first()
    if run is None:
        return None
    rows = []
    for index in run.report.get("indices", ()):
        if index.get("year") is not None or index.get("too_few") or index.get("decisions", 0) < t.THRESHOLD:
            continue
        rows.append(
            {
                "label": index.get("body") or "Whole organisation",
                "explained_share": index.get("explained_share"),
                "neighbour_agreement": index.get("neighbour_agreement"),
                "like_case_spread": index.get("like_case_spread"),
            }
        )
    rows.sort(key=lambda r: (r["label"] != "Whole organisation", r["label"].casefold()))
    return {
        "generated_at": run.finished_at.isoformat(),
        "note": (
            "From the latest consistency analysis, over every decision on record rather than this period's alone. "
            "Explained share: how much of the difference between sanctions the recorded facts of the cases explain. "
            "Neighbour agreement: how close decisions came to those in the most similar cases (100% = the same). "
            "Like-case spread: how many steps of the sanction scale apart like cases typically ended."
        ),
        "rows": rows,
    }


def checkpoint() -> dict[str, Any] | None:
    """The latest signed checkpoint of the audit log, with the key to check it: made by the publication itself
    (`services.publish_release`), after the release's own entry."""
    latest = latest_checkpoint()
    if latest is None:
        return None
    return {
        "origin": latest.note.splitlines()[0] if latest.note else "",
        "size": latest.size,
        "root": base64.b64encode(bytes(latest.root)).decode(),
        "note": latest.note,
        "verifier_key": verifier_key(),
        "made_at": latest.made_at.isoformat(),
    }


# Pieces.


def _rulebook_for(versions: list[RulebookVersion], day: date) -> Rulebook | None:
    if not versions:
        return None
    version = version_in_force(versions, day) or max(versions, key=lambda v: v.effective_from)
    return parsed_rulebook(version)


def _body_groups(versions: list[RulebookVersion], current: Rulebook | None) -> dict[str, str]:
    """Each body's name to the rulebook body it is an instance of ("Regional Office, London" -> "Regional Office"):
    tables count by the rulebook's bodies, since a table with a row per branch would be almost all withheld cells,
    and the region is a dimension of its own."""
    names: dict[str, str] = {}
    for version in [*([current] if current else []), *(parsed_rulebook(v) for v in versions)]:
        for body in version.bodies:
            names.setdefault(body.id, body.name)
    return {name: names.get(kind, name) for name, kind in Body.objects.order_by("pk").values_list("name", "kind")}


def _group_order(groups: dict[str, str], current: Rulebook | None) -> list[str]:
    order = [b.name for b in current.bodies] if current else []
    return list(dict.fromkeys([*order, *sorted(set(groups.values()))]))


def _category_names(versions: list[RulebookVersion]) -> dict[str, str]:
    names: dict[str, str] = {}
    for version in sorted(versions, key=lambda v: v.effective_from):
        names.update({c.id: c.name for c in parsed_rulebook(version).categories})
    return names


def _sanction_names(versions: list[RulebookVersion], current: Rulebook | None) -> dict[str, str]:
    """Sanction ids to names, the current rulebook's in its order (mildest first), then any older ones."""
    names: dict[str, str] = {s.id: s.name for s in current.sanctions} if current else {}
    for version in versions:
        for sanction in parsed_rulebook(version).sanctions:
            names.setdefault(sanction.id, sanction.name)
    return names


def _categories_of(names: dict[str, str], records: list[CaseRecord]) -> list[str]:
    listed = list(dict.fromkeys(names.values()))
    extra = sorted({names.get(r.category, r.category or "Not recorded") for r in records} - set(listed))
    return [*listed, *extra]


def _office(r: CaseRecord) -> str:
    if r.senior:
        return t.SENIOR_OFFICE
    return t.OTHER_OFFICE if r.offices else t.NO_OFFICE


def _in(period: Period, day: date | None) -> bool:
    return day is not None and period.start <= day <= period.end


def _end_of(period: Period) -> datetime:
    """The first moment after the period, in the organisation's time zone."""
    return timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))


def _start_of(period: Period) -> datetime:
    return timezone.make_aware(datetime.combine(period.start, time.min))


def _target_days(rulebook: Rulebook, start: date) -> int | None:
    """Days from receipt to decision if every stage before it took exactly its target, for a case received on the
    period's first day (working-day targets depend on the calendar)."""
    day, counted = start, False
    for stage in STAGES_BEFORE_DECISION:
        target = rulebook.time_limits.stage_targets.get(stage.value)
        if target is not None:
            day, counted = add_period(day, target.days, target.count, rulebook.calendar), True
    return (day - start).days if counted else None


def _suspensions(
    period: Period, end: datetime, group: Callable[[str], str]
) -> tuple[list[dict[str, str]], dict[str, list[int]]]:
    rows = list(
        InterimSuspension.objects.filter(imposed_at__gte=_start_of(period), imposed_at__lt=end).values(
            "case_id", "case__body__name", "imposed_at", "review_by", "review_missed", "lifted_at"
        )
    )
    case_ids = {row["case_id"] for row in rows}
    sanctioned, concluded = _conclusions(case_ids, end)
    records, days = [], defaultdict(list)
    zone = timezone.get_current_timezone()
    for row in rows:
        lifted = row["lifted_at"] is not None and row["lifted_at"] < end
        case = row["case_id"]
        if case in sanctioned:
            ending = t.ENDED_WITH_SANCTION
        elif not lifted:
            ending = t.IN_FORCE
        else:
            ending = t.LIFTED_NO_SANCTION if case in concluded else t.LIFTED_OPEN
        lifted_on = row["lifted_at"].astimezone(zone).date() if lifted else None
        if row["review_missed"]:
            review = t.REVIEW_MISSED
        elif (lifted_on is not None and lifted_on <= row["review_by"]) or row["review_by"] <= period.end:
            review = t.REVIEWED_ON_TIME
        else:
            review = t.REVIEW_NOT_DUE
        records.append({"body": group(row["case__body__name"]), "ending": ending, "review": review})
        if lifted:
            days[group(row["case__body__name"])].append((row["lifted_at"] - row["imposed_at"]).days)
    return records, dict(days)


def _conclusions(case_ids: set[int], end: datetime) -> tuple[set[int], set[int]]:
    """Of these cases, those with a sanction decided by `end`, and those concluded by then (decided or closed)."""
    decisions = Decision.objects.filter(case_id__in=case_ids, decided_at__lt=end).order_by("decided_at", "pk")
    latest: dict[int, str] = {}
    for case_id, sanction in decisions.values_list("case_id", "sanction"):
        latest[case_id] = sanction
    mildest = _mildest_sanctions()
    sanctioned = {case for case, sanction in latest.items() if sanction and sanction not in mildest}
    closed = set(Case.objects.filter(pk__in=case_ids, closed_at__lt=end).values_list("pk", flat=True))
    return sanctioned, closed | set(latest)


def _mildest_sanctions() -> set[str]:
    """Each rulebook's first sanction: 'no further action', which is no sanction at all."""
    return {parsed_rulebook(v).sanctions[0].id for v in RulebookVersion.objects.all()}


def _appeals(period: Period, end: datetime, group: Callable[[str], str]) -> list[dict[str, str]]:
    appeals = list(
        Appeal.objects.filter(lodged_on__gte=period.start, lodged_on__lte=period.end).values(
            "case_id", "case__body__name"
        )
    )
    case_ids = {a["case_id"] for a in appeals}
    first_body: dict[int, str] = {}
    results: dict[int, str] = {}
    decisions = Decision.objects.filter(case_id__in=case_ids).order_by("decided_at", "pk")
    for case_id, kind, body, result, decided_at in decisions.values_list(
        "case_id", "kind", "body__name", "appeal_result", "decided_at"
    ):
        if kind == DecisionKind.FIRST_INSTANCE:
            first_body.setdefault(case_id, body)
        elif decided_at < end:
            results[case_id] = result
    label = {"dismissed": t.APPEAL_DISMISSED, "varied": t.APPEAL_VARIED, "overturned": t.APPEAL_OVERTURNED}
    return [
        {
            "body": group(first_body.get(a["case_id"], a["case__body__name"])),
            "result": label.get(results.get(a["case_id"], ""), t.APPEAL_PENDING),
        }
        for a in appeals
    ]


def _exclusions(period: Period) -> list[dict[str, str]]:
    items = EvidenceItem.objects.filter(
        admissibility=Admissibility.EXCLUDED, ruled_at__gte=_start_of(period), ruled_at__lt=_end_of(period)
    ).values_list("provenance", "attribution", "visibility")
    return [{"reason": _exclusion_reason(*item)} for item in items]


def _exclusion_reason(provenance: str, attribution: str, visibility: str) -> str:
    """One reason per item, the first that applies, so the reasons add up to the items."""
    if provenance == Provenance.MONITORING:
        return t.EXCLUSION_MONITORING
    if attribution in {Attribution.UNVERIFIED, Attribution.ANONYMOUS}:
        return t.EXCLUSION_ATTRIBUTION
    if visibility == Visibility.PRIVATE:
        return t.EXCLUSION_PRIVATE
    return t.EXCLUSION_OTHER


def _members(end: datetime, regions: dict[str, str]) -> list[dict[str, str]]:
    """A record per member at the end of the period (joined by then, not left): the rates' denominator."""
    last_day = (end - timedelta(days=1)).date()
    counts = (
        Member.objects.filter(joined__lte=last_day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=last_day))
        .values_list("branch__region__code", flat=True)
    )
    return [{"region": regions[code]} for code in counts]
