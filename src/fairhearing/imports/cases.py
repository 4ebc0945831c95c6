"""Importing historical, already decided cases, so that the analytics have a history from day one.

Each row becomes a closed case marked as imported (`CaseSource.IMPORT`): its record, not a replay of the
procedure. It gets its allegations (one per clause), its first-instance decision, the appeal decision when there
was an appeal, one timeline entry saying where it came from, its words in the case search index, and one
"case.imported" entry on the audit log. Members named in the file but missing from the member table are added as
former members. The whole file goes in one transaction, in bulk, or nothing does (docs/import.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.audit.models import AuditEvent, MerkleNode
from fairhearing.bulk_insert import BIG_LOAD, insert_rows, insert_tuples, refresh_statistics
from fairhearing.cases.models import (
    Allegation,
    Case,
    CaseSource,
    ComplainantKind,
    Decision,
    DecisionKind,
    EventKind,
    SearchTerm,
    TimelineEvent,
)
from fairhearing.imports.case_rows import CaseRow, Units, check_header, check_row
from fairhearing.imports.results import ImportResult, Progress, begin_import, no_progress
from fairhearing.organisation.models import Body, Branch, Member, MemberStatus, Region, RulebookVersion
from fairhearing.procedure.rulebook import Level, Rulebook
from fairhearing.procedure.search_terms import index_terms
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.versions import version_in_force
from fairhearing.tables.problems import WHOLE_FILE, Report
from fairhearing.tables.reading import Table

BATCH = 2000  # rows written per round of bulk inserts: big enough to be fast, small enough to bound memory
_LOOKUP = 5000  # values per `__in` lookup, well inside every database's limit on query parameters
APPEAL_REASONS = {
    "dismissed": "Imported record: the appeal was dismissed.",
    "overturned": "Imported record: the decision was overturned on appeal.",
    "varied": "Imported record: the sanction was varied on appeal to a milder one, which the imported file does "
    "not give.",
}

BodyKey = tuple[str, int | None, int | None]  # (rulebook body id, region id, branch id), as organisation.body_key


@dataclass
class _Organisation:
    """What the rows are checked and written against, read once: units, rulebook versions, body instances."""

    regions: dict[str, tuple[int, str]]  # code -> (id, name)
    branches: dict[str, tuple[int, str, int]]  # code -> (id, name, region id)
    versions: dict[str, RulebookVersion]  # version id -> stored version
    bodies: dict[BodyKey, int]  # body instance -> id
    missing_bodies: dict[BodyKey, str] = field(default_factory=dict)  # instances to create -> their names

    @classmethod
    def load(cls) -> _Organisation:
        versions = {v.version: v for v in RulebookVersion.objects.all()}
        return cls(
            regions={code: (pk, name) for pk, code, name in Region.objects.values_list("pk", "code", "name")},
            branches={
                code: (pk, name, region)
                for pk, code, name, region in Branch.objects.values_list("pk", "code", "name", "region_id")
            },
            versions=versions,
            bodies={
                (kind, region, branch): pk
                for pk, kind, region, branch in Body.objects.values_list("pk", "kind", "region_id", "branch_id")
            },
        )

    @property
    def units(self) -> Units:
        region_codes = {pk: code for code, (pk, _) in self.regions.items()}
        return Units(
            regions=frozenset(self.regions),
            branch_region={code: region_codes[region] for code, (_, _, region) in self.branches.items()},
        )

    def rulebook_on(self):
        stored = list(self.versions.values())

        @cache
        def on(day: date) -> tuple[str, Rulebook] | None:
            version = version_in_force(stored, day)
            return (version.version, version.rulebook) if version is not None else None

        return on

    def body_key(self, rulebook: Rulebook, kind: str, branch_code: str) -> BodyKey:
        """The instance of a rulebook body that acts for a member of this branch (a regional one: its region)."""
        branch, _, region = self.branches[branch_code]
        level = rulebook.body(kind).level
        return kind, region if level == Level.REGIONAL else None, branch if level == Level.LOCAL else None

    def note_body(self, rulebook: Rulebook, kind: str, branch_code: str) -> BodyKey:
        """The key of that instance, noting it for creation when the rulebook was loaded before its unit existed."""
        key = self.body_key(rulebook, kind, branch_code)
        if key not in self.bodies and key not in self.missing_bodies:
            _, region, branch = key
            scope = next((n for pk, n in self.regions.values() if pk == region), None) if region else None
            scope = scope or next((n for pk, n, _ in self.branches.values() if pk == branch), None)
            name = rulebook.body(kind).name
            self.missing_bodies[key] = f"{name}, {scope}" if scope else name
        return key


@dataclass(frozen=True)
class _Member:
    pk: int | None  # None for a former member still to be created
    name: str


@dataclass
class _Plan:
    """What a clean file will write."""

    rows: list[CaseRow]  # the cases to create
    unchanged: int
    members: dict[str, _Member]  # membership number -> member
    former: dict[str, list[CaseRow]]  # membership numbers to add as former members -> their rows


def import_cases(
    path: Path,
    *,
    actor: User | None,
    label: str | None = None,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportResult:
    """Import a file of historical cases (docs/import.md). Problems come back in the result's report, and then
    nothing is written; so does a dry run."""
    result, table = begin_import("cases", path, dry_run=dry_run)
    if table is None:
        return result
    report = result.report
    if not check_header(table.columns, report):
        return result
    total = result.rows if dry_run else 2 * result.rows  # checking is half the bar, writing the other half
    if dry_run:
        _check_and_plan(table, result, progress, total)
        return result
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    source = _Source(path.name, sha256, actor, label)
    with transaction.atomic():
        # Checked inside the transaction, so nobody can take a reference or add a member between check and write.
        found = _check_and_plan(table, result, progress, total)
        if found is None:
            return result
        plan, org = found
        _write(plan, org, source, lambda done: progress(result.rows + done, total))
        audit.record(
            actor,
            "cases.imported",
            "import",
            "cases",
            summary=f"Historical cases imported from a file: {result.created} created, {result.unchanged} unchanged, "
            f"{len(plan.former)} former member(s) added.",
            data={
                "rows": result.rows,
                "created": result.created,
                "unchanged": result.unchanged,
                "former_members": len(plan.former),
                "file_sha256": sha256,
            },
            label=label,
        )
    if result.created >= BIG_LOAD:
        refresh_statistics([Member, Case, Allegation, Decision, TimelineEvent, SearchTerm, AuditEvent, MerkleNode])
    progress(total, total)
    return result


def _check_and_plan(
    table: Table, result: ImportResult, progress: Progress, total: int
) -> tuple[_Plan, _Organisation] | None:
    """Check every row and match the clean ones with the database; count them in `result`. None on problems."""
    report = result.report
    org = _Organisation.load()
    if not org.versions:
        report.problem(WHOLE_FILE, "", "no rulebook is loaded: load the rulebook(s) the cases were decided under first")
        return None
    rows = _checked_rows(table.records(), org, report, progress, total)
    plan = _plan(rows, org, report)
    if not report.ok:
        return None
    result.created = len(plan.rows)
    result.unchanged = plan.unchanged
    _warn_about_additions(plan, org, report, result.dry_run)
    progress(result.rows, total)
    return plan, org


def _checked_rows(
    records: Iterator[tuple[int, dict[str, str]]], org: _Organisation, report: Report, progress: Progress, total: int
) -> list[CaseRow]:
    rulebook_on, units, today = org.rulebook_on(), org.units, timezone.localdate()
    rows: list[CaseRow] = []
    first_row: dict[str, int] = {}
    for done, (number, values) in enumerate(records, 1):
        row = check_row(number, values, rulebook_on=rulebook_on, units=units, today=today, report=report)
        # Checked on the cell as written, so a row with other problems still shows its duplicate.
        ref = (values.get("case_ref") or "").strip()
        if ref and ref in first_row:
            report.problem(
                number, "case_ref", f"'{ref}' is also the case_ref of row {first_row[ref]}: each case needs its own"
            )
        elif ref:
            first_row[ref] = number
        if row is not None:
            rows.append(row)
        if done % 1000 == 0:
            progress(done, total)
    return rows


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _plan(rows: list[CaseRow], org: _Organisation, report: Report) -> _Plan:
    """Match the rows with the database: cases already there, members already there, body instances."""
    existing: dict[str, str] = {}  # reference -> source
    for chunk in _chunks([r.case_ref for r in rows], _LOOKUP):
        existing.update(Case.objects.filter(reference__in=chunk).values_list("reference", "source"))
    fingerprints: dict[str, str] = {}
    imported = [ref for ref, source in existing.items() if source == CaseSource.IMPORT]
    for chunk in _chunks(imported, _LOOKUP):
        for ref, data in AuditEvent.objects.filter(action="case.imported", case_reference__in=chunk).values_list(
            "case_reference", "data"
        ):
            fingerprints[ref] = data.get("row_sha256", "")
    new_rows: list[CaseRow] = []
    unchanged = 0
    for row in rows:
        if row.case_ref not in existing:
            new_rows.append(row)
        elif fingerprints.get(row.case_ref) == row.fingerprint:
            unchanged += 1  # imported before, exactly as it is now: nothing to do
        elif existing[row.case_ref] == CaseSource.IMPORT:
            report.problem(
                row.row,
                "case_ref",
                f"'{row.case_ref}' was imported before with different details. An imported case is never "
                "overwritten: correct it in fairhearing, or give this row the reference it was imported under",
            )
        else:
            report.problem(
                row.row,
                "case_ref",
                f"'{row.case_ref}' is already the reference of a case opened in fairhearing; give this row another",
            )
    members: dict[str, _Member] = {}
    numbers = sorted({r.membership_number for r in new_rows})
    for chunk in _chunks(numbers, _LOOKUP):
        for pk, number, name in Member.objects.filter(membership_number__in=chunk).values_list(
            "pk", "membership_number", "name"
        ):
            members[number] = _Member(pk, name)
    former: dict[str, list[CaseRow]] = {}
    for row in new_rows:
        if row.membership_number not in members:
            former.setdefault(row.membership_number, []).append(row)
        rulebook = org.versions[row.rulebook_version].rulebook
        org.note_body(rulebook, row.body, row.branch)
        if row.appeal_body:
            org.note_body(rulebook, row.appeal_body, row.branch)
    for number in former:
        members[number] = _Member(None, f"Former member {number}")
    return _Plan(new_rows, unchanged, members, former)


def _warn_about_additions(plan: _Plan, org: _Organisation, report: Report, dry_run: bool) -> None:
    will = "will be" if dry_run else "were"
    if plan.former:
        numbers = sorted(plan.former)
        shown = ", ".join(numbers[:10]) + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")
        report.warn(
            WHOLE_FILE,
            "membership_number",
            f"{len(numbers)} member(s) named in the file are not in the member table and {will} added as former "
            f"members: {shown}",
        )
    if org.missing_bodies:
        names = sorted(org.missing_bodies.values())
        report.warn(
            WHOLE_FILE,
            "body",
            f"{len(names)} body instance(s) did not exist yet and {will} created: {', '.join(names)}",
        )


# ---------------------------------------------------------------------------------------------------------------
# Writing a clean file.


@dataclass(frozen=True)
class _Source:
    name: str
    sha256: str
    actor: User | None
    label: str | None

    @property
    def actor_label(self) -> str:
        return self.label or audit.actor_label(self.actor)


def _moment(day: date) -> datetime:
    """The start of the day where the organisation is: the file gives dates, the records hold moments."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _former_status(rows: list[CaseRow], rulebooks: dict[str, Rulebook]) -> str:
    """Expelled if their last case ended in the most severe sanction; otherwise their membership lapsed (the
    most neutral reading of "no longer a member", when the file does not say why)."""
    last = max(rows, key=lambda r: (r.closed, r.row))
    sanctions = rulebooks[last.rulebook_version].sanctions
    return MemberStatus.EXPELLED if last.final_outcome == sanctions[-1].id else MemberStatus.LAPSED


