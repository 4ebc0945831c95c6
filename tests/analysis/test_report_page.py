"""The oversight page of the consistency and fairness analysis (/oversight/analysis/): the latest stored run,
for oversight only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from fairhearing.analysis.models import AnalysisRun, AnalysisTrigger
from tests.analytics.sample_report import sample_report, stored
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

URL = "/oversight/analysis/"


def store_run(report: dict, *, finished_at, trigger: str = AnalysisTrigger.SCHEDULE) -> AnalysisRun:
    return AnalysisRun.objects.create(
        started_at=finished_at - timedelta(seconds=20),
        finished_at=finished_at,
        trigger=trigger,
        cases=report["cases"],
        decisions=report["decisions"],
        outliers=len(report["outliers"]),
        report=report,
    )


def test_oversight_sees_the_latest_run_through_the_report_partial(client, org):
    now = timezone.now().replace(microsecond=0)
    older = stored(sample_report(decisions=150, notes=("The older run.",)))
    store_run(older, finished_at=now - timedelta(days=1), trigger=AnalysisTrigger.COMMAND)
    store_run(stored(), finished_at=now)
    sign_in(client, org.users["oversight"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "The older run." not in html
    assert f"This is the analysis of {timezone.localtime(now):%-d %B %Y at %H:%M} (scheduled job)" in html
    assert "over 212 decisions in 300 cases" in html
    assert "The scheduled job (<code>fairhearing tick</code>, usually run hourly) runs the analysis again" in html
    for section in (
        "Decisions that stand out",
        "Outside the sanction guideline",
        "Consistency by body and year",
        "Differences between groups",
        "Bodies and decision-makers compared with their cases",
    ):
        assert f">{section}</h2>" in html
    assert "Too few to judge" in html
    # Sanctions by the names of the rulebook in force, not the ids the analytics use.
    assert "<td>Suspension from membership</td>" in html and "<td>suspension</td>" not in html
    # On the site, case references lead to the case (where oversight can raise a flag); the document has no links.
    assert '<a href="/cases/FH-2025-0042/">FH-2025-0042</a>' in html
    # The page is inside the site's layout, with its place in the navigation marked.
    assert re.search(r'<a href="/oversight/analysis/" aria-current="page">Consistency</a>', html)


def test_sanctions_are_named_as_the_report_named_them_or_else_by_the_rulebook(client, org):
    now = timezone.now()
    sign_in(client, org.users["oversight"])
    # A run stored before reports carried their sanction names: the rulebook in force names them.
    older = stored()
    del older["settings"]["sanction_names"]
    store_run(older, finished_at=now - timedelta(hours=1))
    html = client.get(URL).content.decode()
    assert "<td>Suspension from membership</td>" in html and "<td>suspension</td>" not in html
    # A report's own names win: they are what its sanction ids meant when it ran, whatever the rulebook says now.
    newer = stored()
    newer["settings"]["sanction_names"]["suspension"] = "Suspension (as named when the analysis ran)"
    store_run(newer, finished_at=now)
    html = client.get(URL).content.decode()
    assert "<td>Suspension (as named when the analysis ran)</td>" in html
    assert "<td>Suspension from membership</td>" not in html
    assert "Sanction names" not in html  # used, not listed among the settings


def test_severity_is_compared_in_steps_of_the_sanction_scale(client, org):
    store_run(stored(), finished_at=timezone.now())
    sign_in(client, org.users["oversight"])
    html = client.get(URL).content.decode()
    assert '<td class="num">mean 1.10 steps</td><td class="num">mean 2.31 steps</td>' in html
    assert (
        "their sanctions were 0.31 steps more lenient than everyone else&#x27;s (probably between 0.20 and 0.42)"
        in html
    )
    assert "<summary>Sanction severity: each group against everyone else (2 groups, 1 reported)</summary>" in html
    assert "0 = No further action, 1 = Advice, 2 = Warning, 3 = Final warning" in html


def test_the_newest_run_wins_even_when_stored_out_of_order(client, org):
    now = timezone.now()
    store_run(stored(sample_report(notes=("The newest.",))), finished_at=now)
    store_run(stored(sample_report(notes=("Stored later, finished earlier.",))), finished_at=now - timedelta(hours=1))
    sign_in(client, org.users["oversight"])
    html = client.get(URL).content.decode()
    assert "The newest." in html and "Stored later, finished earlier." not in html


def test_without_a_run_the_page_says_how_one_comes(client, org):
    sign_in(client, org.users["oversight"])
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No analysis has been run yet." in html
    assert "<code>fairhearing tick</code>" in html and "<code>fairhearing analyse</code>" in html
    assert "Decisions that stand out" not in html


def test_the_page_keeps_to_the_content_security_policy(client, org):
    store_run(stored(), finished_at=timezone.now())
    sign_in(client, org.users["oversight"])
    response = client.get(URL)
    html = response.content.decode()
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    # No inline style or script: the charts are styled by SVG attributes, the page by the site's stylesheets.
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []
    assert not re.search(r"https?://", html.split("</header>", 1)[1])


@pytest.mark.parametrize("who", ["respondent", "complainant", "panellist", "officer", "body_officer", "dpo"])
def test_nobody_but_oversight_sees_it(client, org, who):
    store_run(stored(), finished_at=timezone.now())
    sign_in(client, org.users[who])
    response = client.get(URL)
    # "Not found", as for a page that does not exist.
    assert response.status_code == 404
    assert b"FH-2025-0042" not in response.content


def test_a_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={URL}"


def test_the_navigation_offers_it_only_to_oversight(client, org):
    sign_in(client, org.users["oversight"])
    assert 'href="/oversight/analysis/"' in client.get("/oversight/").content.decode()
    client.logout()
    sign_in(client, org.users["officer"])
    assert 'href="/oversight/analysis/"' not in client.get("/work/").content.decode()


def test_the_page_refuses_writes(client, org):
    sign_in(client, org.users["oversight"])
    assert client.post(URL).status_code == 405
