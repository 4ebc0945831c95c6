"""The portal's list and case pages: what each side sees, what happens next, and that every view is logged."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from fairhearing.audit.models import AuditEvent
from fairhearing.cases import services
from fairhearing.procedure import deadlines
from fairhearing.procedure.next_steps import long_date
from tests.portal.cases import FINDING_REASONS, RESPONSE, SERVED_FILE, Journey
from tests.portal.helpers import client_for

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def test_the_list_says_what_happens_next_at_each_stage(org):
    steps = {
        "received": Journey(org, days_ago=1),
        "triage": Journey(org, days_ago=2).triage(),
        "investigation": Journey(org, days_ago=3).investigate(),
        "notice": Journey(org, days_ago=4).notice(),
        "hearing": Journey(org, days_ago=24).hearing(),
        "appeal_window": Journey(org, days_ago=40).notify(),
    }
    respondent = page(client_for(org, "respondent"), "/portal/")
    complainant = page(client_for(org, "complainant"), "/portal/")
    cases = {name: journey.case for name, journey in steps.items()}
    for case in cases.values():
        assert f'<a href="/portal/cases/{case.reference}/">Case {case.reference}</a>' in respondent
        assert f'<a href="/portal/cases/{case.reference}/">Case {case.reference}</a>' in complainant
    assert respondent.count("<dd>the respondent</dd>") == 6 and complainant.count("<dd>the complainant</dd>") == 6

    assert "Waiting for the case officer to assess the complaint (target: " in respondent
    served = steps["notice"].date(1)
    due = long_date(served + timedelta(days=14))  # the example rulebook's respond_days
    assert f"Reply to the allegations by {due}." in respondent
    assert f"The respondent has been sent the allegations and has until {due} to reply." in complainant
    hearing = long_date(steps["hearing"].date(25))
    assert f"The panel will hear your case on {hearing}." in respondent
    assert f"The panel will hear the case on {hearing}." in complainant
    appeal_due = long_date(steps["appeal_window"].date(27) + timedelta(days=21))
    assert f"You may appeal until {appeal_due}; if you do not, the case closes." in respondent
    assert f"The respondent may appeal until {appeal_due}" in complainant
    assert "The complaint is being investigated (target: " in respondent
    assert "The complaint has been received." in respondent


def test_the_respondent_sees_the_whole_record_served_on_them(org):
    journey = Journey(org, days_ago=40).notify()
    case = journey.case
    text = page(client_for(org, "respondent"), f"/portal/cases/{case.reference}/")
    assert "<h1>Case " + case.reference + "</h1>" in text
    # The allegation with its clause's title, from the rulebook version the case is judged under.
    clause = case.rulebook_version.rulebook.clause("2.2")
    assert f"Allegation 1: clause 2.2, {clause.title}" in text
    # The notice, its deadline and the rights that go with it.
    assert f"<dt>Served on you</dt><dd>{long_date(journey.date(1))}</dd>" in text
    assert f"<dt>Reply by</dt><dd>{long_date(journey.date(15))}</dd>" in text
    assert "To bring someone with you to the hearing, and to ask for an oral hearing." in text
    assert f'href="/portal/cases/{case.reference}/notice/"' in text
    assert f'href="/portal/cases/{case.reference}/bundle.zip"' in text
    # The evidence served, with its file, and the reply they gave.
    assert f'<a href="/evidence/{journey.served.pk}/file/">' in text and "Served on you with the notice." in text
    assert RESPONSE in text
    # The decision with its reasons and sanction, and the right to appeal now.
    assert FINDING_REASONS in text and "<dt>Sanction</dt><dd>Final warning</dd>" in text
    assert f'href="/portal/cases/{case.reference}/appeal/">Appeal the decision</a>' in text
    assert "You have not appealed." in text
    # Receipts for every step.
    assert text.count("log entry ") == case.timeline.count()


def test_the_complainant_sees_the_outcome_and_nothing_of_the_respondents(org):
    journey = Journey(org, days_ago=40).notify()
    case = journey.case
    text = page(client_for(org, "complainant"), f"/portal/cases/{case.reference}/")
    assert "You are the complainant in this case." in text
    assert "<dt>Sanction</dt><dd>Final warning</dd>" in text
    # Not the respondent's reply, not the findings' reasons, not the notice, nothing to do.
    for secret in (RESPONSE, FINDING_REASONS):
        assert secret not in text
    assert "/notice/" not in text and "bundle.zip" not in text
    assert "Served on you" not in text and "Allegation 1" not in text and "/appeal/" not in text
    # Only the evidence that came from them, recorded by the case officer on their behalf.
    assert "The message as the complainant forwarded it" in text
    assert f'href="/evidence/{journey.served.pk}/file/"' in text
    # Receipts only of how the case moved: not of the evidence added to it, here or on the list.
    assert "Evidence added" not in text and "Response received" in text
    assert "Evidence added" not in page(client_for(org, "complainant"), "/portal/")


def test_evidence_files_open_for_the_parties_they_concern_only(org):
    journey = Journey(org, days_ago=4).notice()
    url = f"/evidence/{journey.served.pk}/file/"
    download = client_for(org, "respondent").get(url)
    assert download.status_code == 200 and download.content == SERVED_FILE
    assert download["Content-Disposition"].startswith("attachment;")
    # The complainant forwarded this message, so it is theirs to see again; another member gets nothing.
    assert client_for(org, "complainant").get(url).status_code == 200
    assert client_for(org, "mp").get(url).status_code == 404
    reads = AuditEvent.objects.filter(action="evidence.file_read")
    assert [r.actor_user_id for r in reads] == [org.users["respondent"].pk, org.users["complainant"].pk]


def test_the_complainant_is_not_told_of_an_interim_suspension(org):
    journey = Journey(org, days_ago=5).notice().suspend(days=3)
    case = journey.case
    respondent = page(client_for(org, "respondent"), f"/portal/cases/{case.reference}/")
    assert '<h2 id="suspension-heading">Interim suspension</h2>' in respondent
    assert '<strong class="portal-tag">Not a sanction</strong>' in respondent
    assert "Posting to branch mailing lists and attending branch meetings." in respondent
    assert f"<dt>Review date</dt><dd>{long_date(journey.date(23))}" in respondent
    complainant = page(client_for(org, "complainant"), f"/portal/cases/{case.reference}/")
    assert "suspen" not in complainant.lower()
    assert "suspen" not in page(client_for(org, "complainant"), "/portal/").lower()


def test_a_decision_shows_only_once_it_was_sent(org):
    journey = Journey(org, days_ago=40).decide()
    case = journey.case
    respondent = page(client_for(org, "respondent"), f"/portal/cases/{case.reference}/")
    assert FINDING_REASONS not in respondent and "There is no decision yet." in respondent
    assert "Its written decision, with the reasons, will be sent to you by " in respondent
    complainant = page(client_for(org, "complainant"), f"/portal/cases/{case.reference}/")
    assert "Final warning" not in complainant and "You will be told the outcome by " in complainant


def test_a_dismissed_case_says_so(org):
    journey = Journey(org, days_ago=3).triage()
    services.record_triage(
        journey.case,
        org.users["officer"],
        informal_resolution_suitable=True,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=journey.day(1),
    )
    services.dismiss(journey.case, org.users["officer"], reasons="Outside the rules.", now=journey.day(1))
    for name in ("respondent", "complainant"):
        text = page(client_for(org, name), f"/portal/cases/{journey.case.reference}/")
        assert "The complaint was dismissed: there is no case to answer." in text


def test_every_view_is_on_the_audit_log(org):
    case = Journey(org, days_ago=4).notice().case
    for name in ("respondent", "complainant"):
        page(client_for(org, name), f"/portal/cases/{case.reference}/")
    views = AuditEvent.objects.filter(action="portal.case_viewed").order_by("index")
    assert [(v.actor_user_id, v.data["as"]) for v in views] == [
        (org.users["respondent"].pk, "respondent"),
        (org.users["complainant"].pk, "complainant"),
    ]
    for view in views:
        assert view.case_reference == case.reference and view.object_id == str(case.pk)
        assert view.subject_member_ids == sorted([case.respondent_id, case.complainant_member_id])
    page(client_for(org, "respondent"), "/portal/")
    assert AuditEvent.objects.get(action="portal.viewed").data == {"cases": [case.reference]}


def test_portal_pages_have_no_inline_script_or_style_and_are_never_cached(org):
    journey = Journey(org, days_ago=5).notice().suspend(days=3)
    client = client_for(org, "respondent")
    for url in (
        "/portal/",
        f"/portal/cases/{journey.case.reference}/",
        f"/portal/cases/{journey.case.reference}/respond/",
    ):
        response = client.get(url)
        body = response.content.decode()
        assert "no-store" in response["Cache-Control"]
        assert "style=" not in body and not re.search(r"<script(?![^>]*\ssrc=)", body)
        # Headings in order: one h1, and no level skipped.
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", body)]
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in pairwise(levels)), (url, levels)


def test_response_deadline_is_computed_from_the_rulebook(org):
    journey = Journey(org, days_ago=4).notice()
    rulebook = journey.case.rulebook_version.rulebook
    due = deadlines.response_due(rulebook, journey.date(1))
    text = page(client_for(org, "respondent"), f"/portal/cases/{journey.case.reference}/")
    assert f"Reply to the allegations by {long_date(due)}." in text
    assert due >= timezone.localdate()
