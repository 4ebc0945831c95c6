"""The retention schedule: what is past its period is erased or anonymised, files leave the disk, legal holds keep
what they cover, nothing is removed twice, a dry run changes nothing, and the audit log lists every removal
without a word of what was removed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from fairhearing.audit.models import AuditEvent
from fairhearing.cases.models import Case, EventKind, EvidenceItem, TimelineEvent
from fairhearing.evidence import services as evidence
from fairhearing.evidence.models import StoredFile
from fairhearing.formatting import long_date
from fairhearing.organisation.models import Member
from fairhearing.outbox.models import OutgoingEmail
from fairhearing.privacy.legal_holds import place_legal_hold, release_legal_hold
from fairhearing.privacy.models import ErasureRequest, ErasureStatus, SubjectAccessRequest
from fairhearing.privacy.retention import apply_retention
from fairhearing.privacy.special_category import record_special_category
from fairhearing.privacy.tasks import apply_retention_task
from fairhearing.procedure.retention import (
    MAX_DAYS,
    RecordFacts,
    RecordKind,
    RetentionSettingError,
    case_kind,
    check_periods,
    judge,
    periods_from_environment,
)
from fairhearing.procedure.special_category import Condition
from tests.cases.organisation import build_org
from tests.helpers import run_cli
from tests.privacy.retention_org import (
    SIX_YEARS,
    add_text,
    blobs,
    dismiss,
    investigate,
    later,
    open_case,
    staff,
    withdraw,
)

SECRET = "The treasurer kept the float in a biscuit tin at 14 Acacia Avenue"
SECRET_FILE = b"Minutes: the treasurer's home address is 14 Acacia Avenue"

# -- The rules, without a database ------------------------------------------------------------------------------


def test_every_record_kind_has_a_documented_default_and_its_own_variable():
    periods = periods_from_environment({})
    assert periods == {kind.value: kind.rule.default_days for kind in RecordKind}
    assert periods["case_records"] == periods["evidence"] == SIX_YEARS
    assert periods["dismissed_cases"] == 365 and periods["former_members"] == 730
    assert RecordKind.EVIDENCE.env_var == "FAIRHEARING_RETENTION_EVIDENCE_DAYS"
    set_ = periods_from_environment({"FAIRHEARING_RETENTION_DISMISSED_CASES_DAYS": " 90 "})
    assert set_["dismissed_cases"] == 90 and set_["evidence"] == SIX_YEARS


def test_bad_periods_are_all_named_in_one_message():
    with pytest.raises(RetentionSettingError) as bad:
        periods_from_environment(
            {
                "FAIRHEARING_RETENTION_EVIDENCE_DAYS": "six years",
                "FAIRHEARING_RETENTION_CASE_RECORDS_DAYS": "0",
                "FAIRHEARING_RETENTION_FORMER_MEMBERS_DAYS": "-3",
                "FAIRHEARING_RETENTION_ERASURE_REQUESTS_DAYS": str(MAX_DAYS + 1),
            }
        )
    message = str(bad.value)
    assert "FAIRHEARING_RETENTION_EVIDENCE_DAYS must be a whole number of days, not 'six years'" in message
    assert "FAIRHEARING_RETENTION_CASE_RECORDS_DAYS must be at least 1 day, not 0" in message
    assert "FAIRHEARING_RETENTION_FORMER_MEMBERS_DAYS must be at least 1 day, not -3" in message
    assert f"FAIRHEARING_RETENTION_ERASURE_REQUESTS_DAYS must be at most {MAX_DAYS} days" in message


def test_periods_given_in_the_settings_are_checked_too():
    assert check_periods({"evidence": 30})[RecordKind.EVIDENCE] == 30
    assert check_periods({})[RecordKind.CASE_RECORDS] == SIX_YEARS
    with pytest.raises(RetentionSettingError, match="there is no record kind 'emails'"):
        check_periods({"emails": 30})
    with pytest.raises(RetentionSettingError, match="retention period for evidence must be a whole number"):
        check_periods({"evidence": 2.5})


def test_a_record_is_due_on_the_day_its_period_ends_unless_held_or_still_needed():
    periods = check_periods({"dismissed_cases": 10})
    dismissed = date(2026, 3, 5)
    facts = RecordFacts(RecordKind.DISMISSED_CASES, dismissed)
    early = judge(facts, periods, date(2026, 3, 14))
    assert not early.due and early.due_on == date(2026, 3, 15)
    assert early.reason == "not due until 15 March 2026 (kept 10 days after the case was dismissed on 5 March 2026)"
    on_time = judge(facts, periods, date(2026, 3, 15))
    assert on_time.act and on_time.reason == (
        "kept 10 days after the case was dismissed on 5 March 2026: due on 15 March 2026"
    )
    held = judge(RecordFacts(RecordKind.DISMISSED_CASES, dismissed, ("FH-2026-00001",)), periods, date(2027, 1, 1))
    assert held.due and held.held and not held.act
    assert held.reason == "due on 15 March 2026 but kept under legal hold on FH-2026-00001"
    waiting = judge(RecordFacts(RecordKind.FORMER_MEMBERS, None), periods, date(2040, 1, 1))
    assert not waiting.due and waiting.reason == "not due: they are still a member"
    kept = judge(
        RecordFacts(RecordKind.FORMER_MEMBERS, date(2020, 1, 1), kept_while="case FH-2026-00001 is still open"),
        periods,
        date(2040, 1, 1),
    )
    assert not kept.act and kept.reason.startswith("kept while case FH-2026-00001 is still open")
    assert case_kind(True) == RecordKind.DISMISSED_CASES and case_kind(False) == RecordKind.CASE_RECORDS


# -- Against the database ---------------------------------------------------------------------------------------


@pytest.fixture
def vault_dir(settings, tmp_path):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.FAIRHEARING_EVIDENCE_DIR


@pytest.fixture
def org(db, example_source, vault_dir):
    org = build_org(example_source)
    staff(org)
    return org


def years_after(case: Case, days: int = SIX_YEARS):
    """The moment `days` days after the case closed, in the organisation's time zone."""
    return case.closed_at + timedelta(days=days)


