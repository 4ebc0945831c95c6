"""The administrator's import page: check a file (a dry run), then import it. Nothing is written unless every row
is right; the problems are listed by row and column, and can be downloaded as a CSV to work through."""

from __future__ import annotations

import base64

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from fairhearing.accounts.access import roles_required
from fairhearing.accounts.roles import Role
from fairhearing.imports.forms import ImportForm
from fairhearing.imports.running import run_upload
from fairhearing.tables.problems import write_error_csv

SHOWN_PROBLEMS = 200


def _columns() -> list[dict]:
    """The columns each kind of file takes, required ones first, for the reference on the page."""
    from fairhearing.imports import case_rows, columns, units

    specs = [
        ("Members", columns.OWN, columns.REQUIRED),
        ("Regions and branches", units.COLUMNS, units.REQUIRED),
        ("Historical decided cases", case_rows.COLUMNS, case_rows.REQUIRED),
    ]
    return [
        {"title": title, "columns": [(name, name in required) for name in names]} for title, names, required in specs
    ]


def _error_csv(problems) -> str:
    """The problems as a CSV, for a download link on the page (a data: address: nothing kept on the server)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = write_error_csv(Path(folder) / "problems.csv", problems)
        return base64.b64encode(path.read_bytes()).decode()


@roles_required(Role.ADMINISTRATOR)
@never_cache
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = run_upload(
            data["kind"],
            data["file"],
            actor=request.user,
            dry_run="import" not in request.POST,
            preset=data["preset"],
            mapping=data["mapping"],
        )
    context = {
        "form": form,
        "result": result,
        "problems": result.report.problems[:SHOWN_PROBLEMS] if result else [],
        "error_csv": _error_csv(result.report.problems) if result and result.report.problems else "",
        "file_name": request.FILES["file"].name if result else "",
        "kinds": _columns(),
    }
    status = 400 if (request.method == "POST" and (not form.is_valid() or (result and not result.ok))) else 200
    return render(request, "imports/import.html", context, status=status)
