"""The loader: the database as the analytics' plain records, for every kind of case, in a handful of queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fairhearing.analysis.loading import case_record, case_records, current_scale, scale_of
from fairhearing.analytics.records import CaseRecord, DecisionRecord
from fairhearing.audit.models import AuditEvent
from fairhearing.imports.cases import import_cases
from fairhearing.privacy.special_category import record_special_category
from fairhearing.procedure.errors import ActionRefused
from tests.analysis.casework import PARTICULARS, decided, dismissed, open_about
from tests.imports.test_cases import EXPELLED, ROW, write_csv

pytestmark = pytest.mark.django_db


def by_ref(records: list[CaseRecord]) -> dict[str, CaseRecord]:
    return {r.ref: r for r in records}


def test_the_scale_is_the_rulebooks_sanctions_mildest_first(example_rulebook):
    scale = scale_of(example_rulebook)
    assert scale.sanctions == ("no-action", "advice", "warning", "final-warning", "suspension", "expulsion")
    assert scale.names[0] == "No further action" and scale.name(5) == "Expulsion"
    # Suspension is the first time-limited sanction; expulsion the last.
    assert (scale.suspension_from, scale.expulsion) == (4, 5)


def test_a_decided_case_becomes_a_record_with_its_first_instance_decision(org):
    case = decided(org)
    record = by_ref(case_records())[case.reference]
    assert record == CaseRecord(
        ref=case.reference,
        received_on=date(2026, 3, 2),
        body=case.body.name,
        region="south",
        clauses=("2.2",),
        categories=frozenset({"abuse"}),
        seriousness=2,
        text=PARTICULARS,
        offices=frozenset({"mp"}),
        senior=True,
        category="abuse",  # its first allegation's, the one it is counted under in published tables
        decision=DecisionRecord(
            decided_on=date(2026, 3, 25),
            body=case.body.name,
            decision_maker="Ndp1",  # the chair, though not the first seat
            proven=True,
            sanction="final-warning",
            severity=3,
            culpability="B",
            harm="2",
            aggravating=frozenset({"public-platform"}),
            mitigating=frozenset({"genuine-remorse"}),
            guideline_start=3,
            guideline_lowest=2,
            guideline_highest=4,
        ),
    )
    assert record.decision.assessed and record.concluded_on == date(2026, 3, 25)
    assert case_record(case) == record


def test_without_a_chair_the_first_panel_member_is_the_decision_maker(org):
    case = decided(org, chair=False)
    assert case_record(case).decision.decision_maker == "Ndp0"


def test_a_dismissed_and_an_open_case(org):
    gone = dismissed(org)
    waiting = open_about(org, "respondent", "Swore at a branch officer.", clause="2.1")
    records = by_ref(case_records())
    assert records[gone.reference].dismissed_at_triage
    assert records[gone.reference].dismissed_on == date(2026, 3, 6)
    assert records[gone.reference].decision is None and records[gone.reference].concluded_on == date(2026, 3, 6)
    # Minor (rank 0) conduct by an ordinary member of the north: no office, not senior.
    fresh = records[waiting.reference]
    assert (fresh.region, fresh.seriousness, fresh.offices, fresh.senior) == ("north", 0, frozenset(), False)
    assert not fresh.dismissed_at_triage and fresh.decision is None and fresh.concluded_on is None
    assert fresh.text == "Swore at a branch officer." and fresh.categories == frozenset({"abuse"})


def test_imported_past_cases_are_records_with_their_decision_maker(org, tmp_path):
    assert import_cases(write_csv(tmp_path / "cases.csv", [ROW, EXPELLED]), actor=None).ok
    records = by_ref(case_records())
    warning = records["HIST-0001"].decision
    assert (warning.sanction, warning.severity, warning.decision_maker) == ("warning", 2, "Branch Executive panel")
    # No findings are imported: a sanction above the mildest stands for something proven.
    assert warning.proven and not warning.assessed
    assert warning.mitigating == frozenset({"early-admission", "genuine-remorse"})
    expelled = records["HIST-0003"].decision
    assert (expelled.severity, expelled.decision_maker) == (5, "")
    assert records["HIST-0003"].categories == frozenset({"discrimination"})


def test_a_decision_finding_nothing_proven_is_not_proven(org):
    case = decided(org, sanction="no-action", proven=False)
    decision = case_record(case).decision
    assert not decision.proven and decision.severity == 0 and decision.guideline_start is None


def test_loading_takes_a_handful_of_queries_however_many_cases(org):
    decided(org)
    dismissed(org)
    with CaptureQueriesContext(connection) as few:
        case_records()
    for n in range(3):
        decided(org, particulars=f"Abusive messages, number {n}.")
        dismissed(org)
    with CaptureQueriesContext(connection) as more:
        assert len(case_records()) == 8
    assert len(more) == len(few) <= 8


def test_special_category_values_are_read_only_when_asked_and_the_read_is_audited_once(org):
    case = decided(org)
    record_special_category(
        org.members["mp"],
        org.users["dpo"],
        category="political_opinion",
        value="Social democrat",
        purpose="Fairness monitoring",
        condition="art9_2_d",
    )
    assert all(r.special is None for r in case_records())
    assert not AuditEvent.objects.filter(action="special_category.analysed").exists()

    records = by_ref(case_records(special_category="political_opinion"))
    assert records[case.reference].special == "Social democrat"
    entry = AuditEvent.objects.get(action="special_category.analysed")
    assert entry.data == {"category": "political_opinion", "values_read": 1}
    assert entry.subject_member_ids == [org.members["mp"].pk]
    assert "Social democrat" not in entry.summary and "aggregate fairness analysis" in entry.summary


def test_an_unknown_special_category_is_refused_by_name(org):
    with pytest.raises(ActionRefused, match="there is no special category 'shoe_size'"):
        case_records(special_category="shoe_size")


def test_the_current_scale_needs_a_rulebook(db):
    with pytest.raises(ActionRefused, match="no rulebook is loaded"):
        current_scale()
