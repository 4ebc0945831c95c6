"""REQ 22 at decision time: the panel sees anonymised comparable past decisions beside the decision form, and the
decision records that it considered them - on the web and through the API, and never for anyone who may not decide.

The earlier decided case is about an MP other than the one whose case is being decided, with a distinctive name and
particulars, so that a page leaking either is caught.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user, grant_role
from fairhearing.audit.log import content_digest
from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Case, Decision, DecisionKind, EventKind
from fairhearing.organisation.models import Member, OfficeHolding
from tests.analysis.casework import decided, heard
from tests.api.client import Api, problem
from tests.cases.organisation import Org
from tests.cases.pages import act_url, alert, get_as, inline_code, post_as, snapshot, unlabelled_controls

pytestmark = pytest.mark.django_db

NAME = "Zebedee Quartermain"
NUMBER = "M0999"
SECRET = "Insulted the treasurer Philomena Gutteridge at the Lantern Club."
DECISION_DAY = 23  # the hearing day of every case `heard` builds


@pytest.fixture
def other_mp(org: Org) -> Member:
    """A second MP, in the north: heard by the same national panel without sharing a branch with its seats."""
    member = Member.objects.create(
        membership_number=NUMBER, name=NAME, branch=org.members["respondent"].branch, joined=date(2012, 1, 1)
    )
    OfficeHolding.objects.create(member=member, office="mp", since=date(2019, 12, 12))
    org.members["other_mp"] = member
    return member


@pytest.fixture
def precedent(org: Org, other_mp: Member) -> Case:
    """The earlier decision: a final warning, culpability B, harm 2, on a public platform, with genuine remorse."""
    return decided(org, who="other_mp", particulars=SECRET)


def _comparables(page: str) -> str:
    found = re.search(r'<section class="comparables".*?</section>', page, re.S)
    assert found, "no comparable decisions on the page"
    return found.group(0)


def _shown_refs(page: str) -> list[str]:
    return re.findall(r"<h3>([^<,]+), decided \d{4}</h3>", _comparables(page))


def _posted_back(page: str) -> str:
    found = re.search(r'<input type="hidden" name="precedents_shown" value="([^"]*)">', page)
    assert found, "the form does not carry the references it shows"
    return found.group(1)


def _outcomes(page: str) -> list[tuple[str, int]]:
    table = re.search(r'<table class="spread">.*?</table>', _comparables(page), re.S).group(0)
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">(\d+)', table)
    return [(name, int(n)) for name, n in rows]


def _decision(case: Case, item, **more) -> dict:
    allegation = case.allegations.get()
    return {
        f"a{allegation.pk}_proven": "yes",
        f"a{allegation.pk}_reasons": "Proven on the messages.",
        f"a{allegation.pk}_evidence": [item.pk],
        "culpability": "B",
        "harm": "2",
        "sanction": "warning",
    } | more


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_panel_sees_comparable_decisions_beside_the_form_and_nobody_in_them(client, org, clock, precedent):
    case, _ = heard(org)
    clock.day(DECISION_DAY)
    response = get_as(client, org.users["panellist"], act_url(case, "record_decision"))
    assert response.status_code == 200
    page = response.content.decode()
    section = _comparables(page)
    words = _text(section)

    assert _shown_refs(page) == [precedent.reference]
    assert f"{precedent.reference}, decided 2026" in words
    assert "National Disputes Panel" in words and "similarity " in words
    assert "2.2 (" in words  # the clause, with its title
    assert "B (medium culpability)" in words and "2 (significant harm)" in words
    assert "Public platform" in words and "Genuine remorse" in words
    # The sanction by its rulebook name; ids stay out of what people read.
    assert "Final warning" in words and "final-warning" not in section
    # Counts per sanction in the rulebook's order, every step of the scale included, and what they are not.
    assert _outcomes(page) == [
        ("No further action", 0),
        ("Advice", 0),
        ("Warning", 0),
        ("Final warning", 1),
        ("Suspension from membership", 0),
        ("Expulsion", 0),
    ]
    assert "not an answer" in words and "All of them got Final warning." in words

    # Anonymised: neither who the other case was about nor what was written about them, anywhere on the page.
    for leak in (NAME, "Quartermain", NUMBER, SECRET, "Philomena", "Lantern Club"):
        assert leak not in page, leak
    # The box to record it, labelled, and nothing the Content Security Policy would block.
    assert 'name="precedents_considered"' in page and _posted_back(page) == precedent.reference
    assert unlabelled_controls(page) == [] and inline_code(page) == []


def test_the_box_must_be_ticked_when_there_were_comparable_decisions(client, org, clock, precedent):
    case, item = heard(org)
    clock.day(DECISION_DAY)
    panellist, url = org.users["panellist"], act_url(case, "record_decision")
    shown = _shown_refs(get_as(client, panellist, url).content.decode())
    before = snapshot(case)

    response = post_as(client, panellist, url, _decision(case, item, precedents_shown=precedent.reference))
    assert response.status_code == 400
    assert (
        "The panel considered these comparable decisions: Tick the box to record that the panel considered the "
        "comparable past decisions shown on this page." in alert(response.content.decode())
    )
    assert 'href="#id_precedents_considered"' in response.content.decode()
    assert snapshot(case) == before
    # Shown again with the form, so the panel can do what it is asked.
    assert _shown_refs(response.content.decode()) == shown

    response = post_as(
        client,
        panellist,
        url,
        _decision(case, item, precedents_considered="on", precedents_shown=_posted_back(response.content.decode())),
    )
    assert response.status_code == 302, alert(response.content.decode())
    decision = Decision.objects.get(case=case)
    assert decision.precedents_considered == shown == [precedent.reference]

    # The timeline says so, and the audit log vouches for exactly that entry.
    event = case.timeline.get(kind=EventKind.DECISION_RECORDED)
    assert event.summary == f"Decision: Warning. The panel considered 1 comparable past decision: {shown[0]}."
    assert event.data == {"sanction": "warning", "precedents_considered": shown}
    entry = AuditEvent.objects.get(action=f"timeline.{EventKind.DECISION_RECORDED}", object_id=str(event.pk))
    assert entry.data["content_sha256"] == content_digest(event.summary, event.data)
    # And the decision's record names them.
    record = get_as(client, org.users["officer"], f"/cases/{case.reference}/").content.decode()
    assert "Comparable decisions considered" in record and shown[0] in _text(record)


def test_a_list_that_changed_while_the_form_was_open_must_be_looked_at_again(client, org, clock, precedent):
    case, item = heard(org)
    clock.day(DECISION_DAY)
    panellist, url = org.users["panellist"], act_url(case, "record_decision")
    opened = get_as(client, panellist, url).content.decode()
    assert _shown_refs(opened) == [precedent.reference]
    # Meanwhile another panel decides a like case.
    newer = decided(org, sanction="suspension", departure_reason="", particulars="Abusive messages again.")
    assert Decision.objects.get(case=newer).sanction == "suspension"

    ticked = _decision(case, item, precedents_considered="on", precedents_shown=_posted_back(opened))
    response = post_as(client, panellist, url, ticked)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The comparable past decisions changed while the form was open" in alert(page)
    assert not case.decisions.exists()
    # The new list, with the box no longer ticked: the tick was given to the old one.
    assert set(_shown_refs(page)) == {precedent.reference, newer.reference}
    assert not re.search(r'<input[^>]*name="precedents_considered"[^>]*checked', page)

    ticked["precedents_shown"] = _posted_back(page)
    assert post_as(client, panellist, url, ticked).status_code == 302
    assert set(Decision.objects.get(case=case).precedents_considered) == {precedent.reference, newer.reference}


def test_a_first_comparable_decision_recorded_while_the_form_was_open_must_be_looked_at(client, org, clock, other_mp):
    case, item = heard(org)
    clock.day(DECISION_DAY)
    panellist, url = org.users["panellist"], act_url(case, "record_decision")
    assert _posted_back(get_as(client, panellist, url).content.decode()) == ""
    first = decided(org, who="other_mp", particulars=SECRET)
    response = post_as(client, panellist, url, _decision(case, item, precedents_shown=""))
    assert response.status_code == 400
    assert "The comparable past decisions changed while the form was open" in alert(response.content.decode())
    assert _shown_refs(response.content.decode()) == [first.reference] and not case.decisions.exists()


def test_with_nothing_comparable_there_is_nothing_to_tick(client, org, clock):
    case, item = heard(org)
    clock.day(DECISION_DAY)
    panellist, url = org.users["panellist"], act_url(case, "record_decision")
    page = get_as(client, panellist, url).content.decode()
    assert "No earlier decided case is comparable yet" in _text(_comparables(page))
    assert 'name="precedents_considered"' not in page and _posted_back(page) == ""
    assert post_as(client, panellist, url, _decision(case, item, precedents_shown="")).status_code == 302
    decision = Decision.objects.get(case=case)
    assert decision.precedents_considered == []
    assert case.timeline.get(kind=EventKind.DECISION_RECORDED).summary == "Decision: Warning."


def test_only_the_decision_form_shows_them(client, org, clock, precedent):
    case, _ = heard(org)
    clock.day(DECISION_DAY)
    page = get_as(client, org.users["panellist"], act_url(case, "declare_conflict")).content.decode()
    assert "Comparable past decisions" not in page


# --- the API -------------------------------------------------------------------------------------------------------


def _api_decision(case: Case, item, **more) -> dict:
    allegation = case.allegations.get()
    finding = {"allegation": allegation.pk, "proven": True, "reasons": "Proven.", "evidence": [item.pk]}
    return {"findings": [finding], "culpability": "B", "harm": "2", "sanction": "warning"} | more


def test_the_api_asks_the_same_and_records_the_same(org, clock, precedent):
    case, item = heard(org)
    clock.day(DECISION_DAY)
    api, path = Api.of(org.users["panellist"]), f"/cases/{case.reference}/actions/record_decision"
    # What the panel reads through the API is what the page shows.
    listed = api.get(f"/cases/{case.reference}/precedents").json()
    refs = [p["case_ref"] for p in listed["precedents"]]
    assert refs == [precedent.reference]
    before = snapshot(case)

    for body in (_api_decision(case, item), _api_decision(case, item, precedents_considered=False)):
        answer = problem(api.post(path, body))
        assert answer["status"] == 422
        assert [e["field"] for e in answer["errors"]] == ["precedents_considered"]
        assert "Tick the box to record that the panel considered" in answer["errors"][0]["message"]
        assert snapshot(case) == before

    answer = api.post(path, _api_decision(case, item, precedents_considered=True))
    assert answer.status_code == 200, answer.content.decode()[:2000]
    first = next(d for d in answer.json()["decisions"] if d["kind"] == DecisionKind.FIRST_INSTANCE)
    assert first["precedents_considered"] == refs
    assert Decision.objects.get(case=case).precedents_considered == refs
    assert api.get(f"/cases/{case.reference}/decision").json()["precedents_considered"] == refs
    assert refs[0] in case.timeline.get(kind=EventKind.DECISION_RECORDED).summary


def test_the_api_needs_no_tick_when_there_is_nothing_to_consider(org, clock):
    case, item = heard(org)
    clock.day(DECISION_DAY)
    answer = Api.of(org.users["panellist"]).post(
        f"/cases/{case.reference}/actions/record_decision", _api_decision(case, item)
    )
    assert answer.status_code == 200, answer.content.decode()[:2000]
    assert Decision.objects.get(case=case).precedents_considered == []


def test_the_api_body_documents_the_box():
    from fairhearing.api.action_bodies import ActionRecordDecisionIn

    field = ActionRecordDecisionIn.model_fields["precedents_considered"]
    assert field.annotation is bool and field.default is False


# --- who never gets them -------------------------------------------------------------------------------------------


def _cannot_reach(client, user, case: Case) -> None:
    """Neither the form with its comparable decisions, nor its guideline fragment, nor the action through the API."""
    url = act_url(case, "record_decision")
    assert get_as(client, user, url).status_code == 404
    assert get_as(client, user, f"{url}guideline/?culpability=B&harm=2").status_code == 404
    api = Api.of(user)
    answer = api.post(f"/cases/{case.reference}/actions/record_decision", {"findings": [], "sanction": "warning"})
    assert answer.status_code == 404


def test_nobody_who_may_not_decide_gets_them(client, org, clock, precedent):
    case, _ = heard(org)
    clock.day(DECISION_DAY)
    # Whoever may decide does (the check below is not one that refuses everyone).
    assert (
        'class="comparables"'
        in get_as(client, org.users["panellist"], act_url(case, "record_decision")).content.decode()
    )
    # The respondent, who is a member and nothing more.
    _cannot_reach(client, org.users["mp"], case)
    # Staff who read the case, or act on it, but do not decide it.
    for who in ("officer", "body_officer", "oversight", "dpo"):
        _cannot_reach(client, org.users[who], case)
    # A panel member of the same body, on its list but not on this case's panel.
    elsewhere = create_user(
        username="elsewhere", password="a long test password", roles={Role.PANEL_MEMBER}, member=org.members["ndp3"]
    )
    org.seats["ndp"][3].user = elsewhere
    org.seats["ndp"][3].save()
    _cannot_reach(client, elsewhere, case)
    # An appeal panel member.
    _cannot_reach(client, org.users["appeal_panellist"], case)


def test_a_respondent_who_holds_a_seat_on_their_own_panel_does_not_get_them(client, org, clock, precedent):
    """The worst case the data could hold: the respondent's account is linked to a seat of the panel hearing their
    own case and has the panel member's role. They are a party first, and a party never decides."""
    case, _ = heard(org)
    clock.day(DECISION_DAY)
    respondent = org.users["mp"]
    grant_role(respondent, Role.PANEL_MEMBER)
    seat = org.seats["ndp"][1]  # sitting on this case's panel
    seat.user = respondent
    seat.save()
    _cannot_reach(client, respondent, case)
    assert 'class="comparables"' not in get_as(client, respondent, f"/cases/{case.reference}/").content.decode()


def test_a_panel_member_who_declared_a_conflict_does_not_get_them(client, org, clock, precedent):
    from fairhearing.cases import services

    case, _ = heard(org)
    clock.day(13)
    panellist = org.users["panellist"]
    services.declare_conflict(
        case, panellist, panel_member=org.members["ndp0"], with_member=org.members["mp"], reason="Old friends."
    )
    clock.day(DECISION_DAY)
    _cannot_reach(client, panellist, case)
