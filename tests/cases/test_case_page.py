"""The staff case page: the whole record with each step's place in the audit log; every view logged."""

from __future__ import annotations

import pytest

from fairhearing.audit.checkpoints import make_checkpoint
from fairhearing.audit.models import AuditEvent
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def test_a_case_officer_sees_the_record_with_proof_links_and_the_view_is_logged(client, sar_case):
    case = sar_case.as_respondent
    checkpoint = make_checkpoint()
    sign_in(client, sar_case.org.users["officer"])
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert f"<h1>{case.reference}</h1>" in page
    for allegation in case.allegations.all():
        assert allegation.clause in page
    for event in case.timeline.all():
        index = AuditEvent.objects.get(object_type="timeline_event", object_id=str(event.pk)).index
        assert f'<a href="/audit/entries/{index}/proof?size={checkpoint.size}">log entry {index}</a>' in page
    assert f'href="/cases/{case.reference}/evidence/add/"' in page
    view = AuditEvent.objects.get(action="case.viewed")
    assert (view.case_reference, view.actor_user_id) == (case.reference, sar_case.org.users["officer"].pk)


@pytest.mark.parametrize("who", ["oversight", "dpo"])
def test_oversight_and_the_dpo_read_it_without_the_officers_links(client, sar_case, who):
    sign_in(client, sar_case.org.users[who])
    page = client.get(f"/cases/{sar_case.as_respondent.reference}/")
    assert page.status_code == 200 and "/evidence/add/" not in page.content.decode()


# The access policy decides: the panellist of `sar_case` sits on its live hearing panel and its body officer serves
# the national panel, so both read it (test_case_page_access.py); the appeals body's officer has no part in it yet.
@pytest.mark.parametrize("who", ["mp", "complainant", "appeals_officer", "appeal_panellist"])
def test_others_get_not_found_and_nothing_is_logged(client, sar_case, who):
    sign_in(client, sar_case.org.users[who])
    assert client.get(f"/cases/{sar_case.as_respondent.reference}/").status_code == 404
    assert not AuditEvent.objects.filter(action="case.viewed").exists()


def test_signed_out_visitors_are_sent_to_sign_in_and_unknown_cases_are_not_found(client, sar_case):
    answer = client.get(f"/cases/{sar_case.as_respondent.reference}/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]
    sign_in(client, sar_case.org.users["officer"])
    assert client.get("/cases/FH-2099-99999/").status_code == 404
