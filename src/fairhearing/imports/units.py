"""Importing regions and branches: upsert by code, all rows or none, then the rulebook's regional and local bodies
for any new ones. One audit entry for the import.

A row is a branch with its region (`region_code, region_name, branch_code, branch_name`); a region repeated over
its branches must be spelt the same each time; a row with only the region adds a region with no branches yet.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit
from fairhearing.imports.results import ImportResult, Progress, begin_import, no_progress
from fairhearing.organisation.models import Branch, Region
from fairhearing.organisation.selectors import current_rulebook_version
from fairhearing.organisation.services import sync_bodies
from fairhearing.tables.cells import looks_like_formula
from fairhearing.tables.problems import WHOLE_FILE, Report
from fairhearing.tables.reading import Table

COLUMNS = ("region_code", "region_name", "branch_code", "branch_name")
REQUIRED = ("region_code", "region_name")
_CODE = re.compile(r"[-a-zA-Z0-9_]+")
_LIMITS = {"region_code": 40, "region_name": 120, "branch_code": 60, "branch_name": 160}


@dataclass
class _Plan:
    regions: dict[str, tuple[str, int]] = field(default_factory=dict)  # code -> (name, first row)
    branches: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # code -> (name, region code, row)


def import_units(
    path: Path,
    *,
    actor: User | None,
    label: str | None = None,
    dry_run: bool = False,
    progress: Progress = no_progress,
) -> ImportResult:
    result, table = begin_import("units", path, dry_run=dry_run)
    if table is None:
        return result
    plan = _read(table, result.report)
    if not result.report.ok:
        return result
    if dry_run:
        _apply(plan, result, write=False)
        return result
    with transaction.atomic():
        _apply(plan, result, write=True)
        if not result.report.ok:
            transaction.set_rollback(True)
            return result
        version = current_rulebook_version()
        bodies = sync_bodies(version.rulebook) if version is not None else 0
        if version is None:
            result.report.warn(
                WHOLE_FILE,
                "",
                "no rulebook is in force, so no bodies were made for the new units; "
                "they are made when a rulebook is loaded",
            )
        audit.record(
            actor,
            "units.imported",
            "import",
            "units",
            summary=f"Regions and branches imported from a file: {result.created} created, {result.updated} "
            f"updated, {result.unchanged} unchanged; {bodies} bodies made.",
            data={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "bodies_created": bodies,
                "file_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            },
            label=label,
        )
    progress(result.rows, result.rows)
    return result


def _read(table: Table, report: Report) -> _Plan:
    """Check the file on its own: columns, cells, and that it agrees with itself."""
    plan = _Plan()
    for column in REQUIRED:
        if column not in table.columns:
            report.problem(
                WHOLE_FILE, column, f"the required column '{column}' is missing; the columns are {', '.join(COLUMNS)}"
            )
    unused = [name for name in table.columns if name and name not in COLUMNS]
    if unused:
        report.warn(WHOLE_FILE, "", f"these columns are not imported: {', '.join(unused)}")
    if not report.ok:
        return plan
    region_names: dict[str, tuple[str, int]] = {}  # name -> (code, row): two regions cannot share a name
    for row, record in table.records():
        cells = {column: record.get(column, "").strip() for column in COLUMNS}
        if not _cells_ok(row, cells, report):
            continue
        region_code, region_name = cells["region_code"], cells["region_name"]
        first = plan.regions.get(region_code)
        if first is not None and first[0] != region_name:
            report.problem(
                row,
                "region_name",
                f"region '{region_code}' is named '{first[0]}' on row {first[1]} "
                f"but '{region_name}' here; a region must be named the same on every row",
            )
        elif first is None:
            other = region_names.get(region_name)
            if other is not None:
                report.problem(
                    row,
                    "region_name",
                    f"the name '{region_name}' is already used by region "
                    f"'{other[0]}' on row {other[1]}; each region needs its own name",
                )
            else:
                plan.regions[region_code] = (region_name, row)
                region_names[region_name] = (region_code, row)
        branch_code, branch_name = cells["branch_code"], cells["branch_name"]
        if not branch_code:
            continue
        seen = plan.branches.get(branch_code)
        if seen is not None:
            report.problem(
                row, "branch_code", f"branch '{branch_code}' appears twice in the file: first on row {seen[2]}"
            )
        else:
            plan.branches[branch_code] = (branch_name, region_code, row)
    return plan


def _cells_ok(row: int, cells: dict[str, str], report: Report) -> bool:
    ok = True
    for column, value in cells.items():
        if value and looks_like_formula(value):
            report.problem(
                row,
                column,
                f"'{value[:40]}' looks like a spreadsheet formula; fairhearing never runs "
                "formulas, and does not import them. Remove the leading = + - or @",
            )
            ok = False
        elif len(value) > _LIMITS[column]:
            report.problem(row, column, f"is {len(value)} characters long; at most {_LIMITS[column]} fit")
            ok = False
        elif column.endswith("_code") and value and not _CODE.fullmatch(value):
            report.problem(row, column, f"'{value}' is not a code: use only letters, digits, - and _")
            ok = False
    for column in REQUIRED:
        if not cells[column]:
            report.problem(row, column, "is empty, and a value is needed here")
            ok = False
    if cells["branch_code"] and not cells["branch_name"]:
        report.problem(row, "branch_name", "is empty, and the branch needs a name")
        ok = False
    if cells["branch_name"] and not cells["branch_code"]:
        report.problem(row, "branch_code", "is empty, and the branch needs a code")
        ok = False
    return ok


def _apply(plan: _Plan, result: ImportResult, *, write: bool) -> None:
    """Compare with what is stored and (when `write`) make the changes. A clash with a stored region's name is a
    problem of the row that would cause it."""
    regions = {region.code: region for region in Region.objects.all()}
    names = {region.name: region.code for region in regions.values()}
    report = result.report
    for code, (name, row) in plan.regions.items():
        holder = names.get(name)
        if holder is not None and holder != code:
            report.problem(
                row,
                "region_name",
                f"the name '{name}' is already used by the stored region '{holder}'; "
                "each region needs its own name (to swap names, import one rename at a time)",
            )
    if not report.ok:
        return
    for code, (name, _) in plan.regions.items():
        region = regions.get(code)
        if region is None:
            result.created += 1
            if write:
                regions[code] = Region.objects.create(code=code, name=name)
        elif region.name != name:
            result.updated += 1
            if write:
                region.name = name
                region.save(update_fields=["name"])
        else:
            result.unchanged += 1
    branches = {branch.code: branch for branch in Branch.objects.select_related("region")}
    for code, (name, region_code, _) in plan.branches.items():
        branch = branches.get(code)
        if branch is None:
            result.created += 1
            if write:
                Branch.objects.create(code=code, name=name, region=regions[region_code])
        elif branch.name != name or branch.region.code != region_code:
            result.updated += 1
            if write:
                branch.name, branch.region = name, regions[region_code]
                branch.save(update_fields=["name", "region"])
        else:
            result.unchanged += 1