def _write(plan: _Plan, org: _Organisation, source: _Source, progress) -> None:
    now = timezone.now()
    rulebooks = {key: version.rulebook for key, version in org.versions.items()}
    _create_bodies(org)
    _create_former_members(plan, org, source, rulebooks, now)
    version_ids = {key: version.pk for key, version in org.versions.items()}
    done = 0
    for chunk in _chunks(plan.rows, BATCH):
        cases = [_case(row, plan, org, rulebooks, version_ids, source) for row in chunk]
        Case.objects.bulk_create(cases)
        pairs = list(zip(chunk, cases, strict=True))
        insert_rows(
            Allegation,
            (
                Allegation(case=case, clause=clause, particulars=row.allegation, conduct_date=row.conduct)
                for row, case in pairs
                for clause in row.clauses
            ),
        )
        insert_rows(
            Decision,
            (d for row, case in pairs for d in _decisions(row, case, org, rulebooks[row.rulebook_version])),
        )
        events = [_timeline(row, case, source, now) for row, case in pairs]
        insert_rows(TimelineEvent, events)
        _insert_terms(
            (case.pk, term) for row, case in pairs for term in sorted(_terms(row, plan.members[row.membership_number]))
        )
        audit.record_many(
            source.actor,
            (
                _audit_entry(row, case, event, source, now)
                for row, case, event in zip(chunk, cases, events, strict=True)
            ),
            label=source.label,
        )
        done += len(chunk)
        progress(done)


