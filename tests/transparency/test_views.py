"""The public statistics pages: the list of releases, a release's page and its downloads.

Anyone may read them without signing in; they change nothing (anything but GET and HEAD is refused); a release
or table that does not exist is "not found"; and the page shows exactly the figures of the document and files.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from fairhearing.transparency import files
from fairhearing.transparency.rendering import render_document
from tests.transparency.reading import read
from tests.transparency.sample_content import quarter, sample_content, store

pytestmark = pytest.mark.django_db

DOWNLOADS = {
    "report.pdf": "application/pdf",
    "report.json": "application/json",
    "report.html": "text/html; charset=utf-8",
    "received_by_region.csv": "text/csv; charset=utf-8",
}
EVERY_URL = ["/statistics/", "/statistics/2026q3/", *(f"/statistics/2026q3/{name}" for name in DOWNLOADS)]


def test_with_no_release_the_list_says_so(client):
    response = client.get("/statistics/")
    assert response.status_code == 200
    assert "No transparency report has been published yet." in response.content.decode()


def test_the_list_shows_every_release_latest_period_first(client):
    for content in (quarter(2026, 2), quarter(2026, 3), quarter(2025, 4)):
        store(content)
    html = client.get("/statistics/").content.decode()
    links = [attrs["href"] for tag, attrs in read(html).tags if tag == "a" and "/statistics/20" in attrs.get("href")]
    assert links == ["/statistics/2026q3/", "/statistics/2026q2/", "/statistics/2025q4/"]
    assert "Cases from 1 July 2026 to 30 September 2026; published 5 October 2026." in html


def test_the_release_page_needs_no_sign_in_and_links_every_download(client):
    store()
    response = client.get("/statistics/2026q3/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Transparency report 2026Q3</h1>" in html
    hrefs = {attrs.get("href") for tag, attrs in read(html).tags if tag == "a"}
    assert {f"/statistics/2026q3/{name}" for name in ("report.pdf", "report.json", "report.html")} <= hrefs
    for table in files.tables(sample_content()):
        assert f"/statistics/2026q3/{table['key']}.csv" in hrefs
    # Links into the site, which the offline document leaves as plain text.
    assert "/audit/consistency?old=48211" in hrefs and "/audit/checkpoint" in hrefs and "/audit/key" in hrefs


def test_the_page_shows_the_same_tables_as_the_document(client):
    store()
    page = read(client.get("/statistics/2026q3/").content.decode())
    document = read(render_document(sample_content()))
    assert [(t.caption, t.rows) for t in page.tables] == [(t.caption, t.rows) for t in document.tables]
    assert page.pre == document.pre


def test_the_site_navigation_links_statistics(client):
    html = client.get("/").content.decode()
    assert '<a href="/statistics/">Statistics</a>' in html
    store()
    page = client.get("/statistics/2026q3/").content.decode()
    assert '<a href="/statistics/" aria-current="true">Statistics</a>' in page


def test_the_pdf_download(client):
    store()
    response = client.get("/statistics/2026q3/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="transparency-report-2026q3.pdf"'
    assert response.content.startswith(b"%PDF-")
    # Printed once: the second request is served from the cache, the same bytes.
    assert client.get("/statistics/2026q3/report.pdf").content == response.content


def test_the_json_download_is_the_content(client):
    store()
    response = client.get("/statistics/2026q3/report.json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="transparency-report-2026q3.json"'
    assert json.loads(response.content) == sample_content()
    assert response.content.decode() == files.content_json(sample_content())


def test_the_document_download_is_the_document_with_its_own_policy(client):
    store()
    response = client.get("/statistics/2026q3/report.html")
    assert response["Content-Disposition"] == 'attachment; filename="transparency-report-2026q3.html"'
    assert response.content.decode() == render_document(sample_content())
    # Its styles are inline: the policy it is served with allows exactly those and nothing else.
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "style-src 'unsafe-inline'" in csp and "script-src" not in csp


def test_a_table_as_csv(client):
    store()
    response = client.get("/statistics/2026q3/days_to_decision.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="2026q3-days_to_decision.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Body", "Cases decided", "Median time", "Decided within the target"]
    assert rows[3] == ["Branch executives", "[c]", "[c]", "[c]"]


@pytest.mark.parametrize(
    "path",
    [
        "/statistics/2026q1/",
        "/statistics/2026q1/report.pdf",
        "/statistics/2026q1/report.json",
        "/statistics/2026q1/report.html",
        "/statistics/2026q1/received_by_region.csv",
        "/statistics/2026q3/no_such_table.csv",
        "/statistics/2026q3/report.csv",
        "/statistics/2026q3/report.xlsx",
    ],
)
def test_an_unknown_release_or_table_is_not_found(client, path):
    store()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", EVERY_URL)
def test_nothing_but_get_and_head(client, path):
    store()
    assert client.head(path).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(path)
        assert response.status_code == 405, f"{method.upper()} {path}: {response.status_code}"


@pytest.mark.parametrize("path", EVERY_URL)
def test_a_signed_in_member_reads_the_same(client, path, django_user_model):
    store()
    anonymous = client.get(path)
    member = django_user_model.objects.create_user(username="reader", password="a long test password")
    client.force_login(member)
    signed_in = client.get(path)
    assert anonymous.status_code == signed_in.status_code == 200
    if not path.endswith(("/", ".pdf")):
        assert signed_in.content == anonymous.content


def test_the_downloads_are_the_files_written_at_publication(client, tmp_path):
    # A reader who downloads a file and one handed the files `fairhearing report` wrote hold the same bytes.
    release = store()
    written = {path.name: path.read_bytes() for path in files.write_release(release.content, tmp_path)}
    for name, data in written.items():
        assert client.get(f"/statistics/2026q3/{name}").content == data, name
