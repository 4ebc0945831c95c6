"""The case page runs the same number of SQL queries whatever the size of the case or of the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fairhearing.cases import services
from fairhearing.cases.models import CaseSource, ComplainantKind
from tests.cases.organisation import START, build_org, investigate
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


def investigated(org, allegations: int, evidence: int, minute: int):
    case = services.open_case(
        user=org.users["officer"],
        respondent=org.members["mp"],
        allegations=[
            services.AllegationInput("2.2", f"Abusive message number {n}.", date(2026, 2, 1))
            for n in range(allegations)
        ],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START + timedelta(minutes=minute),
    )
    investigate(org, case, START + timedelta(days=1, minutes=minute))
    for n in range(evidence):
        org.evidence(case, description=f"Screenshot {n}", text=f"Transcript {n}", admitted=n % 2 == 0)
    return case


def queries(client, case) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/cases/{case.reference}/").status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["officer", "body_officer"])
def test_the_case_page_costs_the_same_for_a_small_case_a_large_one_and_a_full_database(client, example_source, who):
    org = build_org(example_source)
    small = investigated(org, allegations=1, evidence=1, minute=0)
    large = investigated(org, allegations=6, evidence=8, minute=1)
    sign_in(client, org.users[who])
    baseline = queries(client, small)
    assert queries(client, large) == baseline
    for n in range(15):
        investigated(org, allegations=2, evidence=1, minute=10 + n)
    assert queries(client, small) == baseline
