"""The data protection officer's pages in the browser's terms: only the DPO sees them; each form changes what it
says, and a refused or mistaken one says why, with status 400, and changes nothing."""

from __future__ import annotations

import hashlib
import html
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fairhearing.audit.models import AuditEvent
from fairhearing.privacy.erasure import decide_erasure_request, record_erasure_request
from fairhearing.privacy.legal_holds import active_hold, place_legal_hold
from fairhearing.privacy.models import ErasureRequest, ErasureStatus, LegalHold, SubjectAccessRequest
from fairhearing.privacy.subject_access import request_subject_access
from tests.privacy.retention_org import investigate, open_case, withdraw
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

HOLD_REASON = "Letter before claim from the respondent's solicitors, 3 May 2026."


@pytest.fixture
def case(org):
    """An open case: the respondent and the complaining member are parties to it."""
    return open_case(org)


@pytest.fixture
def dpo(client, org):
    sign_in(client, org.users["dpo"])
    return client


def text(answer) -> str:
    return html.unescape(answer.content.decode())


def state():
    """Everything these pages can change, to show that a refused form changed none of it."""
    return (
        list(LegalHold.objects.values_list("pk", "released_at", "release_reason").order_by("pk")),
        list(ErasureRequest.objects.values_list("pk", "status", "decided_at").order_by("pk")),
        list(SubjectAccessRequest.objects.values_list("pk", "fulfilled_at", "extended_to").order_by("pk")),
        AuditEvent.objects.count(),
    )


# --- who may see the pages ---


@pytest.fixture
def objects(org, case):
    hold = place_legal_hold(case, org.users["dpo"], HOLD_REASON)
    erasure = record_erasure_request(org.members["mp"], org.users["dpo"], "By email.")
    sar = request_subject_access(org.members["mp"], org.users["dpo"])
    return {"hold": hold, "erasure": erasure, "sar": sar}


def pages():
    return ["privacy:overview", "privacy:holds", "privacy:erasure", "privacy:subject_access"]


def posts(objects, org, case):
    """Every form's URL, with data that the DPO's own submission would have accepted."""
    hold, erasure, sar = objects["hold"], objects["erasure"], objects["sar"]
    return [
        (reverse("privacy:holds"), {"reference": case.reference, "reason": "Another claim."}),
        (reverse("privacy:release_hold", args=[hold.pk]), {f"hold{hold.pk}-reason": "Settled."}),
        (reverse("privacy:erasure"), {"membership_number": org.members["respondent"].membership_number}),
        (
            reverse("privacy:decide_erasure", args=[erasure.pk]),
            {f"request{erasure.pk}-decision": "refuse", f"request{erasure.pk}-reason": "Needed."},
        ),
        (reverse("privacy:subject_access"), {"membership_number": org.members["mp"].membership_number}),
        (reverse("privacy:export_request", args=[sar.pk]), {}),
        (
            reverse("privacy:extend_request", args=[sar.pk]),
            {
                f"sar{sar.pk}-extend_to": (timezone.localdate() + timedelta(days=45)).isoformat(),
                f"sar{sar.pk}-reason": "Complex.",
            },
        ),
    ]


@pytest.mark.parametrize("who", ["officer", "oversight", "body_officer", "panellist", "mp", "complainant"])
def test_every_page_and_form_is_not_found_for_anyone_but_the_dpo(client, org, case, objects, who):
    sign_in(client, org.users[who])
    before = state()
    for name in pages():
        assert client.get(reverse(name)).status_code == 404, name
    for url, data in posts(objects, org, case):
        assert client.post(url, data).status_code == 404, url
        assert client.get(url).status_code == 404, url
    assert state() == before


def test_signed_out_visitors_are_sent_to_sign_in_and_change_nothing(client, org, case, objects):
    before = state()
    login = reverse("web:login")
    for name in pages():
        answer = client.get(reverse(name))
        assert answer.status_code == 302 and answer["Location"].startswith(login), name
    for url, data in posts(objects, org, case):
        answer = client.post(url, data)
        assert answer.status_code == 302 and answer["Location"].startswith(login), url
    assert state() == before


