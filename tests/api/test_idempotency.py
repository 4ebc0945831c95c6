"""`Idempotency-Key` on a real action: the respondent's reply through POST /me/cases/{reference}/response.

A retry with the same key acts once and gets the first answer again; the same key with another request is an
error; a refused request is not remembered, so the corrected retry with the same key works; and keys are the
caller's own.
"""

from __future__ import annotations

import pytest
from django.test import Client

from fairhearing.api.models import IdempotentRequest
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import EventKind, TimelineEvent
from tests.api.client import Api, problem, token_for
from tests.cases.organisation import Org, build_org
from tests.portal.cases import Journey
from tests.signin import sign_in

pytestmark = pytest.mark.django_db
REPLY = {"response": "I deny the allegation: the message was a joke between friends."}


@pytest.fixture
def org(settings, tmp_path, example_source) -> Org:
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_org(example_source)


@pytest.fixture
def case(org):
    return Journey(org, days_ago=3).notice().case


def url(case) -> str:
    return f"/me/cases/{case.reference}/response"


def replies(case) -> int:
    """How many times the reply was recorded: on the timeline, and on the audit log."""
    timeline = TimelineEvent.objects.filter(case=case, kind=EventKind.RESPONSE_RECEIVED).count()
    logged = AuditEvent.objects.filter(action="timeline.response_received", case_reference=case.reference).count()
    assert timeline == logged
    return timeline


def test_a_retry_with_the_same_key_acts_once_and_replays_the_answer(org, case):
    client = Api.of(org.users["respondent"])
    first = client.post(url(case), REPLY, key="reply-1")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first
    audit_size = AuditEvent.objects.count()
    again = client.post(url(case), REPLY, key="reply-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"]
    assert replies(case) == 1 and AuditEvent.objects.count() == audit_size
    # Without the key, the same request is a new one, and the procedure refuses a second reply.
    assert problem(client.post(url(case), REPLY))["status"] == 409
    assert replies(case) == 1


def test_the_same_key_for_a_different_request_is_refused(org, case):
    client = Api.of(org.users["respondent"])
    assert client.post(url(case), REPLY, key="reply-1").status_code == 200
    different = problem(client.post(url(case), {"response": "Something else entirely."}, key="reply-1"))
    assert different["status"] == 422 and "different request" in different["detail"]
    elsewhere = problem(client.post("/me/data-request", key="reply-1"))
    assert elsewhere["status"] == 422
    assert replies(case) == 1


def test_a_refused_request_is_not_remembered_so_the_corrected_retry_acts(org, case):
    client = Api.of(org.users["respondent"])
    invalid = client.post(url(case), {"response": "   "}, key="reply-1")
    assert problem(invalid)["status"] == 422 and "Idempotent-Replayed" not in invalid
    assert not IdempotentRequest.objects.exists()
    corrected = client.post(url(case), REPLY, key="reply-1")
    assert corrected.status_code == 200 and "Idempotent-Replayed" not in corrected
    assert replies(case) == 1


def test_a_request_the_procedure_refused_can_be_retried_once_it_is_allowed(org):
    journey = Journey(org, days_ago=3).investigate()
    client = Api.of(org.users["respondent"])
    early = client.post(url(journey.case), REPLY, key="reply-1")
    assert problem(early)["status"] == 409  # no notice yet
    # Now the notice is served (Journey.notice would first investigate again: this case is already at that stage).
    journey.investigate = lambda: journey
    journey.notice()
    later = client.post(url(journey.case), REPLY, key="reply-1")
    assert later.status_code == 200 and "Idempotent-Replayed" not in later
    assert replies(journey.case) == 1


def test_keys_are_the_callers_own(org, case):
    respondent = Api.of(org.users["respondent"])
    assert respondent.post(url(case), REPLY, key="shared-key").status_code == 200
    # Another caller with the same key gets their own answer, not the respondent's.
    other = Api.of(org.users["complainant"]).post("/me/data-request", key="shared-key")
    assert other.status_code == 200 and other["Content-Type"] == "application/zip"
    assert "Idempotent-Replayed" not in other
    # ...and cannot use it to read the respondent's answer either.
    outsider = Api.of(org.users["mp"]).post(url(case), REPLY, key="shared-key")
    assert outsider.status_code == 404 and "Idempotent-Replayed" not in outsider
    # The key is the person's, whichever of their tokens sends the retry.
    second_token = Api(token_for(org.users["respondent"]))
    assert second_token.post(url(case), REPLY, key="shared-key")["Idempotent-Replayed"] == "true"
    assert replies(case) == 1


def test_a_read_token_is_refused_and_its_key_not_kept(org, case):
    read = Api.of(org.users["respondent"], "read").post(url(case), REPLY, key="reply-1")
    assert problem(read)["status"] == 403 and not IdempotentRequest.objects.exists()
    assert Api.of(org.users["respondent"]).post(url(case), REPLY, key="reply-1").status_code == 200


def test_a_session_retry_with_the_same_key_acts_once(org, case):
    client = sign_in(Client(enforce_csrf_checks=True), org.users["respondent"])
    client.get("/account/tokens/")
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value, "Idempotency-Key": "from-the-browser"}
    api_url = f"/api/v1{url(case)}"
    first = client.post(api_url, REPLY, content_type="application/json", headers=headers)
    again = client.post(api_url, REPLY, content_type="application/json", headers=headers)
    assert first.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert replies(case) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\there"])
def test_a_bad_key_is_a_bad_request(org, case, key):
    response = Api.of(org.users["respondent"]).post(url(case), REPLY, key=None, HTTP_IDEMPOTENCY_KEY=key)
    assert problem(response)["status"] == 400
    assert replies(case) == 0


def test_an_answer_with_personal_data_is_not_kept_but_the_request_is_not_repeated(org, case):
    client = Api.of(org.users["respondent"])
    export = client.post("/me/data-request", key="my-data-1")
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    stored = IdempotentRequest.objects.get(key="my-data-1")
    assert bytes(stored.body) == b""  # the zip is nowhere in the database
    exports = AuditEvent.objects.filter(action="subject_access.exported")
    assert exports.count() == 1
    again = problem(client.post("/me/data-request", key="my-data-1"))
    assert again["status"] == 409 and "not kept" in again["detail"]
    assert exports.count() == 1


def test_keys_are_forgotten_after_a_day(org, case):
    from datetime import timedelta

    from django.utils import timezone

    from fairhearing.api.idempotency import forget_old_keys

    client = Api.of(org.users["respondent"])
    assert client.post(url(case), REPLY, key="reply-1").status_code == 200
    assert forget_old_keys(timezone.now() + timedelta(hours=23)) == 0
    assert forget_old_keys(timezone.now() + timedelta(hours=25)) == 1
    assert not IdempotentRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_act_once(settings, tmp_path, example_source):
    """Two copies of one request at once (a client that timed out and retried): one acts, the other waits on the
    reservation and replays its answer."""
    import threading

    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    org = build_org(example_source)
    case = Journey(org, days_ago=3).notice().case
    secret = token_for(org.users["respondent"])
    start = threading.Barrier(2)
    answers = []

    def call() -> None:
        from django.db import connection

        try:
            start.wait()
            answers.append(Api(secret).post(url(case), REPLY, key="reply-race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].content == answers[1].content
    assert sorted(a.get("Idempotent-Replayed", "") for a in answers) == ["", "true"]
    assert replies(case) == 1