def closed_case_with_evidence(org, **extra) -> tuple[Case, EvidenceItem]:
    case = investigate(org, open_case(org, **extra))
    item = add_text(org, case, SECRET, upload=SECRET_FILE)
    return withdraw(org, case), item


def audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("summary", "data", "object_id", "case_reference")))


def test_evidence_past_its_period_is_erased_and_its_file_leaves_the_disk(org, vault_dir, settings):
    settings.FAIRHEARING_RETENTION_DAYS = {"evidence": 365}
    case, item = closed_case_with_evidence(org)
    stored = item.stored_file
    [blob] = blobs(vault_dir)

    assert len(apply_retention(now=years_after(case, 364))) == 0
    assert blobs(vault_dir) == [blob]

    report = apply_retention(now=years_after(case, 365))

    item.refresh_from_db()
    assert item.erased_at == years_after(case, 365)
    assert (item.text, item.original_name, item.stored_file, item.description) == ("", "", None, "(erased)")
    assert not StoredFile.objects.filter(pk=stored.pk).exists()
    assert blobs(vault_dir) == []
    assert [line.split(":")[0] for line in report.lines()] == [f"evidence item {item.pk} ({case.reference})"]
    assert "erased - kept 365 days after the case closed" in report.lines()[0]
    event = case.timeline.get(kind=EventKind.EVIDENCE_ERASED)
    assert event.summary.startswith(f"Evidence item {item.pk} erased (kept 365 days after the case closed on")
    entry = AuditEvent.objects.get(action="evidence_item.erased")
    assert entry.object_id == str(item.pk) and entry.case_reference == case.reference
    assert entry.data["kind"] == "evidence" and entry.data["file_deleted"] is True
    assert entry.actor_user_id is None and entry.actor_label == "fairhearing (scheduled job)"
    # The case's other records are kept for their own, longer period.
    case.refresh_from_db()
    assert case.anonymised_at is None and case.allegations.get().particulars.startswith("Called the treasurer")
    # Nobody can open an erased item's file any more.
    with pytest.raises(evidence.EvidenceNotFound):
        evidence.read_evidence_file(item, org.users["officer"])