def test_the_nav_has_one_data_protection_link_for_the_dpo_only(client, org):
    link = f'href="{reverse("privacy:overview")}"'
    sign_in(client, org.users["dpo"])
    home = client.get("/").content.decode()
    assert link in home and ">Data protection</a>" in home
    assert f'href="{reverse("evidence:queue")}"' not in home
    for who in ("officer", "oversight", "mp"):
        sign_in(client, org.users[who])
        assert link not in client.get("/").content.decode()


# --- the overview ---


def test_the_overview_counts_what_waits_and_links_to_each_page(dpo, org, case):
    investigate(org, case)
    org.evidence(case, admitted=False)  # from monitoring: waits for a ruling
    place_legal_hold(case, org.users["dpo"], HOLD_REASON)
    record_erasure_request(org.members["mp"], org.users["dpo"], "By letter.")
    late = request_subject_access(org.members["mp"], org.users["dpo"], now=timezone.now() - timedelta(days=45))
    fresh = request_subject_access(org.members["respondent"], org.users["dpo"])
    answer = dpo.get(reverse("privacy:overview"))
    assert answer.status_code == 200
    page = text(answer)
    for name in ("evidence:queue", "privacy:holds", "privacy:erasure", "privacy:subject_access"):
        assert f'href="{reverse(name)}"' in page
    assert "Evidence awaiting your ruling</a></dt><dd>1</dd>" in page
    assert "Subject access requests not yet answered</a></dt><dd>2</dd>" in page
    assert "Erasure requests awaiting your decision</a></dt><dd>1</dd>" in page
    assert "Active legal holds</a></dt><dd>1</dd>" in page
    overdue_days = (timezone.localdate() - late.due_on).days
    assert f"{late.due_on:%B %Y}" in page and f"Overdue by {overdue_days} day" in page
    assert f"{fresh.due_on.day} {fresh.due_on:%B %Y}" in page
    assert "1 overdue." in page


def test_the_overview_says_when_nothing_waits(dpo):
    page = text(dpo.get(reverse("privacy:overview")))
    assert "Every subject access request has been answered." in page
    assert "Active legal holds</a></dt><dd>0</dd>" in page


# --- legal holds ---


def test_the_dpo_places_a_hold_by_reference_and_sees_it_listed(dpo, org, case):
    answer = dpo.post(reverse("privacy:holds"), {"reference": case.reference.lower(), "reason": HOLD_REASON})
    assert answer.status_code == 302 and answer["Location"] == reverse("privacy:holds")
    hold = active_hold(case)
    assert hold is not None and hold.reason == HOLD_REASON and hold.placed_by == org.users["dpo"]
    page = text(dpo.get(reverse("privacy:holds")))
    assert f"Legal hold placed on {case.reference}" in page
    assert HOLD_REASON in page and f">{case.reference}</h3>" in page and "by dpo" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reference": " ", "reason": HOLD_REASON}, "reference", "give the reference of the case to hold"),
        ({"reference": "FH-1999-00001", "reason": HOLD_REASON}, "reference", "no case has the reference FH-1999-00001"),
        ({"reason": "   "}, "reason", "give the reason for the legal hold"),
    ],
)
def test_a_hold_with_a_missing_or_unknown_case_or_no_reason_is_refused_on_its_field(dpo, case, data, field, message):
    data.setdefault("reference", case.reference)
    before = state()
    answer = dpo.post(reverse("privacy:holds"), data)
    assert answer.status_code == 400
    assert message in text(answer)
    assert message in answer.context["place_form"].errors[field]
    assert "The hold was not placed: nothing was changed" in text(answer)
    assert state() == before


def test_a_second_hold_on_a_held_case_is_refused_on_the_reference(dpo, org, case):
    place_legal_hold(case, org.users["dpo"], HOLD_REASON)
    before = state()
    answer = dpo.post(reverse("privacy:holds"), {"reference": case.reference, "reason": "Another claim."})
    assert answer.status_code == 400
    assert answer.context["place_form"].errors["reference"] == ["the case is already under a legal hold"]
    assert state() == before