def _insert_terms(rows: Iterable[tuple[int, str]]) -> None:
    """Search words, about twenty a case: by far the most rows written, and two plain columns, so they go in as
    tuples (COPY on PostgreSQL) rather than as model instances."""
    insert_tuples(SearchTerm._meta.db_table, ["case_id", "term"], list(rows))


def _create_bodies(org: _Organisation) -> None:
    for (kind, region, branch), name in org.missing_bodies.items():
        level = Level.REGIONAL if region else Level.LOCAL if branch else Level.NATIONAL
        body = Body.objects.create(kind=kind, name=name, level=level.value, region_id=region, branch_id=branch)
        org.bodies[(kind, region, branch)] = body.pk


def _create_former_members(
    plan: _Plan, org: _Organisation, source: _Source, rulebooks: dict[str, Rulebook], now: datetime
) -> None:
    if not plan.former:
        return
    created = []
    for number, rows in plan.former.items():
        latest = max(rows, key=lambda r: (r.closed, r.row))
        created.append(
            Member(
                membership_number=number,
                name=plan.members[number].name,
                branch_id=org.branches[latest.branch][0],
                status=_former_status(rows, rulebooks),
                # What the file shows: a member by the earliest conduct, gone by the last closure.
                joined=min(r.conduct for r in rows),
                left_on=latest.closed,
            )
        )
    Member.objects.bulk_create(created, batch_size=BATCH)
    for member in created:
        plan.members[member.membership_number] = _Member(member.pk, member.name)
    audit.record_many(
        source.actor,
        (
            audit.Entry(
                "member.imported",
                "member",
                member.pk,
                summary=f"Member {member.pk} added as a former member, named in historical cases imported.",
                subjects=[member.pk],
                data={"row": min(r.row for r in plan.former[member.membership_number]), "file_sha256": source.sha256},
                at=now,
            )
            for member in created
        ),
        label=source.label,
    )