def test_case_records_are_anonymised_but_keep_what_the_statistics_need(org, vault_dir):
    case, item = closed_case_with_evidence(org, complainant=None)
    before = case.timeline.count()
    assert case.complainant_name == "Jo Outsider"

    report = apply_retention(now=years_after(case))

    case.refresh_from_db()
    assert case.anonymised_at == years_after(case)
    assert case.complainant_name == "(removed)" and case.complainant_email == ""
    assert case.allegations.get().particulars == "(removed)"
    assert case.closure_reason == "Withdrawn."  # the reason given was free text
    assert (case.stage, case.allegations.get().clause, case.body.kind) == ("closed", "2.2", "regional-office")
    assert case.timeline.count() == before + 2  # evidence erased, records anonymised
    old = case.timeline.exclude(kind__in=[EventKind.EVIDENCE_ERASED, EventKind.RECORDS_ANONYMISED])
    assert set(old.values_list("summary", flat=True)) == {"(removed)"}
    assert "withdrew" not in json.dumps(list(case.timeline.values("summary", "data")))
    item.refresh_from_db()
    assert item.erased_at is not None and blobs(vault_dir) == []
    assert {e.action for e in report.removed} == {"erased", "anonymised"}
    assert AuditEvent.objects.filter(action="case.anonymised", case_reference=case.reference).count() == 1


def test_a_dismissed_case_goes_after_the_shorter_period(org):
    case = dismiss(org, open_case(org))
    assert len(apply_retention(now=years_after(case, 364))) == 0
    apply_retention(now=years_after(case, 365))
    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert "not abusive" not in json.dumps(list(case.timeline.values("summary")))
    assert case.timeline.get(kind=EventKind.RECORDS_ANONYMISED).data == {"kind": "dismissed_cases"}


def test_open_cases_are_never_touched(org, vault_dir):
    case = investigate(org, open_case(org))
    item = add_text(org, case, SECRET, upload=SECRET_FILE)
    assert len(apply_retention(now=later(365 * 30))) == 0
    item.refresh_from_db()
    assert item.erased_at is None and len(blobs(vault_dir)) == 1


def test_a_legal_hold_keeps_everything_until_it_is_released(org, vault_dir):
    case, item = closed_case_with_evidence(org)
    hold = place_legal_hold(case, org.users["dpo"], "Employment tribunal claim ET/1234/26.", now=years_after(case, 5))
    audit_before = AuditEvent.objects.count()

    report = apply_retention(now=years_after(case, SIX_YEARS * 2))

    assert len(report) == 0
    assert report.lines() == [
        f"case {case.pk} ({case.reference}): kept - due on {long_date(timezone.localdate(years_after(case)))} "
        f"but kept under legal hold on {case.reference}"
    ]
    assert report.total() == "0 record(s) removed; 1 kept under legal hold."
    item.refresh_from_db()
    case.refresh_from_db()
    assert item.erased_at is None and item.text == SECRET and len(blobs(vault_dir)) == 1
    assert case.anonymised_at is None and AuditEvent.objects.count() == audit_before

    release_legal_hold(hold, org.users["admin"], "The claim was settled.", now=years_after(case, SIX_YEARS * 2))
    apply_retention(now=years_after(case, SIX_YEARS * 2))
    case.refresh_from_db()
    assert case.anonymised_at is not None and blobs(vault_dir) == []


