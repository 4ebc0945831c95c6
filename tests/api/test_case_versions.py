"""Optimistic concurrency through the API: a case's ETag is its version, and an action sent with an If-Match that
is no longer current is refused with 412 and changes nothing."""

from __future__ import annotations

import pytest

from fairhearing.cases import services
from tests.api.client import Api, problem
from tests.cases.pages import investigating, snapshot

pytestmark = pytest.mark.django_db

TRANSFER = {"to_body": "constitutional-committee", "reason": "It may end in expulsion."}


def transfer(user, case, body=TRANSFER, if_match: str | None = None):
    headers = {"HTTP_IF_MATCH": if_match} if if_match is not None else {}
    return Api.of(user).post(f"/cases/{case.reference}/actions/transfer", body, **headers)


def test_reading_a_case_gives_its_version_as_the_etag(org):
    case = investigating(org)
    answer = Api.of(org.users["officer"]).get(f"/cases/{case.reference}")
    assert answer.status_code == 200
    assert answer["ETag"] == f'"{case.version}"'
    assert answer.json()["version"] == case.version


def test_an_action_with_the_current_etag_acts_and_answers_with_the_next(org, clock):
    case = investigating(org)
    clock.day(3)
    etag = Api.of(org.users["officer"]).get(f"/cases/{case.reference}")["ETag"]
    answer = transfer(org.users["officer"], case, if_match=etag)
    assert answer.status_code == 200, answer.content
    case.refresh_from_db()
    assert case.body.kind == "constitutional-committee"
    assert answer["ETag"] == f'"{case.version}"' != etag
    assert answer.json()["version"] == case.version


def test_an_action_with_a_stale_etag_is_refused_with_412_and_changes_nothing(org, clock):
    case = investigating(org)
    clock.day(3)
    stale = Api.of(org.users["officer"]).get(f"/cases/{case.reference}")["ETag"]
    services.withdraw_case(case, org.users["officer"], reason="The complainant withdrew.")
    before = snapshot(case)
    answer = transfer(org.users["officer"], case, if_match=stale)
    body = problem(answer)
    assert answer.status_code == 412
    assert body["title"] == "The case has changed"
    assert f"{case.reference} has changed since you read it" in body["detail"]
    assert "Nothing was changed" in body["detail"]
    case.refresh_from_db()
    assert body["current_version"] == case.version
    assert answer["ETag"] == f'"{case.version}"'
    assert snapshot(case) == before


def test_a_stale_etag_is_refused_even_when_the_body_no_longer_fits_the_case(org, clock):
    """The caller is told the case changed, not about fields of an action the case no longer offers."""
    case = investigating(org)
    clock.day(3)
    stale = f'"{case.version}"'
    services.transfer_case(case, org.users["officer"], to_body="constitutional-committee", reason="Expulsion?")
    answer = transfer(org.users["officer"], case, {"to_body": "constitutional-committee", "reason": ""}, stale)
    assert answer.status_code == 412
    assert "has changed since you read it" in problem(answer)["detail"]


@pytest.mark.parametrize("header", ["3", 'W/"3"', '"3", "4"', '"abc"', ""])
def test_an_if_match_that_is_not_one_of_our_etags_is_a_bad_request(org, clock, header):
    case = investigating(org)
    clock.day(3)
    before = snapshot(case)
    answer = transfer(org.users["officer"], case, if_match=header)
    assert answer.status_code == 400
    body = problem(answer)
    assert body["errors"] == [{"in": "header", "field": "If-Match", "message": "not an ETag of this API"}]
    assert snapshot(case) == before


@pytest.mark.parametrize("header", [None, "*"])
def test_without_a_version_the_action_applies_to_the_case_as_it_is(org, clock, header):
    case = investigating(org)
    clock.day(3)
    services.withdraw_case(case, org.users["officer"], reason="The complainant withdrew.")
    answer = transfer(org.users["officer"], case, if_match=header)
    # The procedure's own rules still hold: a closed case cannot be transferred, whoever last looked.
    assert answer.status_code == 409


def test_a_stale_etag_cannot_be_used_to_probe_a_case_one_may_not_act_on(org, clock):
    """The version check comes after access: someone who may not act on the case is told it does not exist."""
    case = investigating(org)
    clock.day(3)
    answer = transfer(org.users["mp"], case, if_match='"1"')
    assert answer.status_code == 404
