"""The worker's sending against a real SMTP server (aiosmtpd on a loopback port) that fails some deliveries: every
deliverable message arrives exactly once, temporary failures wait out their backoff and are retried, a permanent
rejection is given up at once, and nothing is sent twice - not by running again, nor by two workers at once."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from fairhearing.audit.models import AuditEvent
from fairhearing.outbox import services
from fairhearing.outbox.models import EmailKind, EmailStatus, OutgoingEmail
from tests.outbox.journey import RESPONDENT_EMAIL, open_mp_case, to_notice, with_addresses
from tests.outbox.smtp import free_port, mailers, text
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(timezone.datetime(2026, 12, 3, 9, 0))


def put(address: str, subject: str = "Case FH-2026-00001: a notice", at=T0) -> OutgoingEmail:
    return services.enqueue(kind=EmailKind.NOTICE_ISSUED, to=address, subject=subject, body="Dear member,\n", now=at)


def row(email: OutgoingEmail) -> OutgoingEmail:
    email.refresh_from_db()
    return email


def test_deliverable_mail_arrives_once_retries_wait_their_backoff_and_a_rejection_is_given_up(smtp):
    smtp.handler.temporary = {"slow@example.org": 1, "slower@example.org": 2}
    smtp.handler.permanent = {"gone@example.org"}
    ok, slow, slower, gone = (
        put(a) for a in ("ok@example.org", "slow@example.org", "slower@example.org", "gone@example.org")
    )
    rng = random.Random(7)

    first = services.send_due(now=T0, rng=rng)
    assert (len(first.sent), len(first.retrying), len(first.gave_up)) == (1, 2, 1)
    assert row(ok).status == EmailStatus.SENT and ok.sent_at == T0 and ok.attempts == 1
    # 550 for the recipient: given up at once, with the server's answer kept for oversight.
    assert row(gone).status == EmailStatus.GAVE_UP and gone.attempts == 1 and gone.gave_up_at == T0
    assert gone.last_error.startswith("recipient refused: 550 5.1.1")
    # 451: tried again after about a minute (less up to 20% jitter), not before.
    for email in (slow, slower):
        row(email)
        assert email.status == EmailStatus.PENDING and email.attempts == 1 and "451" in email.last_error
        assert T0 + timedelta(seconds=48) <= email.next_attempt_at <= T0 + timedelta(seconds=60)
        assert email.claimed_until is None
    assert len(services.send_due(now=T0, rng=rng)) == 0  # nothing is due again yet
    assert len(services.send_due(now=T0 + timedelta(seconds=47), rng=rng)) == 0

    second = services.send_due(now=T0 + timedelta(minutes=1), rng=rng)
    assert second.sent == [slow.message_id] and second.retrying == [slower.message_id]
    # The second failure waits about two minutes.
    delay = row(slower).next_attempt_at - (T0 + timedelta(minutes=1))
    assert timedelta(seconds=96) <= delay <= timedelta(seconds=120) and slower.attempts == 2
    third = services.send_due(now=slower.next_attempt_at, rng=rng)
    assert third.sent == [slower.message_id] and row(slower).attempts == 3

    # Exactly once each, under the Message-ID stored when the email was written.
    assert smtp.handler.message_ids() == {ok.message_id: 1, slow.message_id: 1, slower.message_id: 1}
    assert smtp.handler.refusals == {"slow@example.org": 1, "slower@example.org": 2, "gone@example.org": 1}
    # Nothing more however often the worker runs, whenever.
    for later in (T0 + timedelta(hours=1), T0 + timedelta(days=30)):
        assert len(services.send_due(now=later)) == 0
    assert sum(smtp.handler.message_ids().values()) == 3
    message = smtp.handler.to("ok@example.org")[0]
    assert message["From"] == "Example Party <discipline@example.org>" and message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"] == "Case FH-2026-00001: a notice" and text(message) == "Dear member,\n"


def test_sent_and_given_up_go_on_the_audit_log_without_the_address(smtp):
    smtp.handler.permanent = {"gone@example.org"}
    ok, gone = put("ok@example.org"), put("gone@example.org")
    services.send_due(now=T0)
    entries = {e.action: e for e in AuditEvent.objects.filter(action__startswith="email.")}
    assert set(entries) == {"email.sent", "email.gave_up"}
    assert entries["email.sent"].data["message_id"] == ok.message_id
    assert entries["email.gave_up"].data == {
        "kind": "notice_issued",
        "message_id": gone.message_id,
        "attempts": 1,
        "smtp_code": 550,
        "permanent": True,
    }
    for entry in entries.values():
        assert "@example.org" not in f"{entry.summary} {entry.data}".replace(entry.data["message_id"], "")


def test_a_case_email_reaches_the_member_as_written(org, smtp):
    case = to_notice(with_addresses(org), open_mp_case(org))
    email = OutgoingEmail.objects.get(case=case)
    report = services.send_due(now=email.next_attempt_at)
    assert report.sent == [email.message_id]
    (message,) = smtp.handler.to(RESPONDENT_EMAIL)
    assert message["Message-ID"].strip() == email.message_id and message["Subject"] == email.subject
    assert text(message) == email.body


def test_an_unreachable_server_is_retried_later_and_a_rejecting_one_given_up_after_the_last_attempt(settings, smtp):
    first, second = put("a@example.org"), put("b@example.org")
    settings.MAILERS = mailers(free_port())  # nothing listens there
    report = services.send_due(now=T0)
    assert report.retrying == [first.message_id, second.message_id]
    assert "could not reach the server" in row(first).last_error and first.status == EmailStatus.PENDING
    settings.MAILERS = mailers(smtp.port)
    # Each waits out its own backoff (jittered), then goes.
    retry_at = max(row(first).next_attempt_at, row(second).next_attempt_at)
    assert sorted(services.send_due(now=retry_at).sent) == sorted([first.message_id, second.message_id])
    # A mailbox that keeps answering 451 is given up after the maximum number of tries.
    smtp.handler.temporary = {"full@example.org": 99}
    full = put("full@example.org")
    now = T0
    for _ in range(3):
        services.send_due(now=now, max_attempts=3)
        now = max(now, row(full).next_attempt_at)
    assert full.status == EmailStatus.GAVE_UP and full.attempts == 3 and full.sent_at is None
    assert smtp.handler.refusals["full@example.org"] == 3


def test_mail_waiting_through_days_of_a_broken_server_is_all_sent_once_it_works(settings, smtp):
    """A mistyped password or a server down over a weekend is no fault of the messages: none is given up, none uses
    up its tries, and they are asked about less and less often, then all go once the server works."""
    emails = [put(f"m{i}@example.org") for i in range(3)]
    settings.MAILERS = mailers(free_port())  # nothing listens there
    now, rng, waits = T0, random.Random(5), []  # waits: the first message's, one per failed try
    while now < T0 + timedelta(days=3):
        report = services.send_due(now=now, max_attempts=3, rng=rng)
        assert report.retrying and not report.gave_up and not report.sent
        if emails[0].message_id in report.retrying:
            waits.append(row(emails[0]).next_attempt_at - now)
        now = min(row(e).next_attempt_at for e in emails)
    assert all(row(e).status == EmailStatus.PENDING and e.attempts == 0 for e in emails)
    assert "could not reach the server" in emails[0].last_error
    assert waits[0] <= timedelta(minutes=1) and max(waits) <= timedelta(hours=6) and 15 < len(waits) < 40
    settings.MAILERS = mailers(smtp.port)
    # Each comes back at its own time: by six hours on, every one has gone.
    sent = services.send_due(now=now + timedelta(hours=6)).sent
    assert sorted(sent) == sorted(e.message_id for e in emails)
    assert smtp.handler.message_ids() == {e.message_id: 1 for e in emails}
    assert all(row(e).attempts == 1 and e.status == EmailStatus.SENT for e in emails)


def test_a_message_claimed_by_one_worker_is_not_sent_by_another(smtp):
    emails = [put(f"m{i}@example.org") for i in range(3)]
    claimed = services.claim_due(T0, 2, "worker-a")
    assert [e.pk for e in claimed] == [emails[0].pk, emails[1].pk]
    # A second worker at the same moment takes only what is not claimed.
    assert services.send_due(now=T0).sent == [emails[2].message_id]
    # Worker A dies before sending; once its lease runs out, another worker sends them, once.
    assert len(services.send_due(now=T0 + services.LEASE - timedelta(seconds=1))) == 0
    assert services.send_due(now=T0 + services.LEASE).sent == [emails[0].message_id, emails[1].message_id]
    assert smtp.handler.message_ids() == {e.message_id: 1 for e in emails}
    # Worker A wakes up and tries to mark them: its claim is gone, so nothing changes.
    services._sent(claimed[0], "worker-a", T0, report := services.SendReport())
    assert report.lost == [emails[0].message_id] and row(emails[0]).attempts == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.settings_dict["TEST"].get("NAME") in (None, "", ":memory:"),
    reason="threads need a database file on SQLite (an in-memory one refuses a second writer)",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once(smtp):
    """Two workers on the real clock, taking three at a time until nothing is left: leases never run out here, so
    any message sent twice would be the claim failing."""
    emails = [put(f"m{i}@example.org", at=timezone.now() - timedelta(minutes=1)) for i in range(24)]
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    rounds: list[int] = []

    def worker() -> None:
        try:
            start.wait(timeout=10)
            while report := services.send_due(limit=3):
                rounds.append(len(report))
        except BaseException as exc:  # reported below: an exception in a thread would otherwise vanish
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert smtp.handler.message_ids() == {e.message_id: 1 for e in emails}
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}
    assert AuditEvent.objects.filter(action="email.sent").count() == 24


def test_oversight_sees_the_emails_given_up_and_the_case_they_were_about(client, org, smtp):
    case = open_mp_case(with_addresses(org))
    smtp.handler.permanent = {RESPONDENT_EMAIL}
    to_notice(org, case)
    services.send_due(now=OutgoingEmail.objects.get(case=case).next_attempt_at)
    sign_in(client, org.users["oversight"])
    page = client.get("/oversight/")
    (email,) = page.context["o"].undelivered_emails
    assert email.case == case and email.kind == EmailKind.NOTICE_ISSUED
    html = page.content.decode()
    assert (
        f'<a href="/cases/{case.reference}/">{case.reference}</a>: Notice of allegations issued to {RESPONDENT_EMAIL}'
        in html
    )
    assert "after 1 attempt: recipient refused: 550" in html


def test_oversight_sees_emails_held_back_by_a_failing_server(client, org, settings, smtp):
    sign_in(client, org.users["oversight"])
    assert "waiting to be tried again" not in client.get("/oversight/").content.decode()
    first, _ = put("a@example.org"), put("b@example.org", at=T0 + timedelta(hours=1))
    settings.MAILERS = mailers(free_port())  # nothing listens there
    services.send_due(now=T0 + timedelta(hours=2))
    page = client.get("/oversight/")
    assert page.context["o"].waiting_emails == 2 and page.context["o"].oldest_waiting == first
    html = page.content.decode()
    assert "2 emails failed and are waiting to be tried again, the oldest written 3 Dec 2026, 09:00" in html
    assert "Last error: could not reach the server" in html


def test_an_email_given_up_by_an_erasure_after_the_worker_claimed_it_is_not_sent(smtp, monkeypatch):
    """The worker claims a batch, then a member's details are erased before their email's turn: it is read again
    just before sending, so it does not go, and the rest of the batch does."""
    kept, erased = put("kept@example.org"), put("erased@example.org")
    claim = services.claim_due

    def claim_then_erase(*args, **kwargs):
        claimed = claim(*args, **kwargs)
        # What privacy.removal does to an email still waiting when its recipient's details are removed.
        OutgoingEmail.objects.filter(pk=erased.pk).update(
            status=EmailStatus.GAVE_UP, gave_up_at=T0, recipient="", subject="(removed)", body="(removed)"
        )
        return claimed

    monkeypatch.setattr(services, "claim_due", claim_then_erase)
    report = services.send_due(now=T0)
    assert report.sent == [kept.message_id] and report.withdrawn == [erased.message_id]
    assert smtp.handler.message_ids() == {kept.message_id: 1}
    assert row(erased).status == EmailStatus.GAVE_UP and erased.recipient == ""


def test_the_application_log_never_holds_the_servers_words_about_a_recipient(smtp, caplog):
    smtp.handler.permanent = {"gone@example.org"}
    gone = put("gone@example.org")
    with caplog.at_level("WARNING", logger="fairhearing.outbox.services"):
        assert services.send_due(now=T0).gave_up == [gone.message_id]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert gone.message_id in logged and "550" in logged
    assert "gone@example.org" not in logged