def test_the_dpo_releases_a_hold_with_reasons_and_it_moves_to_the_released_list(dpo, org, case):
    hold = place_legal_hold(case, org.users["dpo"], HOLD_REASON)
    url = reverse("privacy:release_hold", args=[hold.pk])
    answer = dpo.post(url, {f"hold{hold.pk}-reason": "The claim was settled."}, follow=True)
    hold.refresh_from_db()
    assert hold.released_at is not None and hold.release_reason == "The claim was settled."
    assert hold.released_by == org.users["dpo"]
    page = text(answer)
    assert f"Legal hold on {case.reference} released" in page
    assert "No case is under a legal hold." in page and "The claim was settled." in page
    # Released once; a second release of the same hold is refused and says when it was released.
    before = state()
    again = dpo.post(url, {f"hold{hold.pk}-reason": "Again."})
    assert again.status_code == 400 and "the legal hold was already released on" in text(again)
    assert state() == before


def test_a_release_without_reasons_is_refused_on_its_form_and_the_hold_stays(dpo, org, case):
    hold = place_legal_hold(case, org.users["dpo"], HOLD_REASON)
    before = state()
    answer = dpo.post(reverse("privacy:release_hold", args=[hold.pk]), {f"hold{hold.pk}-reason": ""})
    assert answer.status_code == 400
    assert "give the reason for releasing the legal hold" in text(answer)
    [(shown, form)] = answer.context["active"]
    assert shown == hold and form.errors["reason"] == ["give the reason for releasing the legal hold"]
    assert state() == before and active_hold(case) == hold


# --- erasure requests ---


def test_the_dpo_records_a_request_for_a_member_and_it_waits_for_a_decision(dpo, org):
    member = org.members["mp"]
    answer = dpo.post(
        reverse("privacy:erasure"), {"membership_number": f" {member.membership_number} ", "details": "By letter."}
    )
    assert answer.status_code == 302
    request = ErasureRequest.objects.get()
    assert (request.member, request.details, request.status) == (member, "By letter.", ErasureStatus.RECEIVED)
    page = text(dpo.get(reverse("privacy:erasure")))
    assert f"Erasure request {request.pk} from member {member.membership_number} recorded" in page
    assert f"Request {request.pk}: member {member.membership_number}, {member.name}" in page
    assert "By letter." in page


@pytest.mark.parametrize(
    ("number", "message"),
    [("M9999", "no member has membership number M9999"), ("", "give the member's membership number")],
)
def test_a_request_for_an_unknown_member_is_refused_on_the_number(dpo, number, message):
    answer = dpo.post(reverse("privacy:erasure"), {"membership_number": number, "details": "x"})
    assert answer.status_code == 400
    assert answer.context["record_form"].errors["membership_number"] == [message]
    assert message in text(answer)
    assert not ErasureRequest.objects.exists()


def test_a_second_waiting_request_from_a_member_is_refused_on_the_number(dpo, org):
    record_erasure_request(org.members["mp"], org.users["dpo"], "First.")
    before = state()
    answer = dpo.post(reverse("privacy:erasure"), {"membership_number": org.members["mp"].membership_number})
    assert answer.status_code == 400
    assert answer.context["record_form"].errors["membership_number"] == [
        "an erasure request from this member is already waiting for a decision"
    ]
    assert state() == before


def decide(client, request, decision, reason, **kwargs):
    data = {f"request{request.pk}-reason": reason}
    if decision:
        data[f"request{request.pk}-decision"] = decision
    return client.post(reverse("privacy:decide_erasure", args=[request.pk]), data, **kwargs)


def test_a_grant_while_the_member_is_party_to_an_open_case_is_refused_and_erases_nothing(dpo, org, case):
    member = org.members["respondent"]
    request = record_erasure_request(member, org.users["dpo"], "Erase me.")
    before = state()
    answer = decide(dpo, request, "grant", "No claim needs the data.")
    assert answer.status_code == 400
    message = f"the member is a party to open case {case.reference}: their data is needed until it closes"
    assert message in text(answer)
    assert f"Erasure request {request.pk} was not decided: nothing was changed" in text(answer)
    [(shown, form)] = answer.context["pending"]
    assert shown == request and message in form.non_field_errors()
    assert state() == before
    member.refresh_from_db()
    case.refresh_from_db()
    assert member.anonymised_at is None and member.name == "Respondent" and case.anonymised_at is None


