"""Workspace pages run the same number of SQL queries however many cases there are (no query per row)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fairhearing.cases import services
from fairhearing.cases.services.oversight import raise_flag
from tests.cases.organisation import START, build_org
from tests.signin import sign_in
from tests.workspace.test_pages import open_case

pytestmark = pytest.mark.django_db

PAGES = ["/work/", "/cases/", "/cases/?overdue=on&sort=due", "/cases/?q=messages", "/oversight/"]


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_cases(org, count: int) -> None:
    for n in range(count):
        case = open_case(org, now=START + timedelta(minutes=n))
        services.begin_triage(case, org.users["officer"], now=START + timedelta(minutes=n, seconds=30))
        raise_flag(case, org.users["oversight"], kind="delay", detail=f"Flag {n}")


@pytest.mark.parametrize("who", ["officer", "oversight"])
def test_queries_per_page_do_not_grow_with_the_cases(client, example_source, who):
    org = build_org(example_source)
    add_cases(org, 2)
    sign_in(client, org.users[who])
    urls = [u for u in PAGES if who == "oversight" or u != "/oversight/"]
    few = {url: queries(client, url) for url in urls}
    add_cases(org, 30)
    many = {url: queries(client, url) for url in urls}
    assert many == few
