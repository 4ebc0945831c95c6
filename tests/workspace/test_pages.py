"""The staff workspace: my work, the case list with its filters, the oversight dashboard, flags and notes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from fairhearing.audit.models import AuditEvent
from fairhearing.cases import services
from fairhearing.cases.models import Case, CaseFlag, CaseSource, ComplainantKind, EventKind, TimelineEvent
from fairhearing.procedure.stages import Stage
from tests.cases.organisation import START, build_org
from tests.signin import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(example_source):
    return build_org(example_source)


def open_case(org, who="respondent", particulars="Abusive messages to branch members.", now=START):
    return services.open_case(
        user=org.users["officer"],
        respondent=org.members[who],
        allegations=[services.AllegationInput("2.2", particulars, date(2026, 2, 1))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=now,
    )


@pytest.fixture
def cases(org):
    """A regional case (north), and a national one (the MP's), both received; the regional one in triage."""
    regional = open_case(org)
    national = open_case(org, who="mp", particulars="Leaked the selection shortlist to the press.")
    services.begin_triage(regional, org.users["officer"], now=START + timedelta(hours=1))
    return {"regional": regional, "national": national}


def refs(page) -> list[str]:
    return [c.reference for c in page.context["page"].object_list]


def test_a_stored_due_date_follows_the_stage(org, cases):
    regional, national = cases["regional"], cases["national"]
    regional.refresh_from_db()
    assert national.due_on is None  # the example rulebook sets no target for a complaint not yet in triage
    # Triage has ten working days: from Monday 2 March 2026, that ends on Monday 16 March.
    assert regional.stage == Stage.TRIAGE and regional.due_on == date(2026, 3, 16)


def test_the_case_officer_sees_every_case_and_filters_them(client, org, cases):
    sign_in(client, org.users["officer"])
    everything = client.get("/cases/")
    assert everything.status_code == 200
    assert sorted(refs(everything)) == sorted(c.reference for c in cases.values())
    assert refs(client.get("/cases/", {"stage": "triage"})) == [cases["regional"].reference]
    assert refs(client.get("/cases/", {"q": "shortlist"})) == [cases["national"].reference]
    assert refs(client.get("/cases/", {"q": "M0003"})) == [cases["national"].reference]  # the MP's number
    assert refs(client.get("/cases/", {"clause": "9.9"})) == []
    national_body = cases["national"].body
    assert refs(client.get("/cases/", {"body": national_body.pk})) == [cases["national"].reference]
    assert refs(client.get("/cases/", {"suspended": "on"})) == []
    assert refs(client.get("/cases/", {"received_from": "2026-03-03"})) == []


def test_overdue_means_past_the_stage_target(client, org, cases):
    sign_in(client, org.users["officer"])
    # Triage was due on 16 March 2026; the national case has no target while it waits for triage.
    assert refs(client.get("/cases/", {"overdue": "on"})) == [cases["regional"].reference]
    Case.objects.filter(pk=cases["regional"].pk).update(due_on=timezone.localdate())
    assert refs(client.get("/cases/", {"overdue": "on"})) == []  # due today is not yet late


def test_a_bad_filter_is_named_and_the_list_is_unfiltered(client, org, cases):
    sign_in(client, org.users["officer"])
    page = client.get("/cases/", {"received_from": "2026-04-01", "received_to": "2026-03-01"})
    assert page.status_code == 200
    assert "This date is before the" in page.content.decode()
    assert len(refs(page)) == 2
    assert client.get("/cases/", {"received_from": "not a date"}).status_code == 200


def test_a_search_for_a_person_is_on_the_audit_log(client, org, cases):
    sign_in(client, org.users["officer"])
    client.get("/cases/", {"q": "Respondent"})
    entry = AuditEvent.objects.get(action="cases.searched")
    assert entry.actor_user_id == org.users["officer"].pk and entry.data["query"] == "Respondent"


def test_a_body_officer_lists_only_their_bodys_cases(client, org, cases):
    sign_in(client, org.users["body_officer"])
    assert refs(client.get("/cases/")) == [cases["national"].reference]
    sign_in(client, org.users["appeals_officer"])
    assert refs(client.get("/cases/")) == []


def test_panel_members_list_nothing_until_their_panel_sits(client, org, cases):
    sign_in(client, org.users["panellist"])
    assert refs(client.get("/cases/")) == []


@pytest.mark.parametrize("who", ["respondent", "complainant", "mp"])
def test_members_have_no_workspace(client, org, cases, who):
    sign_in(client, org.users[who])
    for url in ("/work/", "/cases/", "/oversight/"):
        assert client.get(url).status_code == 404


def test_my_work_queues_what_waits_on_me(client, org, cases):
    sign_in(client, org.users["officer"])
    work = client.get("/work/").context["work"]
    assert work.queue_total == 2  # received and triage both wait on the case officer
    sign_in(client, org.users["body_officer"])
    assert client.get("/work/").context["work"].queue_total == 0  # nothing to form a panel for yet
    sign_in(client, org.users["dpo"])
    assert client.get("/work/").context["work"].pending_rulings == 0


def test_oversight_dashboard_only_for_oversight(client, org, cases):
    sign_in(client, org.users["officer"])
    assert client.get("/oversight/").status_code == 404
    sign_in(client, org.users["oversight"])
    page = client.get("/oversight/")
    assert page.status_code == 200
    assert page.context["o"].overdue_by_body == [{"body__name": cases["regional"].body.name, "cases": 1}]
    assert f'href="/cases/{cases["regional"].reference}/"' in page.content.decode()


def test_oversight_raises_a_flag_and_an_officer_answers_it_on_the_record(client, org, cases):
    case = cases["national"]
    sign_in(client, org.users["oversight"])
    answer = client.post(f"/cases/{case.reference}/flags/", {"kind": "delay", "detail": "Why no triage yet?"})
    assert answer.status_code == 302
    flag = CaseFlag.objects.get(case=case)
    assert flag.raised_by == org.users["oversight"] and flag.resolved_at is None
    assert TimelineEvent.objects.filter(case=case, kind=EventKind.FLAG_RAISED).count() == 1
    assert "Why no triage yet?" in client.get("/oversight/").content.decode()
    sign_in(client, org.users["officer"])
    assert client.post(f"/flags/{flag.pk}/answer/", {"resolution": "Triage booked for Monday."}).status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_by == org.users["officer"] and flag.resolution == "Triage booked for Monday."
    # Answered once: a second answer is refused with the reason, and nothing changes.
    again = client.post(f"/flags/{flag.pk}/answer/", {"resolution": "Again."})
    assert again.status_code == 400 and "already been answered" in again.content.decode()


def test_only_oversight_raises_flags_and_an_empty_one_is_refused(client, org, cases):
    case = cases["national"]
    for who in ("officer", "body_officer", "dpo"):
        sign_in(client, org.users[who])
        assert client.post(f"/cases/{case.reference}/flags/", {"kind": "delay", "detail": "x"}).status_code == 404
    sign_in(client, org.users["oversight"])
    empty = client.post(f"/cases/{case.reference}/flags/", {"kind": "delay", "detail": "   "})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    bad_kind = client.post(f"/cases/{case.reference}/flags/", {"kind": "gossip", "detail": "x"})
    assert bad_kind.status_code == 400
    assert not CaseFlag.objects.exists()


def test_notes_from_oversight_go_on_the_timeline_and_members_cannot_add_them(client, org, cases):
    case = cases["regional"]
    sign_in(client, org.users["respondent"])
    assert client.post(f"/cases/{case.reference}/notes/", {"text": "hello"}).status_code == 404
    sign_in(client, org.users["oversight"])
    empty = client.post(f"/cases/{case.reference}/notes/", {"text": "  "})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    assert not TimelineEvent.objects.filter(case=case, kind=EventKind.NOTE).exists()
    assert client.post(f"/cases/{case.reference}/notes/", {"text": "Checked the routing."}).status_code == 302
    note = TimelineEvent.objects.get(case=case, kind=EventKind.NOTE)
    assert note.summary == "Checked the routing." and note.actor == org.users["oversight"]
    assert AuditEvent.objects.filter(object_type="timeline_event", object_id=str(note.pk)).exists()


def test_a_search_finds_words_anywhere_and_never_a_name_that_was_removed(client, org, cases):
    from django.utils import timezone as tz

    from fairhearing.privacy.removal import Remover
    from fairhearing.procedure.retention import RecordKind

    sign_in(client, org.users["officer"])
    assert refs(client.get("/cases/", {"q": "shortl leak"})) == [cases["national"].reference]  # word starts, any order
    assert refs(client.get("/cases/", {"q": "shortlist abusive"})) == []  # every word must match
    assert refs(client.get("/cases/", {"q": cases["regional"].reference.lower()})) == [cases["regional"].reference]
    remover = Remover(user=None, now=tz.now())
    remover.anonymise_member(org.members["mp"], RecordKind.FORMER_MEMBERS, "test")
    remover.finish()
    assert refs(client.get("/cases/", {"q": "Mp"})) == []
    assert refs(client.get("/cases/", {"q": "Anonymised member"})) == [cases["national"].reference]
