"""Driving the staff case pages with the test client: a clock the services and pages read, cases set up part of
the way through the procedure, and a look at what a page offers.

The procedure runs on dates (a hearing at least ten working days after the notice, a decision only once the
hearing day has come), so the tests move a clock: `timezone.now` is replaced for the test, as the services read it.
Signing in again after each move keeps the session (idle limit one hour) alive across the jumps.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

from django.test import Client
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.cases import services
from fairhearing.cases.models import Case, CaseSource, ComplainantKind, EvidenceItem, TimelineEvent
from tests.cases.organisation import START, Org, investigate
from tests.signin import sign_in


class Clock:
    def __init__(self, monkeypatch) -> None:
        self.now: datetime = START
        monkeypatch.setattr(timezone, "now", lambda: self.now)

    def day(self, days: int) -> datetime:
        """Move to `days` after the organisation's start (2 March 2026, 10:00)."""
        self.now = START + timedelta(days=days)
        return self.now


def later(days: int) -> datetime:
    return START + timedelta(days=days)


def act_url(case: Case, action: str) -> str:
    return f"/cases/{case.reference}/act/{action}/"


def get_as(client: Client, user: User, url: str):
    sign_in(client, user)
    return client.get(url)


def post_as(client: Client, user: User, url: str, data: dict | None = None):
    sign_in(client, user)
    return client.post(url, data or {})


def snapshot(case: Case) -> tuple:
    """What a refused or forbidden action must leave as it was."""
    case.refresh_from_db()
    return (
        case.stage,
        case.body_id,
        TimelineEvent.objects.filter(case=case).count(),
        case.sittings.count(),
        case.decisions.count(),
        case.interim_suspensions.count(),
        case.declared_conflicts.count(),
    )


def open_about_mp(org: Org) -> Case:
    """A complaint about the MP: the national disputes panel deals with it."""
    return services.open_case(
        user=org.users["officer"],
        respondent=org.members["mp"],
        allegations=[services.AllegationInput("2.2", "Abusive messages to branch members.", date(2026, 2, 1))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START,
    )


def investigating(org: Org) -> Case:
    """Opened, triaged and under investigation by day 2."""
    return investigate(org, open_about_mp(org), later(2))


def noticed(org: Org) -> tuple[Case, EvidenceItem]:
    """The notice served on day 3, relying on one admitted item."""
    case = investigating(org)
    item = org.evidence(case)
    services.issue_notice(case, org.users["officer"], evidence={case.allegations.get().pk: {item.pk}}, now=later(3))
    return case, item


def before_the_hearing(org: Org, panel=None) -> tuple[Case, EvidenceItem]:
    """Answered on day 10, a panel formed on day 11 and the hearing fixed for 25 March 2026 (day 23)."""
    case, item = noticed(org)
    services.record_response(case, org.users["mp"], response="I deny it.", now=later(10))
    members = panel if panel is not None else org.seats["ndp"][:3]
    services.form_panel(case, org.users["body_officer"], members=members, now=later(11))
    services.schedule_hearing(case, org.users["body_officer"], hearing_on=date(2026, 3, 25), now=later(12))
    return case, item


def alert(page: str) -> str:
    """The text of the error summary (role="alert"), tags removed and spaces collapsed."""
    found = re.search(r'<div class="error-summary" role="alert".*?</div>', page, re.S)
    assert found, "no error summary on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


class _Controls(HTMLParser):
    """Every form control of a page and every label's target, to check that each control is labelled."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str]] = []
        self.labelled: set[str] = set()
        self.inline_code: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit"}:
            self.controls.append({"tag": tag, **a})
        if tag == "label" and a.get("for"):
            self.labelled.add(a["for"])
        if "style" in a or any(k.startswith("on") for k in a) or (tag == "script" and not a.get("src")):
            self.inline_code.append(tag)


def unlabelled_controls(page: str) -> list[str]:
    parser = _Controls()
    parser.feed(page)
    return [c.get("name", "?") for c in parser.controls if c.get("id") not in parser.labelled]


def inline_code(page: str) -> list[str]:
    """Inline styles, event handlers or scripts: the Content Security Policy would block them."""
    parser = _Controls()
    parser.feed(page)
    return parser.inline_code
