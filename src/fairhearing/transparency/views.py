"""The public statistics pages: the published transparency releases, each as a page and as files to download.

Anyone may read them, signed in or not (the public role of the design): a release holds only figures that passed
disclosure control. Every view is read-only, and a slug or table that does not exist is "not found".
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from fairhearing.transparency import files, selectors
from fairhearing.transparency.models import Release
from fairhearing.transparency.rendering import render_document, report_context

# The standalone document carries its own styles inline (it must read the same when saved and opened offline) and
# no script: if a browser shows it rather than saving it, this policy lets it load nothing and run nothing.
DOCUMENT_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


def _release(slug: str) -> Release:
    release = selectors.release_by_slug(slug)
    if release is None:
        raise Http404("no such release")
    return release


def _download(data: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def releases(request: HttpRequest) -> HttpResponse:
    return render(request, "transparency/list.html", {"releases": selectors.published_releases()})


@require_safe
def release(request: HttpRequest, slug: str) -> HttpResponse:
    found = _release(slug)
    context = {"release": found, "r": report_context(found.content), "document": False}
    return render(request, "transparency/release.html", context)


@require_safe
def release_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    found = _release(slug)
    return _download(selectors.release_pdf(found), "application/pdf", f"transparency-report-{found.slug}.pdf")


@require_safe
def release_json(request: HttpRequest, slug: str) -> HttpResponse:
    found = _release(slug)
    return _download(files.content_json(found.content), "application/json", f"transparency-report-{found.slug}.json")


@require_safe
@csp_override(DOCUMENT_CSP)
def release_document(request: HttpRequest, slug: str) -> HttpResponse:
    found = _release(slug)
    return _download(
        render_document(found.content), "text/html; charset=utf-8", f"transparency-report-{found.slug}.html"
    )


@require_safe
def table_csv(request: HttpRequest, slug: str, table: str) -> HttpResponse:
    found = _release(slug)
    data = files.find_table(found.content, table)
    if data is None:
        raise Http404("no such table")
    # With a byte order mark, as report files written by `write_release` are, so spreadsheets read accents right.
    return _download(
        files.table_csv(data).encode("utf-8-sig"), "text/csv; charset=utf-8", f"{found.slug}-{files.csv_name(data)}"
    )
