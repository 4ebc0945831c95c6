"""Importing members from a CRM export: upsert by membership number, all rows or none, one audit entry.

Built for half a million rows: the file is read once, checked in plain Python against dictionaries (branches by
code, existing members by number, loaded in one query each), and written with a few bulk statements
(executemany on SQLite, COPY on PostgreSQL). No model instance, signal or audit entry per row: the import is one
entry on the log, with its counts and the file's SHA-256, and no personal data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.bulk_insert import BIG_LOAD, insert_tuples, refresh_statistics
from fairhearing.imports.columns import MEMBERSHIP_END, NAME_PARTS, PRESETS, Columns, resolve, status_words
from fairhearing.imports.results import ImportResult, Progress, begin_import, no_progress
from fairhearing.organisation.models import Branch, Member, MemberStatus, OfficeHolding
from fairhearing.organisation.selectors import current_rulebook_version
from fairhearing.tables.cells import CellError, choice, listed, looks_like_formula
from fairhearing.tables.problems import WHOLE_FILE, Report

__all__ = ["PRESETS", "import_members"]

# Statuses of someone who has left: only for them is a CRM's membership end date the day they left.
_LEFT = frozenset({MemberStatus.LAPSED, MemberStatus.RESIGNED, MemberStatus.EXPELLED})
# Cheap on purpose (half a million rows): something@something.something, no spaces. The CRM checked the rest.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_FORMULA_STARTS = frozenset("=+-@ \t")
_PROGRESS_EVERY = 10_000
_LIMITS = {"membership_number": 32, "name": 200, "email": 254}


@dataclass
class _Plan:
    """What the import would write. Rows are tuples in the column order of the statements below."""

    create: list[tuple] = field(default_factory=list)  # (number, name, email, branch_id, status, joined, left_on)
    update: list[tuple] = field(default_factory=list)  # (name, email, branch_id, status, joined, left_on, id)
    new_offices: list[tuple[str, str, date]] = field(default_factory=list)  # (number of a new member, office, since)
    add_offices: list[tuple[int, str, date]] = field(default_factory=list)  # (member id, office, since)
    end_offices: list[tuple[date, int]] = field(default_factory=list)  # (until, holding id)
    unchanged: int = 0


def import_members(
    path: Path,
    *,
    actor: User | None,
    label: str | None = None,
    preset: str | None = None,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportResult:
    """Import (or, with `dry_run`, only check) a members file. Problems come back in the result and nothing is
    written; the whole import is one transaction with its audit entry."""
    result, table = begin_import("members", path, dry_run=dry_run)
    if table is None:
        return result
    columns = resolve(table.columns, result.report, preset=preset, mapping=mapping)
    if not result.report.ok:
        return result
    # Checking counts for half the bar and writing for the other half; a dry run only checks.
    total = result.rows if dry_run else 2 * result.rows
    if dry_run:
        plan = _check(table.rows, len(table.columns), columns, preset, result.report, progress, total)
        _count(result, plan)
        return result
    with transaction.atomic():
        # Checked inside the transaction, so nobody can add a clashing member between the check and the write.
        plan = _check(table.rows, len(table.columns), columns, preset, result.report, progress, total)
        if not result.report.ok:
            return result
        _count(result, plan)
        _write(plan, lambda done: progress(result.rows + done, total))
        audit.record(
            actor,
            "members.imported",
            "import",
            "members",
            summary=f"Members imported from a file: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged.",
            data={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "preset": preset or "",
                "file_sha256": _sha256(path),
            },
            label=label,
        )
    if result.created + result.updated >= BIG_LOAD:
        refresh_statistics([Member, OfficeHolding])
    progress(total, total)
    return result


def _count(result: ImportResult, plan: _Plan) -> None:
    result.created = len(plan.create)
    result.updated = len(plan.update)
    result.unchanged = plan.unchanged


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _known_offices(report: Report) -> frozenset[str] | None:
    version = current_rulebook_version()
    if version is None:
        # As organisation.members does: with no rulebook there is nothing to check office ids against.
        report.warn(WHOLE_FILE, "", "no rulebook is in force, so office ids were not checked")
        return None
    return frozenset(office.id for office in version.rulebook.offices)


def _check(
    rows: list[tuple[int, list[str]]],
    width: int,
    columns: Columns,
    preset: str | None,
    report: Report,
    progress: Progress,
    total: int,
) -> _Plan:
    """One pass over the rows, kept flat and local (it runs half a million times): check each cell, and plan the
    insert, the update or nothing."""
    plan = _Plan()
    problem = report.problem
    branches = dict(Branch.objects.values_list("code", "id"))
    statuses = status_words(preset, MemberStatus.values)
    # number -> (id, name, email, branch_id, status, joined, left_on, anonymised)
    existing = {
        row[0]: (row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8] is not None)
        for row in Member.objects.values_list(
            "membership_number", "id", "name", "email", "branch_id", "status", "joined", "left_on", "anonymised_at"
        ).order_by()
    }
    has_offices = columns.has("offices")
    known_offices = _known_offices(report) if has_offices else None
    held: dict[int, dict[str, tuple[int, date]]] = {}
    if has_offices:
        for member_id, office, holding_id, since in OfficeHolding.objects.filter(until__isnull=True).values_list(
            "member_id", "office", "id", "since"
        ):
            held.setdefault(member_id, {})[office] = (holding_id, since)
    today = timezone.localdate()

    index, source = columns.index, columns.source
    i_number, i_branch, i_joined = index["membership_number"], index["branch"], index["joined"]
    i_name = index.get("name")
    name_parts = [index[part] for part in NAME_PARTS if part in index]
    i_email, i_status, i_left, i_end = (index.get(t) for t in ("email", "status", "left_on", MEMBERSHIP_END))
    i_offices = index.get("offices")
    name_column = columns.name_source
    # Only the columns imported are checked for formulas: the others are never stored.
    checked = sorted({position for position in index.values()})
    seen: dict[str, int] = {}

    for done, (row, cells) in enumerate(rows, start=1):
        if done % _PROGRESS_EVERY == 0:
            progress(done, total)
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        bad = False
        for position in checked:
            cell = cells[position]
            if cell and cell[0] in _FORMULA_STARTS and looks_like_formula(cell):
                problem(row, _header_of(columns, position), _formula(cell))
                bad = True
        if bad:
            continue

        number = cells[i_number].strip()
        if not number:
            problem(row, source["membership_number"], "is empty, and a membership number is needed here")
            bad = True
        elif len(number) > _LIMITS["membership_number"]:
            problem(row, source["membership_number"], _too_long(number, _LIMITS["membership_number"]))
            bad = True
        elif number in seen:
            problem(
                row,
                source["membership_number"],
                f"membership number '{number}' appears twice in the file: first on row {seen[number]}",
            )
            bad = True
        else:
            seen[number] = row

        if i_name is not None:
            name = cells[i_name].strip()
        else:
            name = " ".join(part for part in (cells[i].strip() for i in name_parts) if part)
        if not name:
            problem(row, name_column, "is empty, and the member's name is needed here")
            bad = True
        elif len(name) > _LIMITS["name"]:
            problem(row, name_column, _too_long(name, _LIMITS["name"]))
            bad = True

        branch_code = cells[i_branch].strip()
        branch_id = branches.get(branch_code)
        if branch_id is None:
            problem(
                row,
                source["branch"],
                f"there is no branch with the code '{branch_code}'; import the units "
                "(regions and branches) first, or correct the code"
                if branch_code
                else "is empty, and the member's branch code is needed here",
            )
            bad = True

        joined = _date(cells[i_joined])
        if joined is None or isinstance(joined, str):
            problem(
                row,
                source["joined"],
                joined or "is empty, and the date the member joined is needed here (written as 2024-03-25)",
            )
            bad = True
            joined = None

        email = None
        if i_email is not None:
            email = cells[i_email].strip()
            if email and (len(email) > _LIMITS["email"] or not _EMAIL.fullmatch(email)):
                problem(row, source["email"], f"'{email}' is not an email address")
                bad = True

        status = None
        if i_status is not None:
            word = cells[i_status].strip()
            if word:
                status = statuses.get(word.lower())
                if status is None:
                    problem(row, source["status"], _unknown(word, statuses, "membership status"))
                    bad = True

        left_on = None
        left_column = None
        if i_left is not None or i_end is not None:
            left_column = source["left_on"] if i_left is not None else source[MEMBERSHIP_END]
            left_on = _date(cells[i_left if i_left is not None else i_end])
            if isinstance(left_on, str):
                problem(row, left_column, left_on)
                bad = True
                left_on = None
            elif i_left is None and (status or MemberStatus.ACTIVE) not in _LEFT:
                left_on = None  # a current member's end date is when they renew
            elif left_on is not None and joined is not None and left_on < joined:
                problem(
                    row,
                    left_column,
                    f"membership cannot end ({left_on.isoformat()}) before the member joined ({joined.isoformat()})",
                )
                bad = True

        offices: list[str] | None = None
        if i_offices is not None:
            offices = listed(cells[i_offices]) if cells[i_offices] else []
            if known_offices is not None:
                for office in offices:
                    if office not in known_offices:
                        problem(row, source["offices"], _unknown(office, known_offices, "office in the rulebook"))
                        bad = True
            offices = list(dict.fromkeys(offices))

        if bad:
            continue
        found = existing.get(number)
        if found is None:
            plan.create.append((number, name, email or "", branch_id, status or MemberStatus.ACTIVE, joined, left_on))
            if offices:
                plan.new_offices.extend((number, office, joined) for office in offices)
            continue

        member_id, old_name, old_email, old_branch, old_status, old_joined, old_left, anonymised = found
        new = (
            name,
            old_email if email is None else email,
            branch_id,
            status or old_status,  # an empty status cell leaves an existing member's status alone
            joined,
            old_left if left_column is None else left_on,
        )
        changed = new != (old_name, old_email, old_branch, old_status, old_joined, old_left)
        add: list[tuple[int, str, date]] = []
        end: list[tuple[date, int]] = []
        if offices is not None:
            current = held.get(member_id, {})
            add = [(member_id, office, today) for office in offices if office not in current]
            end = [(max(today, since), hold) for office, (hold, since) in current.items() if office not in offices]
            changed = changed or bool(add or end)
        if not changed:
            plan.unchanged += 1
        elif anonymised:
            problem(
                row,
                source["membership_number"],
                f"member '{number}' has been anonymised, so their record can no longer be changed; remove this row",
            )
        else:
            plan.update.append((*new, member_id))
            plan.add_offices += add
            plan.end_offices += end
    return plan


def _write(plan: _Plan, progress) -> None:
    """Bulk statements only: a row-by-row ORM save would take minutes at this size."""
    member = Member._meta
    quote = connection.ops.quote_name
    fields = ["membership_number", "name", "email", "branch_id", "status", "joined", "left_on"]
    insert_tuples(member.db_table, fields, plan.create, progress=progress)
    done = len(plan.create)
    if plan.update:
        sets = ", ".join(f"{quote(f)} = %s" for f in fields[1:])
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {quote(member.db_table)} SET {sets} WHERE {quote('id')} = %s", plan.update)  # noqa: S608 - names from the model
    progress(done + len(plan.update))
    holdings = OfficeHolding._meta.db_table
    rows = list(plan.add_offices)
    if plan.new_offices:
        ids = _ids_of({number for number, _, _ in plan.new_offices})
        rows += [(ids[number], office, since) for number, office, since in plan.new_offices]
    insert_tuples(holdings, ["member_id", "office", "since"], rows)
    if plan.end_offices:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(holdings)} SET {quote('until')} = %s WHERE {quote('id')} = %s",  # noqa: S608
                plan.end_offices,
            )


def _ids_of(numbers: set[str]) -> dict[str, int]:
    """The ids of members just inserted, by number: one query (a few numbers by name, many by reading them all)."""
    rows = Member.objects.values_list("membership_number", "id").order_by()
    if len(numbers) <= 500:
        return dict(rows.filter(membership_number__in=numbers))
    return {number: pk for number, pk in rows.iterator(chunk_size=20_000) if number in numbers}


def _header_of(columns: Columns, position: int) -> str:
    for target, at in columns.index.items():
        if at == position:
            return columns.source[target]
    return ""


def _date(value: str) -> date | str | None:
    """A date, None for an empty cell, or the message for a bad one. A date-time written ISO-style (as CRMs export
    them) counts as its date."""
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value if len(value) == 10 else _date_part(value))
    except ValueError:
        return f"'{value}' is not a date written as year-month-day, such as 2024-03-25"


def _date_part(value: str) -> str:
    if len(value) > 10 and value[10] in "T ":
        return value[:10]
    return value


def _formula(cell: str) -> str:
    shown = cell if len(cell) <= 40 else cell[:37] + "..."
    return (
        f"'{shown}' looks like a spreadsheet formula; fairhearing never runs formulas, and does not import them. "
        "Remove the leading = + - or @, or start the cell with an apostrophe, if it is meant as text"
    )


def _too_long(value: str, limit: int) -> str:
    return f"is {len(value)} characters long; at most {limit} fit"


def _unknown(value: str, allowed, what: str) -> str:
    try:
        choice(value, allowed, what=what)
    except CellError as error:
        return str(error)
    return f"'{value}' is not a known {what}"  # pragma: no cover - only called for a value not allowed
