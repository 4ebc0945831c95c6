"""The outbox and the member's rights: a subject access export lists the emails sent to the member and no one
else's; erasure, retention and a complainant's removal blank every email that names them, and one still waiting is
never sent afterwards; an email about no case has a retention period of its own."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from fairhearing.audit.models import AuditEvent
from fairhearing.organisation.models import Member
from fairhearing.outbox import services as outbox
from fairhearing.outbox.models import EmailKind, EmailStatus, OutgoingEmail
from fairhearing.privacy.erasure import decide_erasure_request, record_erasure_request
from fairhearing.privacy.retention import apply_retention
from fairhearing.privacy.subject_access import export_subject_access, request_subject_access
from fairhearing.procedure.retention import RecordKind
from fairhearing.workspace.selectors import oversight
from tests.cases.organisation import build_org
from tests.privacy.retention_org import SIX_YEARS, investigate, later, open_case, staff, withdraw
from tests.privacy.sar_case import NAMES, data_of, names_found, open_zip
from tests.privacy.sar_case import later as sar_later

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PEOPLE = {
    "respondent": ("Rhiannon Pryce", "rhiannon@members.example.org"),
    "complainant": ("Colin Castle", "colin@members.example.org"),
}
OUTSIDER = ("Jo Outsider", "jo@outsider.example")


@pytest.fixture(autouse=True)
def mailer(settings):
    settings.MAILERS = LOCMEM


def rows_text() -> str:
    """Everything the outbox holds that could name someone."""
    return json.dumps(list(OutgoingEmail.objects.values("recipient", "subject", "body", "last_error", "dedupe_key")))


def email_audit_text() -> str:
    entries = AuditEvent.objects.filter(object_type="outgoing_email")
    return json.dumps(list(entries.values("summary", "data", "case_reference")))


# -- Subject access --------------------------------------------------------------------------------------------


def test_the_export_lists_the_members_own_emails_with_their_words_and_nobody_elses(sar_case):
    subject, colin = sar_case.subject, sar_case.org.members["complainant"]
    assert OutgoingEmail.objects.filter(member=colin).exists()  # the decision went to the complainant too
    dpo = sar_case.org.users["dpo"]
    request = request_subject_access(subject, dpo, now=sar_later(30))
    files = open_zip(export_subject_access(request, dpo, now=sar_later(30)))
    emails = data_of(files)["emails"]

    assert [(e["kind"], e["case_reference"]) for e in emails] == [
        (EmailKind.NOTICE_ISSUED.label, sar_case.as_respondent.reference),
        (EmailKind.DECISION_NOTIFIED.label, sar_case.as_respondent.reference),
    ]
    own = OutgoingEmail.objects.filter(member=subject).order_by("created_at", "pk")
    for entry, row in zip(emails, own, strict=True):
        # Their own address, name and words, as written.
        assert entry["to"] == subject.email == "margaret.peabody@members.example.org"
        assert entry["subject"] == row.subject and entry["body"] == row.body
        assert entry["body"].startswith("Dear Margaret Peabody,")
        assert entry["status"] == "Waiting to be sent" and entry["sent_at"] is None
    listed = json.dumps(emails)
    assert colin.email not in listed and "Colin" not in listed
    assert names_found(listed, [n for k, n in NAMES.items() if k != "mp"]) == set()
    report = files["report.html"].decode()
    assert "Emails to you" in report and own[0].subject in report


def test_an_email_sent_to_an_old_address_of_the_member_is_still_theirs_and_shown_as_sent(sar_case):
    subject, dpo = sar_case.subject, sar_case.org.users["dpo"]
    outbox.send_due(now=sar_later(25))
    Member.objects.filter(pk=subject.pk).update(email="mp.new@example.org")
    subject.refresh_from_db()
    request = request_subject_access(subject, dpo, now=sar_later(30))
    emails = data_of(open_zip(export_subject_access(request, dpo, now=sar_later(30))))["emails"]
    assert {e["to"] for e in emails} == {"margaret.peabody@members.example.org"}
    assert {e["status"] for e in emails} == {"Sent"} and all(e["sent_at"] for e in emails)


# -- Erasure and retention -------------------------------------------------------------------------------------


@pytest.fixture
def org(db, example_source, settings, tmp_path):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    org = build_org(example_source)
    staff(org)
    for key, (name, address) in PEOPLE.items():
        Member.objects.filter(pk=org.members[key].pk).update(name=name, email=address)
        org.members[key].refresh_from_db()
    return org


def closed_case(org, days: int = 10, **extra):
    """A case withdrawn on `days`: its closing email to each party waits in the outbox."""
    return withdraw(org, investigate(org, open_case(org, **extra)), days=days)


def test_erasure_blanks_every_email_naming_the_member_and_stops_those_still_waiting(org):
    member = org.members["respondent"]
    first = closed_case(org, days=10)
    assert len(outbox.send_due(now=later(11)).sent) == 2  # the first case's closing emails went
    second = closed_case(org, days=20)
    # An email about no case, sent to the member (none is written today, but the outbox allows it).
    loose = outbox.enqueue(
        kind=EmailKind.CASE_CLOSED,
        to=member.email,
        subject="A note",
        body="Dear Rhiannon Pryce,\n",
        member=member,
        now=later(21),
    )
    waiting = set(OutgoingEmail.objects.filter(status=EmailStatus.PENDING).values_list("pk", flat=True))
    assert len(waiting) == 3 and loose.pk in waiting
    assert member.email in rows_text() and "Rhiannon Pryce" in rows_text()
    last_id = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    request = record_erasure_request(member, org.users["dpo"], "", now=later(30))
    decide_erasure_request(request, org.users["dpo"], grant=True, reason="Asked.", now=later(31))

    text = rows_text()
    for words in (*PEOPLE["respondent"], *PEOPLE["complainant"]):
        assert words not in text
    rows = {e.pk: e for e in OutgoingEmail.objects.all()}
    assert len(rows) == 5  # kept, blanked: the record still shows that each went, and when
    for email in rows.values():
        assert (email.recipient, email.subject, email.body) == ("", "(removed)", "(removed)")
    # Sent stays sent; what was waiting is given up with the reason and never goes.
    assert {e.status for e in rows.values() if e.case_id == first.pk} == {EmailStatus.SENT}
    for pk in waiting:
        assert rows[pk].status == EmailStatus.GAVE_UP and rows[pk].gave_up_at == later(31)
        assert rows[pk].last_error.startswith("not sent: the recipient's details were removed (erasure request")
    assert len(outbox.send_due(now=later(32))) == 0
    # Not delivery failures for oversight to chase: there is nobody left to tell.
    assert list(oversight(timezone.localdate(later(32))).undelivered_emails) == []
    # Each on the log, with its case, and without the address or the name.
    entries = AuditEvent.objects.filter(pk__gt=last_id, action="outgoing_email.anonymised")
    assert sorted(int(e.object_id) for e in entries) == sorted(rows)
    assert {e.case_reference for e in entries} == {first.reference, second.reference, ""}
    assert entries.get(object_id=str(loose.pk)).subject_member_ids == [member.pk]
    assert entries.get(object_id=str(loose.pk)).data["kind"] == RecordKind.FORMER_MEMBERS.value
    assert entries.filter(data__not_sent=True).count() == 3
    for words in (*PEOPLE["respondent"], *PEOPLE["complainant"]):
        assert words not in email_audit_text()


def test_retention_blanks_a_cases_emails_with_it_a_non_member_complainants_included(org):
    case = closed_case(org, complainant=None)
    assert case.complainant_email == OUTSIDER[1]
    assert {e.recipient for e in OutgoingEmail.objects.filter(case=case)} == {OUTSIDER[1], PEOPLE["respondent"][1]}
    assert OUTSIDER[0] in rows_text()
    due = case.closed_at + timedelta(days=SIX_YEARS)

    dry = apply_retention(now=due, dry_run=True)
    assert sum("outgoing email" in line and "would be anonymised" in line for line in dry.lines()) == 2
    assert OUTSIDER[1] in rows_text()

    report = apply_retention(now=due)

    case.refresh_from_db()
    assert case.complainant_email == "" and case.anonymised_at == due
    text = rows_text()
    for words in (*OUTSIDER, *PEOPLE["respondent"]):
        assert words not in text
    assert set(OutgoingEmail.objects.filter(case=case).values_list("status", flat=True)) == {EmailStatus.GAVE_UP}
    assert len(outbox.send_due(now=due)) == 0
    lines = [line for line in report.lines() if line.startswith("outgoing email")]
    assert len(lines) == 2 and all(f"({case.reference}): anonymised - kept 2190 days" in line for line in lines)
    assert OUTSIDER[0] not in email_audit_text() and OUTSIDER[1] not in email_audit_text()
    # Running again removes nothing more.
    assert len(apply_retention(now=due + timedelta(days=1))) == 0


def test_an_email_about_no_case_is_deleted_after_its_own_period_and_one_waiting_is_kept(org):
    sent = outbox.enqueue(kind=EmailKind.CASE_CLOSED, to="someone@example.org", subject="S", body="B", now=later(0))
    outbox.send_due(now=later(0))
    waiting = outbox.enqueue(kind=EmailKind.CASE_CLOSED, to="other@example.org", subject="S", body="B", now=later(1))
    OutgoingEmail.objects.filter(pk=waiting.pk).update(next_attempt_at=later(10_000))  # never due in this test
    sent.refresh_from_db()
    assert sent.status == EmailStatus.SENT

    assert len(apply_retention(now=later(729))) == 0
    report = apply_retention(now=later(730))

    assert [e.object_type for e in report.removed] == ["outgoing_email"]
    assert report.lines()[0].startswith(f"outgoing email {sent.pk}: deleted - kept 730 days after the email was sent")
    assert list(OutgoingEmail.objects.values_list("pk", flat=True)) == [waiting.pk]
    entry = AuditEvent.objects.get(action="outgoing_email.deleted")
    assert entry.data["kind"] == "emails_without_case" and "someone@example.org" not in json.dumps(entry.data)
