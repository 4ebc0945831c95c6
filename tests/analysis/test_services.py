"""Refreshing the analysis: a run stored whole, each new finding flagged to oversight once, on the timeline and the
audit log, and a refresh that fails leaving nothing behind."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.core.management import call_command

from fairhearing.analysis import services
from fairhearing.analysis.models import AnalysisRun, AnalysisTrigger
from fairhearing.analysis.selectors import latest_run
from fairhearing.analysis.services import refresh_analysis
from fairhearing.analytics.results import Outlier
from fairhearing.audit.log import SYSTEM_LABEL
from fairhearing.audit.models import AuditEvent
from fairhearing.audit.verify import verify_log
from fairhearing.cases.models import CaseFlag, EventKind, FlagKind, TimelineEvent
from fairhearing.cases.services.oversight import raise_flag
from tests.analysis.casework import decided, dismissed, later

pytestmark = pytest.mark.django_db

REASON = "Thirty years of service and a full apology to the members concerned."


@pytest.fixture
def below(org):
    """A decision below the guideline's range (advice, where B2 runs from warning to suspension), with a reason."""
    return decided(org, sanction="advice", departure_reason=REASON)


def test_a_refresh_stores_the_run_as_plain_json(org, below):
    decided(org)
    dismissed(org)
    assert latest_run() is None
    run = refresh_analysis(now=later(40), trigger=AnalysisTrigger.COMMAND)
    assert latest_run() == run and run.trigger == "command" and run.started_at == later(40)
    assert (run.cases, run.decisions) == (3, 2)
    assert json.loads(json.dumps(run.report, allow_nan=False)) == run.report
    run.refresh_from_db()
    assert {"outliers", "outside_guideline", "indices", "disparities", "comparisons"} <= set(run.report)
    entry = AuditEvent.objects.get(action="analysis.run")
    assert entry.object_id == str(run.pk) and entry.data["trigger"] == "command"


def test_a_departure_is_flagged_once_with_its_timeline_entry_and_audit_entry(org, below):
    first = refresh_analysis(now=later(40), trigger=AnalysisTrigger.SCHEDULE)
    assert [d["case_ref"] for d in first.report["outside_guideline"]] == [below.reference]
    flag = CaseFlag.objects.get(case=below)
    assert flag.kind == FlagKind.OUTSIDE_GUIDELINE and flag.raised_by is None and flag.raised_at == later(40)
    assert flag.detail == (
        f"Advice is below the sanction guideline's range (Warning to Suspension from membership). "
        f"Reason recorded for the departure: {REASON}"
    )
    assert first.flags_raised == 1
    event = TimelineEvent.objects.get(case=below, kind=EventKind.FLAG_RAISED)
    assert event.actor is None and event.actor_label == SYSTEM_LABEL and event.data["flag"] == flag.pk
    assert AuditEvent.objects.filter(
        action="timeline.flag_raised", object_id=str(event.pk), case_reference=below.reference
    ).exists()

    # Again, later: the same departure, already flagged, is not flagged again - answered or not.
    again = refresh_analysis(now=later(41), trigger=AnalysisTrigger.SCHEDULE)
    assert again.flags_raised == 0 and CaseFlag.objects.filter(case=below).count() == 1
    flag.resolved_at = later(42)
    flag.save()
    assert refresh_analysis(now=later(43), trigger=AnalysisTrigger.SCHEDULE).flags_raised == 0
    assert AnalysisRun.objects.count() == 3
    assert verify_log().size == AuditEvent.objects.count()


def with_outlier(monkeypatch, ref: str, precedent: str) -> None:
    """The real analysis, with one outlier added: whether a handful of test cases makes one is the statistics'
    business (tested in tests/analytics); here it is what the refresh does with one."""
    real = services.run_analysis

    def run(records, scale, **kwargs):
        report = real(records, scale, **kwargs)
        outlier = Outlier(
            case_ref=ref,
            body="National Disputes Panel",
            year=2026,
            decided_on="2026-03-25",
            sanction="suspension",
            severity=4,
            expected="warning",
            direction="harsh",
            p_value=0.0004,
            p_adjusted=0.0123,
            precedents=(precedent,),
            precedent_sanctions=("warning",),
        )
        return dataclasses.replace(report, outliers=(outlier,))

    monkeypatch.setattr(services, "run_analysis", run)


def test_an_outlier_is_flagged_inconsistent_naming_what_like_cases_got(org, monkeypatch):
    harsh, like = decided(org, sanction="suspension"), decided(org, sanction="warning")
    with_outlier(monkeypatch, harsh.reference, like.reference)
    run = refresh_analysis(now=later(40), trigger=AnalysisTrigger.COMMAND)
    assert run.outliers == 1 and run.flags_raised == 1
    flag = CaseFlag.objects.get(case=harsh, kind=FlagKind.INCONSISTENT)
    assert flag.detail == (
        "Harsher than like cases: Suspension from membership, where a case with these facts would most likely get "
        f"Warning (adjusted p = 0.012). The most similar cases: {like.reference} (Warning)."
    )
    assert refresh_analysis(now=later(41), trigger=AnalysisTrigger.COMMAND).flags_raised == 0
    assert CaseFlag.objects.filter(kind=FlagKind.INCONSISTENT).count() == 1


def test_a_flag_oversight_raised_already_is_not_raised_again(org, monkeypatch):
    harsh, like = decided(org, sanction="suspension"), decided(org, sanction="warning")
    raise_flag(harsh, org.users["oversight"], kind=FlagKind.INCONSISTENT, detail="Harsh?", now=later(30))
    with_outlier(monkeypatch, harsh.reference, like.reference)
    assert refresh_analysis(now=later(40), trigger=AnalysisTrigger.COMMAND).flags_raised == 0
    assert CaseFlag.objects.filter(case=harsh).count() == 1


def test_a_refresh_that_fails_leaves_nothing_behind(org, below, monkeypatch):
    before = (AnalysisRun.objects.count(), CaseFlag.objects.count(), TimelineEvent.objects.count())
    log_size = AuditEvent.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "write_event", broken)
    with pytest.raises(RuntimeError):
        refresh_analysis(now=later(40), trigger=AnalysisTrigger.COMMAND)
    assert (AnalysisRun.objects.count(), CaseFlag.objects.count(), TimelineEvent.objects.count()) == before
    assert AuditEvent.objects.count() == log_size


def test_an_unknown_trigger_is_refused(org):
    with pytest.raises(ValueError, match="unknown trigger 'cron'"):
        refresh_analysis(trigger="cron")


def test_the_scheduled_job_refreshes_the_analysis_after_the_time_limits(org, below, capsys):
    call_command("tick", now=later(40))
    out = capsys.readouterr().out
    assert "time limit(s) applied." in out
    assert "Consistency analysis: 1 decision(s), 0 outlier(s), 1 flag(s) raised." in out
    assert out.index("time limit(s) applied.") < out.index("Consistency analysis") < out.index("Audit log checkpoint")
    assert latest_run().trigger == AnalysisTrigger.SCHEDULE


def test_the_scheduled_job_says_why_without_a_rulebook(db, capsys):
    call_command("tick")
    assert "Consistency analysis not run: no rulebook is loaded" in capsys.readouterr().out
    assert not AnalysisRun.objects.exists()