def _case(
    row: CaseRow,
    plan: _Plan,
    org: _Organisation,
    rulebooks: dict[str, Rulebook],
    version_ids: dict[str, int],
    source: _Source,
) -> Case:
    closed = _moment(row.closed)
    return Case(
        reference=row.case_ref,
        respondent_id=plan.members[row.membership_number].pk,
        # The files carry no complainant; the organisation stands in, as for a complaint it raised itself.
        complainant_kind=ComplainantKind.ORGANISATION,
        source=CaseSource.IMPORT,
        received_at=_moment(row.received),
        body_id=org.bodies[org.body_key(rulebooks[row.rulebook_version], row.body, row.branch)],
        routing_reason=f"Imported historical record (file {source.name}, row {row.row}).",
        rulebook_version_id=version_ids[row.rulebook_version],
        respondent_offices=list(row.respondent_offices),
        seriousness=row.seriousness,
        stage=Stage.CLOSED.value,
        stage_entered_at=closed,
        outcome=row.final_outcome,
        closed_at=closed,
        closure_reason="Decided (imported historical record).",
    )


def _decisions(row: CaseRow, case: Case, org: _Organisation, rulebook: Rulebook) -> list[Decision]:
    decided_by = f"decided by {row.decided_by}." if row.decided_by else "the decision-maker is not recorded."
    first = Decision(
        case=case,
        kind=DecisionKind.FIRST_INSTANCE,
        body_id=case.body_id,
        decided_at=_moment(row.decided),
        sanction=row.outcome,
        suspension_months=row.suspension_months,
        aggravating=list(row.aggravating),
        mitigating=list(row.mitigating),
        reasons=f"Imported record: {decided_by}",
    )
    if row.appeal_outcome == "none":
        return [first]
    # The file gives no date for the appeal: it was decided by the time the case closed.
    appeal = Decision(
        case=case,
        kind=DecisionKind.APPEAL,
        body_id=org.bodies[org.body_key(rulebook, row.appeal_body, row.branch)],
        decided_at=_moment(row.closed),
        sanction=row.final_outcome,
        reasons=APPEAL_REASONS[row.appeal_outcome],
        appeal_result=row.appeal_outcome,
    )
    return [first, appeal]


