"""Reminders before the response is due and before the appeal period ends: each enqueued once, however often the
scheduled job runs, because the database refuses a second one with the same key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from fairhearing.cases import services
from fairhearing.outbox import reminders as reminders_module
from fairhearing.outbox.models import EmailKind, OutgoingEmail
from fairhearing.outbox.reminders import enqueue_reminders
from fairhearing.outbox.services import enqueue
from tests.outbox.journey import RESPONDENT_EMAIL, SECRETS, later, open_mp_case, to_decision_notified, to_notice
from tests.outbox.journey import with_addresses as addressed

pytestmark = pytest.mark.django_db


def reminders(kind: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(kind=kind))


def test_the_response_reminder_goes_once_three_days_before_the_deadline(org, capsys):
    case = to_notice(addressed(org), open_mp_case(org))  # served 5 March, response due 19 March
    assert enqueue_reminders(later(13)) == 0  # 15 March: too early
    call_command("tick", now=later(14))  # 16 March: three days before
    assert "1 reminder email(s) enqueued." in capsys.readouterr().out
    for day in (14, 14, 15, 16, 17):  # again the same day, and every day up to the deadline
        call_command("tick", now=later(day) + timedelta(hours=3))
        assert "0 reminder email(s) enqueued." in capsys.readouterr().out
    (reminder,) = reminders(EmailKind.RESPONSE_REMINDER)
    assert reminder.recipient == RESPONDENT_EMAIL and reminder.case == case and reminder.created_at == later(14)
    assert "your response to the notice of allegations in case FH-2026-00001 is due by 19 March 2026" in reminder.body
    assert reminder.subject == "Case FH-2026-00001: reminder, your response is due by 19 March 2026"
    assert SECRETS["particulars"] not in reminder.body


def test_a_late_first_run_still_reminds_but_not_after_the_deadline_or_once_answered(org):
    to_notice(addressed(org), open_mp_case(org))
    assert enqueue_reminders(later(16)) == 1  # 18 March: the job had not run since; the day before still counts
    other = to_notice(org, open_mp_case(org, now=later(1)))
    services.record_response(other, org.users["mp"], response="I deny it.", now=later(5))
    assert enqueue_reminders(later(14)) == 0  # the other case was answered: nothing to remind of
    unrun = to_notice(org, open_mp_case(org, now=later(1)))
    assert unrun.stage == "notice_issued"
    assert enqueue_reminders(later(18)) == 0  # 20 March: the deadline of 19 March has passed
    assert len(reminders(EmailKind.RESPONSE_REMINDER)) == 1


def test_the_appeal_reminder_goes_once_before_the_appeal_period_ends(org):
    case = to_notice(addressed(org), open_mp_case(org))
    to_decision_notified(org, case)  # notified 26 March: the appeal period ends on 16 April
    assert enqueue_reminders(later(24 + 17)) == 0  # 12 April
    assert enqueue_reminders(later(24 + 18)) == 1  # 13 April
    assert enqueue_reminders(later(24 + 18)) == enqueue_reminders(later(24 + 20)) == 0
    (reminder,) = reminders(EmailKind.APPEAL_REMINDER)
    assert "the period for appealing against the decision in case FH-2026-00001 ends on 16 April 2026" in reminder.body
    assert reminder.recipient == RESPONDENT_EMAIL  # the complainant has no appeal to be reminded of
    # Once the period has run out the job closes the case, and nobody is reminded of anything.
    services.apply_time_limits(later(24 + 22))
    assert enqueue_reminders(later(24 + 22)) == 0


def test_no_reminder_for_a_response_recorded_while_the_job_ran(org, monkeypatch):
    """The job reads the cases to remind, then takes each one's lock to write its reminder: a response recorded in
    between is seen under the lock, and the member is not reminded of what they have just done."""
    case = to_notice(addressed(org), open_mp_case(org))
    due = reminders_module.reminder_due

    def answered_meanwhile(*args, **kwargs):
        services.record_response(case, org.users["mp"], response="I deny it.", now=later(14))
        return due(*args, **kwargs)

    monkeypatch.setattr(reminders_module, "reminder_due", answered_meanwhile)
    assert enqueue_reminders(later(14)) == 0
    assert reminders(EmailKind.RESPONSE_REMINDER) == []


def test_once_is_kept_by_the_database_not_by_a_check(org):
    """The key is unique: a second insert with it fails in the database, as it would for two jobs at once."""
    case = to_notice(addressed(org), open_mp_case(org))
    assert enqueue_reminders(later(14)) == 1
    key = OutgoingEmail.objects.get(kind=EmailKind.RESPONSE_REMINDER).dedupe_key
    assert key == f"response_reminder:{case.pk}:2026-03-19:respondent"
    again = enqueue(kind=EmailKind.RESPONSE_REMINDER, to=RESPONDENT_EMAIL, subject="s", body="b", dedupe_key=key)
    assert again is None
    with pytest.raises(IntegrityError), transaction.atomic():
        OutgoingEmail.objects.create(
            kind=EmailKind.RESPONSE_REMINDER,
            recipient=RESPONDENT_EMAIL,
            subject="s",
            body="b",
            message_id="<x@example.org>",
            dedupe_key=key,
            created_at=later(14),
            next_attempt_at=later(14),
        )
    assert len(reminders(EmailKind.RESPONSE_REMINDER)) == 1


def test_the_warning_is_configurable(org, settings):
    settings.FAIRHEARING_REMINDER_DAYS = 7
    to_notice(addressed(org), open_mp_case(org))  # due 19 March: remind from 12 March
    assert enqueue_reminders(later(9)) == 0  # 11 March
    assert enqueue_reminders(later(10)) == 1  # 12 March