def test_a_shared_file_stays_while_another_item_still_uses_it(org, vault_dir, settings):
    settings.FAIRHEARING_RETENTION_DAYS = {"evidence": 30}
    first, first_item = closed_case_with_evidence(org)
    second = investigate(org, open_case(org, respondent="mp"))
    second_item = add_text(org, second, "A copy of the same minutes", upload=SECRET_FILE)
    assert first_item.stored_file_id == second_item.stored_file_id
    [blob] = blobs(vault_dir)

    apply_retention(now=years_after(first, 30))

    first_item.refresh_from_db()
    assert first_item.erased_at is not None and first_item.stored_file is None
    assert blobs(vault_dir) == [blob]
    assert evidence.read_evidence_file(second_item, org.users["officer"]) == SECRET_FILE
    assert AuditEvent.objects.get(action="evidence_item.erased").data["file_deleted"] is False

    second = withdraw(org, second, days=20)
    apply_retention(now=years_after(second, 30))
    assert blobs(vault_dir) == [] and not StoredFile.objects.exists()


def test_the_audit_log_lists_each_removal_and_none_of_its_content(org):
    case, item = closed_case_with_evidence(org, complainant=None)
    member = org.members["ndp1"]
    special = record_special_category(
        member,
        org.users["dpo"],
        category="political_opinion",
        value="Independent Socialist",
        purpose="Fairness monitoring",
        condition=Condition.NOT_FOR_PROFIT_BODY,
    )
    Member.objects.filter(pk=member.pk).update(left_on=date(2026, 3, 1), email="ndp1@example.org")

    report = apply_retention(now=years_after(case))

    removed = {(e.object_type, e.object_id) for e in report.removed}
    # The closing email to the complainant (the only party with an address) is blanked with the case.
    (email,) = OutgoingEmail.objects.filter(case=case)
    assert removed == {
        ("evidence_item", item.pk),
        ("outgoing_email", email.pk),
        ("case", case.pk),
        ("special_category_record", special.pk),
        ("member", member.pk),
    }
    logged = {
        (e.object_type, int(e.object_id))
        for e in AuditEvent.objects.filter(action__regex=r"\.(erased|anonymised|deleted)$")
    }
    assert removed == logged
    text = audit_text()
    for content in (SECRET, "14 Acacia Avenue", "Called the treasurer", "Jo Outsider", "jo@outsider.example"):
        assert content not in text
    assert "Independent Socialist" not in text and "Ndp1" not in text and "ndp1@example.org" not in text


def test_running_again_removes_nothing_more(org, vault_dir):
    case, _ = closed_case_with_evidence(org)
    first = apply_retention(now=years_after(case))
    assert len(first) == 2
    entries, events = AuditEvent.objects.count(), TimelineEvent.objects.count()

    again = apply_retention(now=years_after(case, SIX_YEARS + 1))

    assert len(again) == 0 and again.lines() == []
    assert AuditEvent.objects.count() == entries and TimelineEvent.objects.count() == events


def test_a_dry_run_lists_what_would_go_and_changes_nothing(org, vault_dir):
    case, item = closed_case_with_evidence(org)
    snapshot = (
        AuditEvent.objects.count(),
        TimelineEvent.objects.count(),
        list(EvidenceItem.objects.values()),
        list(Case.objects.values()),
        blobs(vault_dir),
    )

    dry = apply_retention(now=years_after(case), dry_run=True)

    assert len(dry) == 2
    assert dry.lines()[0].startswith(f"evidence item {item.pk} ({case.reference}): would be erased - kept 2190 days")
    assert dry.lines()[1].startswith(f"case {case.pk} ({case.reference}): would be anonymised")
    assert dry.total() == "2 record(s) would be removed; 0 kept under legal hold."
    assert snapshot == (
        AuditEvent.objects.count(),
        TimelineEvent.objects.count(),
        list(EvidenceItem.objects.values()),
        list(Case.objects.values()),
        blobs(vault_dir),
    )
    real = apply_retention(now=years_after(case))
    assert [e.line() for e in real.removed] == [e.line() for e in dry.removed]