def _timeline(row: CaseRow, case: Case, source: _Source, now: datetime) -> TimelineEvent:
    decided_by = f" by {row.decided_by}" if row.decided_by else ""
    appeal = "" if row.appeal_outcome == "none" else f", appeal {row.appeal_outcome}"
    return TimelineEvent(
        case=case,
        at=now,
        kind=EventKind.NOTE,
        actor=source.actor,
        actor_label=source.actor_label,
        summary=(
            f"Imported from {source.name}, row {row.row}: a historical record, not a replay of the procedure. "
            f"Received {row.received.isoformat()}, decided {row.decided.isoformat()}{decided_by}{appeal}, "
            f"closed {row.closed.isoformat()}."
        ),
        data={
            "import": {"file": source.name, "row": row.row, "file_sha256": source.sha256},
            "category": row.category,
            "suspension_days": row.suspension_days,
            "appeal_outcome": row.appeal_outcome,
        },
    )


def _terms(row: CaseRow, member: _Member) -> set[str]:
    """The words the case is found by, as `cases.search.terms_of` gives them for a case opened here."""
    return index_terms(
        row.case_ref,
        f"{member.name} {row.membership_number}",
        *(f"{clause} {row.allegation}" for clause in row.clauses),
    )


def _audit_entry(row: CaseRow, case: Case, event: TimelineEvent, source: _Source, now: datetime) -> audit.Entry:
    return audit.Entry(
        "case.imported",
        "case",
        case.pk,
        summary=f"{case.reference} imported as a historical record.",
        case_reference=case.reference,
        subjects=[case.respondent_id],
        # Digests, never values: the row's fingerprint recognises a re-import, and the timeline entry's digest
        # lets the log vouch for it as it vouches for every timeline entry.
        data={
            "row": row.row,
            "file_sha256": source.sha256,
            "row_sha256": row.fingerprint,
            "timeline_sha256": audit.content_digest(event.summary, event.data),
        },
        at=now,
    )
