"""Appealing through the portal: within the window it is lodged; whatever the engine refuses is shown, and kept out."""

from __future__ import annotations

import html

import pytest

from fairhearing.cases import services
from fairhearing.cases.models import Appeal
from fairhearing.procedure.next_steps import APPEAL_GROUND_LABELS, long_date
from fairhearing.procedure.stages import Stage
from tests.portal.cases import Journey
from tests.portal.helpers import client_for, counts

pytestmark = pytest.mark.django_db
EXPLANATION = "A final warning is too much for one message, sent once, which I apologised for the next day."


def url(case) -> str:
    return f"/portal/cases/{case.reference}/appeal/"


def test_the_form_lists_each_ground_in_plain_words(org):
    case = Journey(org, days_ago=40).notify().case
    response = client_for(org, "respondent").get(url(case))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and "<h1>Appeal the decision</h1>" in body
    assert "<legend>Your grounds of appeal</legend>" in body
    for n, label in enumerate(APPEAL_GROUND_LABELS.values()):
        assert f'<label for="id_grounds_{n}"><input type="checkbox" name="grounds"' in body and label in body
    assert '<label for="id_explanation">Why you are appealing</label>' in body
    assert "late_reason" not in body
    assert "On " in body and "the panel decided: Final warning." in body


def test_an_appeal_within_the_window_is_lodged_with_its_explanation(org):
    case = Journey(org, days_ago=40).notify().case
    client = client_for(org, "respondent")
    response = client.post(url(case), {"grounds": ["disproportionate", "procedure"], "explanation": EXPLANATION})
    assert response.status_code == 302 and response["Location"] == f"/portal/cases/{case.reference}/"
    case.refresh_from_db()
    assert case.stage == Stage.APPEAL_LODGED
    appeal = Appeal.objects.get(case=case)
    assert appeal.grounds == ["disproportionate", "procedure"] and appeal.late_reason == ""
    assert appeal.explanation == EXPLANATION  # kept with the appeal, where the appeals panel reads it
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert "Your appeal was lodged." in page
    assert APPEAL_GROUND_LABELS["disproportionate"] in page and APPEAL_GROUND_LABELS["procedure"] in page
    assert "Your appeal will be decided by an appeals panel" in page


def test_form_checks_name_the_field(org):
    case = Journey(org, days_ago=40).notify().case
    client = client_for(org, "respondent")
    before = counts(case)
    response = client.post(url(case), {"grounds": ["made-up"], "explanation": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert '<a href="#id_grounds_0">Choose your grounds from the list.</a>' in body
    assert '<a href="#id_explanation">Explain why you are appealing.</a>' in body
    assert 'aria-describedby="id_explanation_helptext id_explanation_error"' in body
    response = client.post(url(case), {"explanation": EXPLANATION})
    assert '<a href="#id_grounds_0">Tick at least one ground of appeal.</a>' in response.content.decode()
    assert counts(case) == before


def test_a_late_appeal_is_refused_by_the_engine_with_its_reason(org):
    journey = Journey(org, days_ago=80).notify()
    case = journey.case
    due = long_date(journey.date(27 + 21))
    client = client_for(org, "respondent")
    page = html.unescape(client.get(url(case)).content.decode())
    assert "<h1>Ask to appeal late</h1>" in page and f"The time to appeal ended on {due}." in page
    assert '<label for="id_late_reason">Why your appeal is late</label>' in page
    before = counts(case)
    response = client.post(
        url(case),
        {"grounds": ["new_evidence"], "explanation": EXPLANATION, "late_reason": "I was in hospital until last week."},
    )
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    summary = body.split('role="alert"')[1].split("</div>")[0]
    assert "Only an officer of the appeals body may accept a late appeal." in summary
    assert '<a href="#id_late_reason">' in summary and "Nothing has been sent or changed." in summary
    assert counts(case) == before and not Appeal.objects.exists()


def test_the_engine_refuses_an_appeal_before_there_is_a_decision(org):
    case = Journey(org, days_ago=24).hearing().case
    client = client_for(org, "respondent")
    assert "You cannot appeal in this case now." in client.get(url(case)).content.decode()
    before = counts(case)
    response = client.post(url(case), {"grounds": ["procedure"], "explanation": EXPLANATION})
    assert response.status_code == 409
    body = html.unescape(response.content.decode())
    assert "<li>This cannot be done while the case is at the stage 'hearing'.</li>" in body
    assert counts(case) == before


def test_a_case_closed_by_the_appeal_window_offers_only_the_late_request(org):
    journey = Journey(org, days_ago=80).notify()
    services.apply_time_limits(journey.day(80))
    case = journey.refresh()
    assert case.stage == Stage.CLOSED
    page = html.unescape(client_for(org, "respondent").get(f"/portal/cases/{case.reference}/").content.decode())
    assert f'href="/portal/cases/{case.reference}/appeal/">Ask to appeal late</a>' in page


def test_the_complainant_cannot_appeal(org):
    case = Journey(org, days_ago=40).notify().case
    client = client_for(org, "complainant")
    before = counts(case)
    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), {"grounds": ["procedure"], "explanation": "x"}).status_code == 404
    assert counts(case) == before