def test_former_members_are_anonymised_once_their_cases_no_longer_need_them(org):
    leaver = org.members["respondent"]
    case = dismiss(org, open_case(org))
    Member.objects.filter(pk=leaver.pk).update(left_on=date(2026, 4, 1), email="resp@example.org")
    account = org.users["respondent"]

    # Two years after leaving, their dismissed case is past its period too: the case goes first, then they do.
    report = apply_retention(now=later(800))
    leaver.refresh_from_db()
    assert leaver.name == f"Former member {leaver.membership_number}" and leaver.email == ""
    assert leaver.anonymised_at == later(800)
    assert [e.object_type for e in report.removed][-1] == "member"
    account.refresh_from_db()
    assert not account.is_active and account.email == "" and not account.has_usable_password()
    case.refresh_from_db()
    assert case.respondent == leaver


def test_a_former_member_with_a_case_still_kept_is_kept_too(org):
    leaver = org.members["respondent"]
    case, _ = closed_case_with_evidence(org)
    Member.objects.filter(pk=leaver.pk).update(left_on=date(2026, 4, 1))
    apply_retention(now=later(800))
    leaver.refresh_from_db()
    assert leaver.anonymised_at is None and leaver.name == "Respondent"
    apply_retention(now=years_after(case))
    leaver.refresh_from_db()
    assert leaver.anonymised_at is not None


def test_old_subject_access_and_erasure_request_records_are_deleted(org):
    member = org.members["mp"]
    sar = SubjectAccessRequest.objects.create(
        member=member, received_at=later(0), due_on=date(2026, 4, 2), fulfilled_at=later(20)
    )
    waiting = SubjectAccessRequest.objects.create(member=member, received_at=later(0), due_on=date(2026, 4, 2))
    refused = ErasureRequest.objects.create(
        member=member, received_at=later(0), status=ErasureStatus.REFUSED, decided_at=later(20), decision_reason="x"
    )
    assert len(apply_retention(now=later(20 + 729))) == 0
    report = apply_retention(now=later(20 + 730))
    assert {(e.object_type, e.object_id) for e in report.removed} == {
        ("subject_access_request", sar.pk),
        ("erasure_request", refused.pk),
    }
    assert list(SubjectAccessRequest.objects.all()) == [waiting]
    assert not ErasureRequest.objects.exists()
    assert AuditEvent.objects.get(action="subject_access_request.deleted").subject_member_ids == [member.pk]


def test_the_command_prints_a_line_per_record_and_a_total(org):
    case, item = closed_case_with_evidence(org)
    moment = timezone.localtime(years_after(case)).replace(tzinfo=None).isoformat()
    out = StringIO()
    call_command("retention", "--dry-run", "--now", moment, stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"evidence item {item.pk} ({case.reference}): would be erased")
    assert lines[-1] == "2 record(s) would be removed; 0 kept under legal hold."
    item.refresh_from_db()
    assert item.erased_at is None

    out = StringIO()
    call_command("retention", "--now", moment, stdout=out)
    assert out.getvalue().splitlines()[-1] == "2 record(s) removed; 0 kept under legal hold."
    with pytest.raises(CommandError, match="--now must be a date or moment in ISO 8601 form"):
        call_command("retention", "--now", "next tuesday")


def test_the_schedule_runs_as_a_task_too(org, settings):
    settings.FAIRHEARING_RETENTION_DAYS = {"dismissed_cases": 1}
    dismiss(org, open_case(org))  # dismissed in March 2026: long past a one-day period by now
    assert apply_retention_task.enqueue().return_value == 1


def test_a_bad_period_stops_the_command_with_a_plain_message(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRHEARING_RETENTION_EVIDENCE_DAYS", "six years")
    result = run_cli("retention", "--dry-run", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "fairhearing: retention settings: FAIRHEARING_RETENTION_EVIDENCE_DAYS must be a whole number of days, "
        "not 'six years'"
    )
    assert "retention" in run_cli("--help", data_dir=tmp_path).stdout
