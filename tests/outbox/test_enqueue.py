"""Emails are written by the action they report, in its transaction: committed together or not at all. Their words
name the case, what happened, any deadline and where to read it - never the particulars, evidence or reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import transaction

from fairhearing.cases import services
from fairhearing.cases.models import CaseSource, ComplainantKind, TimelineEvent
from fairhearing.outbox import case_emails
from fairhearing.outbox.models import EmailKind, EmailStatus, OutgoingEmail
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.stages import Stage
from tests.cases.organisation import investigate
from tests.outbox.conftest import SITE
from tests.outbox.journey import (
    COMPLAINANT_EMAIL,
    RESPONDENT_EMAIL,
    SECRETS,
    later,
    open_mp_case,
    to_decision_notified,
    to_notice,
    whole_journey,
    with_addresses,
)

pytestmark = pytest.mark.django_db


def emails(case=None) -> list[tuple[str, str]]:
    rows = OutgoingEmail.objects.order_by("pk")
    if case is not None:
        rows = rows.filter(case=case)
    return list(rows.values_list("kind", "recipient"))


def test_every_step_emails_the_people_it_concerns(org, site):
    case = whole_journey(with_addresses(org))
    R, C = RESPONDENT_EMAIL, COMPLAINANT_EMAIL
    assert emails(case) == [
        (EmailKind.SUSPENSION_IMPOSED, R),
        (EmailKind.NOTICE_ISSUED, R),
        (EmailKind.SUSPENSION_LIFTED, R),
        (EmailKind.DECISION_NOTIFIED, R),
        (EmailKind.DECISION_NOTIFIED, C),
        (EmailKind.APPEAL_DECIDED, R),
        (EmailKind.APPEAL_DECIDED, C),
        (EmailKind.CASE_CLOSED, R),
        (EmailKind.CASE_CLOSED, C),
    ]
    rows = list(OutgoingEmail.objects.filter(case=case))
    # Each is due at once, written at the moment of its action, waiting for the worker, with its own Message-ID.
    notice = next(e for e in rows if e.kind == EmailKind.NOTICE_ISSUED)
    assert notice.created_at == notice.next_attempt_at == later(3)
    assert all(e.status == EmailStatus.PENDING and e.attempts == 0 and e.sent_at is None for e in rows)
    assert len({e.message_id for e in rows}) == len(rows)
    assert all(e.message_id.startswith("<") and e.message_id.endswith("@discipline.example.org>") for e in rows)
    assert {e.member_id for e in rows} == {org.members["mp"].pk, org.members["complainant"].pk}


def test_the_words_carry_the_reference_the_deadline_and_the_portal_never_the_particulars(org, site):
    case = whole_journey(with_addresses(org))
    rows = list(OutgoingEmail.objects.filter(case=case))
    for email in rows:
        text = f"{email.subject}\n{email.body}"
        for what, secret in SECRETS.items():
            # Not the sentence, nor any distinctive part of it.
            assert secret not in text and secret.split(":")[0] not in text, (email.kind, what)
        for word in ("final-warning", "warning", "disproportionate", "2.2", "Abusive", "threats", "witness"):
            assert word.lower() not in text.lower(), (email.kind, word)
        assert case.reference in email.subject and case.reference in email.body
        assert f"{SITE}/portal/cases/{case.reference}/" in email.body
        assert "Example Party" in email.body
    notice = next(e for e in rows if e.kind == EmailKind.NOTICE_ISSUED)
    assert "Please respond by 19 March 2026." in notice.body  # served 5 March, 14 days to respond
    decided = {e.recipient: e for e in rows if e.kind == EmailKind.DECISION_NOTIFIED}
    assert "you must do so by 16 April 2026" in decided[RESPONDENT_EMAIL].body  # notified 26 March, 21 days
    assert "appeal" not in decided[COMPLAINANT_EMAIL].body.lower()  # the complainant has no appeal to make
    suspended = next(e for e in rows if e.kind == EmailKind.SUSPENSION_IMPOSED)
    assert "reviewed by 20 March 2026" in suspended.body and "not a sanction" in suspended.body


def test_a_refused_action_writes_no_email(org):
    case = open_mp_case(with_addresses(org))
    investigate(org, case, later(2))
    with pytest.raises(ActionRefused, match="the notice must list the evidence relied on"):
        services.issue_notice(case, org.users["officer"], evidence={}, now=later(3))
    with pytest.raises(ActionRefused):
        services.dismiss(case, org.users["oversight"], reasons="No case to answer.", now=later(3))
    assert emails() == []


def test_an_action_rolled_back_after_its_email_was_written_leaves_no_email(org):
    case = to_notice(with_addresses(org), open_mp_case(org))
    assert emails(case) == [(EmailKind.NOTICE_ISSUED, RESPONDENT_EMAIL)]
    case_before = TimelineEvent.objects.filter(case=case).count()

    class Boom(Exception):
        pass

    # The caller's transaction fails after the action: the action and its email go together.
    with pytest.raises(Boom), transaction.atomic():
        services.record_response(case, org.users["mp"], response="I deny it.", now=later(4))
        services.withdraw_case(case, org.users["officer"], reason="The complainant withdrew.", now=later(5))
        assert emails(case)[-2:] == [
            (EmailKind.CASE_CLOSED, RESPONDENT_EMAIL),
            (EmailKind.CASE_CLOSED, COMPLAINANT_EMAIL),
        ]
        raise Boom
    case.refresh_from_db()
    assert case.stage == Stage.NOTICE_ISSUED and TimelineEvent.objects.filter(case=case).count() == case_before
    assert emails(case) == [(EmailKind.NOTICE_ISSUED, RESPONDENT_EMAIL)]


def test_a_failure_inside_the_action_after_one_email_undoes_the_action_and_that_email(org, monkeypatch):
    case = to_notice(with_addresses(org), open_mp_case(org))
    written = len(emails())
    real = case_emails.render

    def fail_for_the_complainant(kind, case, to, deadline=None):
        if to.role == case_emails.COMPLAINANT:
            raise RuntimeError("the template could not be read")
        return real(kind, case, to, deadline)

    services.record_response(case, org.users["mp"], response="I deny it.", now=later(10))
    monkeypatch.setattr(case_emails, "render", fail_for_the_complainant)
    with pytest.raises(RuntimeError):
        # Writes the respondent's email, then fails on the complainant's, inside the one transaction.
        services.withdraw_case(case, org.users["officer"], reason="The complainant withdrew.", now=later(12))
    case.refresh_from_db()
    assert case.stage == Stage.RESPONSE_RECEIVED and case.closed_at is None and len(emails()) == written


def test_people_without_an_address_are_skipped_and_the_action_still_happens(org):
    case = open_mp_case(org)  # nobody has an email address in this organisation
    to_notice(org, case)
    case.refresh_from_db()
    assert case.stage == Stage.NOTICE_ISSUED and emails() == []


def test_a_complainant_who_is_not_a_member_is_written_to_without_a_portal_link(org, site):
    case = open_mp_case(
        with_addresses(org),
        complainant_kind=ComplainantKind.NON_MEMBER,
        complainant_member=None,
        complainant_name="Pat Outsider",
        complainant_email="pat@example.net",
        source=CaseSource.WEB_FORM,
    )
    services.begin_triage(case, org.users["officer"], now=later(1))
    services.record_triage(
        case,
        org.users["officer"],
        informal_resolution_suitable=False,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=later(1),
    )
    services.dismiss(case, org.users["officer"], reasons=SECRETS["findings"], now=later(2))
    assert emails(case) == [(EmailKind.CASE_DISMISSED, RESPONDENT_EMAIL), (EmailKind.CASE_DISMISSED, "pat@example.net")]
    outsider = OutgoingEmail.objects.get(recipient="pat@example.net")
    assert outsider.member is None
    assert outsider.body.startswith("Dear Pat Outsider,\n\nYour complaint, case FH-2026-00001, has been dismissed.")
    assert "/portal/" not in outsider.body and "quote the reference FH-2026-00001" in outsider.body
    assert SECRETS["findings"] not in outsider.body


def test_the_decision_email_is_written_when_the_decision_is_notified_not_when_it_is_recorded(org):
    case = to_notice(with_addresses(org), open_mp_case(org))
    to_decision_notified(org, case)
    kinds = [kind for kind, _ in emails(case)]
    assert kinds == [EmailKind.NOTICE_ISSUED, EmailKind.DECISION_NOTIFIED, EmailKind.DECISION_NOTIFIED]


def test_plain_text_is_not_html_escaped(org):
    org.members["mp"].name = "Siân O'Brien & Co"
    org.members["mp"].save(update_fields=["name"])
    case = to_notice(with_addresses(org), open_mp_case(org))
    assert OutgoingEmail.objects.get(case=case).body.startswith("Dear Siân O'Brien & Co,\n")


def test_the_deadline_is_counted_and_written_in_the_organisations_time_zone(org, settings):
    case = open_mp_case(with_addresses(org))
    investigate(org, case, later(2))
    evidence = org.evidence(case)
    settings.TIME_ZONE = "America/New_York"
    served = datetime(2026, 3, 5, 3, 0, tzinfo=UTC)  # 5 March in UTC, still 4 March (22:00) in New York
    services.issue_notice(case, org.users["officer"], evidence={case.allegations.get().pk: {evidence.pk}}, now=served)
    assert "Please respond by 18 March 2026." in OutgoingEmail.objects.get(case=case).body
