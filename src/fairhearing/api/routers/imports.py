"""Bulk imports over the API, for administrators: the same services as `fairhearing import` and the web page."""

from typing import Literal

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from fairhearing.access.policy import roles_of
from fairhearing.accounts.roles import Role
from fairhearing.api.problems import invalid, not_found
from fairhearing.imports.forms import parse_mapping
from fairhearing.imports.running import run_upload
from fairhearing.tables.problems import Problem

router = Router(tags=["imports"])


class ImportOptionsIn(Schema):
    dry_run: bool = Field(False, description="Check the file and count what would change; write nothing.")
    preset: Literal["", "civicrm", "nationbuilder"] = Field(
        "", description="Members only: the CRM whose standard export the file is."
    )
    map: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Members only: `source=target` column names, e.g. `Member ID=membership_number`.",
    )


class ImportNoteOut(Schema):
    row: int = Field(description="The row as a spreadsheet numbers it (the header is row 1); 0 for the whole file.")
    column: str
    message: str


class ImportResultOut(Schema):
    kind: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    read_as: str = Field(description="How the file was read, e.g. 'CSV, windows-1252, separated by semicolons'.")
    summary: str
    warnings: list[ImportNoteOut]


def _note(problem: Problem) -> ImportNoteOut:
    return ImportNoteOut(row=problem.row, column=problem.column, message=problem.message)


@router.post(
    "/{kind}",
    response=ImportResultOut,
    summary="Import members, regions and branches, or historical cases (administrators)",
    description="All rows or none: a file with any problem writes nothing and answers 422, listing each problem with "
    "its row and column. The columns are in docs/import.md.",
)
def import_file(
    request: HttpRequest,
    kind: Literal["members", "units", "cases"],
    options: Form[ImportOptionsIn],
    file: File[UploadedFile],
) -> ImportResultOut:
    if Role.ADMINISTRATOR not in roles_of(request.user):
        raise not_found()
    if kind != "members" and (options.preset or options.map):
        raise invalid([{"in": "form", "field": "preset", "message": "Presets and column maps are for members only."}])
    try:
        mapping = parse_mapping(options.map)
    except ValueError as exc:
        raise invalid([{"in": "form", "field": "map", "message": str(exc)}]) from None
    result = run_upload(
        kind, file, actor=request.user, dry_run=options.dry_run, preset=options.preset or None, mapping=mapping
    )
    if not result.ok:
        raise invalid(
            [
                {"in": "file", "row": p.row, "field": p.column, "message": p.message}
                for p in result.report.problems[:1000]
            ],
            detail=f"{result.summary()} The errors list each problem by row and column.",
        )
    return ImportResultOut(
        kind=result.kind,
        dry_run=result.dry_run,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        skipped=result.skipped,
        read_as=result.described,
        summary=result.summary(),
        warnings=[_note(w) for w in result.report.warnings[:1000]],
    )