def test_a_decision_without_reasons_or_a_choice_is_refused(dpo, org):
    request = record_erasure_request(org.members["mp"], org.users["dpo"], "Erase me.")
    before = state()
    answer = decide(dpo, request, "refuse", "")
    assert answer.status_code == 400 and "give the reason for the decision" in text(answer)
    assert answer.context["pending"][0][1].errors["reason"] == ["give the reason for the decision"]
    answer = decide(dpo, request, "", "Because.")
    assert answer.status_code == 400 and "choose whether to grant or refuse the request" in text(answer)
    assert state() == before


def test_the_dpo_refuses_a_request_with_reasons_and_nothing_is_erased(dpo, org, case):
    member = org.members["respondent"]
    request = record_erasure_request(member, org.users["dpo"], "Erase me.")
    answer = decide(dpo, request, "refuse", "The case is still being heard.", follow=True)
    request.refresh_from_db()
    assert (request.status, request.decision_reason, request.decided_by) == (
        ErasureStatus.REFUSED,
        "The case is still being heard.",
        org.users["dpo"],
    )
    page = text(answer)
    assert f"Erasure request {request.pk} from member {member.membership_number} refused." in page
    assert "No erasure request is waiting for a decision." in page
    assert "The case is still being heard." in page
    member.refresh_from_db()
    assert member.anonymised_at is None


def test_the_dpo_grants_a_request_once_the_case_closed_and_the_member_is_erased(dpo, org, case):
    member = org.members["respondent"]
    withdraw(org, case)
    request = record_erasure_request(member, org.users["dpo"], "Erase me.")
    answer = decide(dpo, request, "grant", "No case or claim needs the data.", follow=True)
    request.refresh_from_db()
    assert request.status == ErasureStatus.APPLIED and request.decided_by == org.users["dpo"]
    member.refresh_from_db()
    case.refresh_from_db()
    assert member.anonymised_at is not None and case.anonymised_at is not None
    page = text(answer)
    assert f"Erasure request {request.pk} from member {member.membership_number} granted" in page
    assert "Granted and applied" in page and "No case or claim needs the data." in page


def test_a_decision_on_a_request_already_decided_is_refused_with_the_date(dpo, org):
    request = record_erasure_request(org.members["mp"], org.users["dpo"], "Erase me.")
    decide_erasure_request(request, org.users["dpo"], grant=False, reason="Not now.")
    before = state()
    answer = decide(dpo, request, "refuse", "Again.")
    assert answer.status_code == 400 and "the request was already decided on" in text(answer)
    assert state() == before


# --- subject access ---


def zip_names(answer) -> set[str]:
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        return set(archive.namelist())


def test_the_dpo_records_a_request_and_downloads_the_export_at_once(dpo, org, case):
    member = org.members["respondent"]
    answer = dpo.post(reverse("privacy:subject_access"), {"membership_number": member.membership_number})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert answer["Content-Disposition"] == f'attachment; filename="sar-{member.membership_number}-{today}.zip"'
    assert "no-store" in answer["Cache-Control"]
    assert {"data.json", "report.html", "manifest.json"} <= zip_names(answer)
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["profile"]["membership_number"] == member.membership_number
    assert [c["reference"] for c in data["cases_as_respondent"]] == [case.reference]
    request = SubjectAccessRequest.objects.get()
    assert request.member == member and request.requested_by == org.users["dpo"]
    assert request.fulfilled_at is not None
    assert request.export_sha256 == hashlib.sha256(answer.content).hexdigest()
    assert AuditEvent.objects.filter(action="subject_access.exported", actor_user_id=org.users["dpo"].pk).count() == 1
    page = text(dpo.get(reverse("privacy:subject_access")))
    assert "Every subject access request has been answered." in page
    assert request.export_sha256[:16] in page


