"""Optimistic concurrency on cases: a form made from an older version of a case is refused, never applied over
what someone else (or the scheduled job) did in the meantime, and of two actions at once only one applies."""

from __future__ import annotations

import html
import re
import threading

import pytest

from fairhearing.cases import services
from fairhearing.cases.casefile_store import CaseChanged, expecting_version
from fairhearing.cases.models import Case, TimelineEvent
from fairhearing.procedure.errors import ActionRefused
from tests.cases.organisation import build_org
from tests.cases.pages import act_url, alert, get_as, investigating, noticed, open_about_mp, post_as, snapshot

pytestmark = pytest.mark.django_db


def hidden_version(page: str) -> int:
    found = re.findall(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert found, "the form carries no version"
    return int(found[0])


def test_every_action_adds_one_version_and_a_refused_one_adds_none(org, clock):
    case = investigating(org)
    start = case.version
    services.transfer_case(case, org.users["officer"], to_body="constitutional-committee", reason="Expulsion?")
    assert case.version == start + 1
    with pytest.raises(ActionRefused):
        services.transfer_case(case, org.users["officer"], to_body="appeals-panel", reason="Wrong body.")
    case.refresh_from_db()
    assert case.version == start + 1


def test_the_form_carries_the_version_it_was_made_from(client, org, clock):
    case = investigating(org)
    clock.day(3)
    page = get_as(client, org.users["officer"], act_url(case, "transfer")).content.decode()
    assert hidden_version(page) == case.version


def test_a_one_button_action_on_the_case_page_carries_the_version_too(client, org, clock):
    case = open_about_mp(org)
    page = get_as(client, org.users["officer"], f"/cases/{case.reference}/").content.decode()
    assert f'action="{act_url(case, "begin_triage")}"' in page
    assert hidden_version(page) == case.version
    services.transfer_case(case, org.users["officer"], to_body="constitutional-committee", reason="Expulsion?")
    before = snapshot(case)
    response = post_as(client, org.users["officer"], act_url(case, "begin_triage"), {"version": hidden_version(page)})
    assert response.status_code == 400
    assert "has changed since you opened it" in alert(response.content.decode())
    assert snapshot(case) == before


def test_a_stale_form_is_refused_and_changes_nothing(client, org, clock):
    """Two officers open the transfer form; the first sends it. The second's form was made before that transfer:
    it is refused with a message saying why, and the first officer's transfer stands."""
    case = investigating(org)
    clock.day(3)
    first, second = org.users["officer"], org.users["officer"]
    seen = hidden_version(get_as(client, second, act_url(case, "transfer")).content.decode())
    response = post_as(
        client,
        first,
        act_url(case, "transfer"),
        {"to_body": "constitutional-committee", "reason": "It may end in expulsion.", "version": seen},
    )
    assert response.status_code == 302
    before = snapshot(case)
    response = post_as(
        client,
        second,
        act_url(case, "transfer"),
        {"to_body": "national-disputes-panel", "reason": "Back where it was.", "version": seen},
    )
    assert response.status_code == 400
    message = alert(response.content.decode())
    assert f"{case.reference} has changed since you opened it" in message
    assert f"you saw version {seen}; it is now version {seen + 1}" in message
    assert "Nothing was saved" in message
    assert snapshot(case) == before
    case.refresh_from_db()
    assert case.body.kind == "constitutional-committee"


def test_the_scheduled_job_and_a_stale_form(client, org, clock):
    """An officer opens the form to record a response on paper; before they send it, the response period runs out
    and the scheduled job moves the case on. The officer's form is refused: the record says the period ran out,
    not that a response came in time."""
    case, _ = noticed(org)
    officer = org.users["officer"]
    clock.day(4)
    seen = hidden_version(get_as(client, officer, act_url(case, "record_response")).content.decode())
    clock.day(60)
    applied = services.apply_time_limits_to(case)
    assert applied, "the response period should have run out by day 60"
    stage_after_job = Case.objects.get(pk=case.pk).stage
    before = snapshot(case)
    response = post_as(
        client, officer, act_url(case, "record_response"), {"response": "I deny it (letter).", "version": seen}
    )
    assert response.status_code == 400
    assert "has changed since you opened it" in alert(response.content.decode())
    assert snapshot(case) == before
    case.refresh_from_db()
    assert case.stage == stage_after_job and case.responded_on is None


def test_a_change_between_checking_the_form_and_acting_is_caught_under_the_lock(org, clock):
    """The form was checked against version v; the job lands before the action takes the case's lock. The service
    still refuses, as the version under the lock is no longer v."""
    case, _ = noticed(org)
    seen = case.version
    clock.day(60)
    assert services.apply_time_limits_to(Case.objects.get(pk=case.pk))
    events = TimelineEvent.objects.filter(case=case).count()
    with pytest.raises(CaseChanged) as refused, expecting_version(case, seen):
        services.record_response(case, org.users["officer"], response="Too late, and stale.")
    assert refused.value.expected == seen and refused.value.current == seen + 1
    assert TimelineEvent.objects.filter(case=case).count() == events
    case.refresh_from_db()
    assert case.responded_on is None


def test_a_form_without_a_version_acts_on_the_case_as_it_is(client, org, clock):
    """Requests that never saw a version (an old page, a script) still go through the procedure's own checks."""
    case = investigating(org)
    clock.day(3)
    response = post_as(
        client, org.users["officer"], act_url(case, "transfer"), {"to_body": "constitutional-committee", "reason": "X"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("damaged", ["abc", "0", "-1"])
def test_a_damaged_version_is_a_form_error(client, org, clock, damaged):
    case = investigating(org)
    clock.day(3)
    before = snapshot(case)
    response = post_as(
        client,
        org.users["officer"],
        act_url(case, "transfer"),
        {"to_body": "constitutional-committee", "reason": "X", "version": damaged},
    )
    assert response.status_code == 400
    assert "record of the case's version is damaged" in html.unescape(alert(response.content.decode()))
    assert snapshot(case) == before


@pytest.mark.django_db(transaction=True)
def test_two_people_acting_at_once_on_the_same_version_only_one_applies(settings, tmp_path, example_source):
    """Two officers send transfers made from the same version at the same moment, from two connections: one is
    applied, the other is refused, whichever wins the lock."""
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    org = build_org(example_source)
    case = investigating(org)
    seen = case.version
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def transfer(to_body: str) -> None:
        from django.db import connection as own

        try:
            mine = Case.objects.get(pk=case.pk)
            start.wait(timeout=30)
            with expecting_version(mine, seen):
                services.transfer_case(mine, org.users["officer"], to_body=to_body, reason=f"To {to_body}.")
            outcomes.append(f"applied {to_body}")
        except CaseChanged:
            outcomes.append("refused")
        finally:
            own.close()

    threads = [
        threading.Thread(target=transfer, args=(body,)) for body in ("constitutional-committee", "complaints-unit")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o.split()[0] for o in outcomes) == ["applied", "refused"], outcomes
    case.refresh_from_db()
    assert case.version == seen + 1
    applied = next(o for o in outcomes if o.startswith("applied")).split()[1]
    assert case.body.kind == applied
