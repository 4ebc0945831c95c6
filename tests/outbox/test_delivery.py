"""The pure rules: which failures are retried, the backoff, and when a reminder is due."""

from __future__ import annotations

import random
import smtplib
from datetime import date, timedelta

import pytest

from fairhearing.outbox import delivery
from fairhearing.procedure.reminders import reminder_due


@pytest.mark.parametrize(
    ("exc", "permanent", "code", "whole_batch"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x.org": (550, b"5.1.1 no such user")}), True, 550, False),
        (smtplib.SMTPRecipientsRefused({"a@x.org": (451, b"4.3.0 try later")}), False, 451, False),
        (smtplib.SMTPDataError(554, b"5.7.1 message refused"), True, 554, False),
        (smtplib.SMTPDataError(452, b"4.3.1 insufficient storage"), False, 452, False),
        (smtplib.SMTPSenderRefused(553, b"not our domain", "fh@x.org"), False, 553, True),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False, 535, True),
        (smtplib.SMTPConnectError(554, b"go away"), False, 554, True),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False, None, True),
        (ConnectionRefusedError(111, "Connection refused"), False, None, True),
        (TimeoutError("timed out"), False, None, True),
        (ValueError("Invalid address 'a@x.org\\n'"), True, None, False),
    ],
)
def test_temporary_failures_are_retried_and_rejections_are_not(exc, permanent, code, whole_batch):
    failure = delivery.classify(exc)
    assert (failure.permanent, failure.code, failure.whole_batch) == (permanent, code, whole_batch)
    assert failure.text


def test_backoff_doubles_up_to_its_cap_with_jitter_that_only_shortens():
    rng = random.Random(1)
    for attempt, minutes in [(1, 1), (2, 2), (3, 4), (4, 8), (9, 256), (10, 360), (40, 360)]:
        for _ in range(50):
            wait = delivery.backoff(attempt, rng)
            assert timedelta(minutes=minutes) * 0.8 <= wait <= timedelta(minutes=minutes)
    waits = {delivery.backoff(3, rng) for _ in range(20)}
    assert len(waits) > 1  # messages that failed together do not all come back together
    with pytest.raises(ValueError, match="follows a failed attempt"):
        delivery.backoff(0)


def test_given_up_at_once_when_permanent_and_after_the_last_attempt_otherwise():
    temporary = delivery.Failure(False, 451, "451 later")
    assert delivery.after_failure(1, delivery.Failure(True, 550, "550 no"), 12).give_up
    assert not delivery.after_failure(11, temporary, 12).give_up
    assert delivery.after_failure(12, temporary, 12) == delivery.Next(give_up=True)
    total = sum((delivery.backoff(n, random.Random(0)) for n in range(1, delivery.MAX_ATTEMPTS)), timedelta())
    assert timedelta(hours=12) < total < timedelta(hours=24)  # about a day of trying before giving up


def test_our_own_server_failing_never_gives_a_message_up_nor_uses_its_tries():
    down = delivery.Failure(False, 535, "server refused us: 535 authentication failed", whole_batch=True)
    assert not delivery.counts_as_attempt(down)
    assert delivery.counts_as_attempt(delivery.Failure(False, 451, "451 later"))
    rng = random.Random(3)
    for attempts in (0, 12, 500):
        step = delivery.after_failure(attempts, down, 12, rng, waited=timedelta(days=30))
        assert not step.give_up and timedelta(hours=6) * 0.8 <= step.delay <= timedelta(hours=6)
    # Asked less often the longer the message has waited: a minute at first, half the wait so far after that.
    assert timedelta(minutes=1) * 0.8 <= delivery.server_backoff(timedelta(0), rng) <= timedelta(minutes=1)
    assert timedelta(minutes=48) <= delivery.server_backoff(timedelta(hours=2), rng) <= timedelta(hours=1)


def test_a_reminder_is_due_from_a_few_days_before_the_deadline_until_it():
    served, due = date(2026, 3, 5), date(2026, 3, 19)
    assert [d for d in range(5, 22) if reminder_due(served, due, date(2026, 3, d))] == [16, 17, 18, 19]
    # A period no longer than the warning gets no reminder: it would arrive with the notice.
    assert not any(reminder_due(served, date(2026, 3, 8), date(2026, 3, d)) for d in range(5, 9))
    assert not reminder_due(served, due, date(2026, 3, 18), days_before=0)