@pytest.mark.parametrize(
    ("number", "message"),
    [("M9999", "no member has membership number M9999"), ("  ", "give the member's membership number")],
)
def test_an_export_for_an_unknown_member_is_refused_and_records_nothing(dpo, number, message):
    before = state()
    answer = dpo.post(reverse("privacy:subject_access"), {"membership_number": number})
    assert answer.status_code == 400 and answer["Content-Type"].startswith("text/html")
    assert answer.context["answer_form"].errors["membership_number"] == [message]
    assert "The request was not recorded: nothing was changed" in text(answer)
    assert state() == before


def test_requests_not_yet_answered_show_their_due_date_and_can_be_answered(dpo, org):
    member = org.members["mp"]
    late = request_subject_access(member, org.users["dpo"], now=timezone.now() - timedelta(days=40))
    page = text(dpo.get(reverse("privacy:subject_access")))
    assert f"Request {late.pk}: member {member.membership_number}, {member.name}" in page
    assert f"{late.due_on.day} {late.due_on:%B %Y}" in page
    assert f"Overdue by {(timezone.localdate() - late.due_on).days} day" in page
    answer = dpo.post(reverse("privacy:export_request", args=[late.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    late.refresh_from_db()
    assert late.export_sha256 == hashlib.sha256(answer.content).hexdigest()
    page = text(dpo.get(reverse("privacy:subject_access")))
    assert "Every subject access request has been answered." in page
    assert "late</strong>" in page


def test_the_dpo_extends_a_request_with_reasons_within_the_first_month(dpo, org):
    request = request_subject_access(org.members["mp"], org.users["dpo"])
    url = reverse("privacy:extend_request", args=[request.pk])
    new_date = request.due_on + timedelta(days=30)
    answer = dpo.post(
        url,
        {f"sar{request.pk}-extend_to": new_date.isoformat(), f"sar{request.pk}-reason": "Forty case files."},
        follow=True,
    )
    request.refresh_from_db()
    assert (request.extended_to, request.extension_reason) == (new_date, "Forty case files.")
    page = text(answer)
    assert f"extended to {new_date.day} {new_date:%B %Y}" in page and "Forty case files." in page


def test_an_extension_without_reasons_or_too_far_is_refused_on_its_fields(dpo, org):
    request = request_subject_access(org.members["mp"], org.users["dpo"])
    url = reverse("privacy:extend_request", args=[request.pk])
    before = state()
    too_far = request.due_on + timedelta(days=100)
    answer = dpo.post(url, {f"sar{request.pk}-extend_to": too_far.isoformat(), f"sar{request.pk}-reason": ""})
    assert answer.status_code == 400
    [(_row, form)] = answer.context["open_requests"]
    assert form.errors["reason"] == ["give the reasons for the extension: the member must be told why"]
    assert form.errors["extend_to"][0].startswith("an extension may run at most two further months")
    answer = dpo.post(url, {f"sar{request.pk}-reason": "Complex."})
    assert answer.status_code == 400 and "give the new due date" in text(answer)
    assert state() == before


def test_an_overdue_request_offers_no_extension_and_one_posted_anyway_is_refused(dpo, org):
    request = request_subject_access(org.members["mp"], org.users["dpo"], now=timezone.now() - timedelta(days=40))
    page = text(dpo.get(reverse("privacy:subject_access")))
    assert reverse("privacy:extend_request", args=[request.pk]) not in page
    before = state()
    answer = dpo.post(
        reverse("privacy:extend_request", args=[request.pk]),
        {
            f"sar{request.pk}-extend_to": (request.due_on + timedelta(days=30)).isoformat(),
            f"sar{request.pk}-reason": "Complex.",
        },
    )
    assert answer.status_code == 400
    message = f"the request was due on {request.due_on.isoformat()}: an extension must be decided within that month"
    [(_row, form)] = answer.context["open_requests"]
    assert form.non_field_errors() == [message] and message in text(answer)
    assert state() == before
