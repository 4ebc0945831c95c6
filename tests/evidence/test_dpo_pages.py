"""The DPO's queue of evidence rulings and evidence downloads, in the browser's terms: who sees what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Admissibility
from tests.evidence.casework import MONITORED, PNG, add, open_case
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(org):
    case = open_case(org)
    return add(org, case, facts=MONITORED)


def test_the_dpo_sees_each_pending_item_with_why_it_needs_a_ruling(client, org, pending):
    sign_in(client, org.users["dpo"])
    page = client.get(reverse("evidence:queue"))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"{pending.case.reference}: evidence item {pending.pk}" in text
    assert "Obtained by systematic monitoring or bulk collection" in text
    assert "DPIA 2021/3" in text  # the impact assessment the rulebook records
    assert reverse("evidence:file", args=[pending.pk]) in text


@pytest.mark.parametrize("who", ["officer", "oversight", "panellist", "mp", "complainant"])
def test_nobody_else_can_see_the_queue_or_rule(client, org, pending, who):
    sign_in(client, org.users[who])
    assert client.get(reverse("evidence:queue")).status_code == 404
    answer = client.post(
        reverse("evidence:rule", args=[pending.pk]),
        {f"item{pending.pk}-ruling": "admit", f"item{pending.pk}-reason": "Fine by me."},
    )
    assert answer.status_code == 404
    pending.refresh_from_db()
    assert pending.admissibility == Admissibility.PENDING


def test_the_queue_is_reached_through_the_dpos_navigation_only(client, org):
    link = f'href="{reverse("evidence:queue")}"'
    sign_in(client, org.users["dpo"])
    # The navigation's "Data protection" page links onward to the queue.
    assert f'href="{reverse("privacy:overview")}"' in client.get("/").content.decode()
    assert link in client.get(reverse("privacy:overview")).content.decode()
    sign_in(client, org.users["officer"])
    assert link not in client.get("/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client, pending):
    answer = client.get(reverse("evidence:queue"))
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_a_ruling_without_reasons_is_refused_on_the_form_and_changes_nothing(client, org, pending):
    sign_in(client, org.users["dpo"])
    answer = client.post(reverse("evidence:rule", args=[pending.pk]), {f"item{pending.pk}-ruling": "admit"})
    assert answer.status_code == 400
    assert "a ruling needs written reasons" in answer.content.decode()
    pending.refresh_from_db()
    assert pending.admissibility == Admissibility.PENDING
    answer = client.post(reverse("evidence:rule", args=[pending.pk]), {f"item{pending.pk}-reason": "Why not"})
    assert answer.status_code == 400 and "This field is required" in answer.content.decode()


def test_the_dpo_admits_with_reasons_and_the_item_leaves_the_queue(client, org, pending):
    sign_in(client, org.users["dpo"])
    answer = client.post(
        reverse("evidence:rule", args=[pending.pk]),
        {f"item{pending.pk}-ruling": "admit", f"item{pending.pk}-reason": "Public post, within the DPIA."},
        follow=True,
    )
    assert f"Evidence item {pending.pk} in {pending.case.reference} admitted." in answer.content.decode()
    pending.refresh_from_db()
    assert pending.admissibility == Admissibility.ADMITTED and pending.ruled_by == org.users["dpo"]
    assert "Nothing is waiting for a ruling." in answer.content.decode()


def test_an_evidence_file_is_a_download_for_those_allowed_and_not_found_for_others(client, org, pending):
    sign_in(client, org.users["mp"])  # the respondent: nothing has been served on them yet
    assert client.get(reverse("evidence:file", args=[pending.pk])).status_code == 404
    sign_in(client, org.users["officer"])
    answer = client.get(reverse("evidence:file", args=[pending.pk]))
    assert answer.status_code == 200 and answer.content == PNG
    assert answer["Content-Disposition"] == f'attachment; filename="evidence-{pending.pk}.png"'
    assert AuditEvent.objects.filter(action="evidence.file_read", actor_user_id=org.users["officer"].pk).count() == 1
