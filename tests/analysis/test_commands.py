"""`fairhearing analyse` and `fairhearing precedents`: the report as JSON and as files, a summary for people, and
bad input refused with a clear message before anything is done."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from fairhearing.analysis.models import AnalysisRun
from fairhearing.audit.models import AuditEvent
from fairhearing.privacy.special_category import record_special_category
from tests.analysis.casework import decided, dismissed, later, open_about

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(org):
    decided(org)
    decided(org, sanction="advice", departure_reason="A full apology.")
    dismissed(org)
    return org


def test_analyse_json_prints_one_object_and_nothing_else(history, capsys):
    call_command("analyse", "--json", "--now", "2026-05-01T12:00")
    out = capsys.readouterr().out
    report = json.loads(out)  # one parseable object: anything else on stdout would fail here
    assert {"outliers", "disparities", "indices"} <= set(report)
    assert report["decisions"] == 2 and len(report["outside_guideline"]) == 1
    assert AnalysisRun.objects.get().trigger == "command"


def test_analyse_summarises_for_people(history, capsys):
    call_command("analyse")
    out = capsys.readouterr().out
    assert "Decisions analysed: 2 of 3 case(s)." in out
    assert "Outliers against like cases: 0 harsh, 0 lenient." in out
    assert "Outside the sanction guideline: 1." in out
    assert "Disparities reported: 0." in out
    assert "Flags raised for oversight: 1." in out


def test_analyse_out_writes_the_json_and_html_reports(history, tmp_path, capsys):
    out = tmp_path / "reports" / "2026"
    call_command("analyse", "--out", str(out))
    written = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert written == AnalysisRun.objects.get().report
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert f"Report written to {out / 'report.json'}" in capsys.readouterr().out


def test_analyse_refuses_an_unwritable_folder_before_doing_anything(history, tmp_path):
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a folder")
    with pytest.raises(CommandError, match="cannot write the report to"):
        call_command("analyse", "--out", str(blocker / "reports"))
    assert not AnalysisRun.objects.exists()


def test_analyse_with_a_special_category_audits_the_read(history):
    record_special_category(
        history.members["mp"],
        history.users["dpo"],
        category="political_opinion",
        value="Green",
        purpose="Fairness monitoring",
        condition="art9_2_d",
    )
    call_command("analyse", "--special-category", "political_opinion", stdout=io.StringIO())
    read = AuditEvent.objects.get(action="special_category.analysed")
    assert read.data == {"category": "political_opinion", "values_read": 1}
    # The value is compared in groups only: it is nowhere in the stored report.
    assert "Green" not in json.dumps(AnalysisRun.objects.get().report)


def test_analyse_refuses_an_unknown_special_category_by_name(history):
    with pytest.raises(CommandError, match="there is no special category 'shoe_size'; choose one of political_opinion"):
        call_command("analyse", "--special-category", "shoe_size")
    assert not AnalysisRun.objects.exists()


def test_precedents_lists_earlier_like_cases_and_their_spread(history, capsys):
    query = open_about(history, "mp")  # undecided: every decided case is earlier
    call_command("precedents", query.reference, "--json")
    found = json.loads(capsys.readouterr().out)
    assert found["case"] == query.reference
    refs = [p["case_ref"] for p in found["precedents"]]
    assert query.reference not in refs and len(refs) == 2
    assert found["spread"]["counts"] == {"advice": 1, "final-warning": 1}
    assert AuditEvent.objects.filter(action="case.viewed", case_reference=query.reference).exists()
    call_command("precedents", query.reference, "-k", "1")
    out = capsys.readouterr().out
    assert f"The 1 decided case(s) most like {query.reference}:" in out and "Outcomes:" in out


def test_precedents_for_an_unknown_reference_fails_clearly(history):
    with pytest.raises(CommandError, match="no case FH-1999-00001: give a case reference"):
        call_command("precedents", "FH-1999-00001")


def test_precedents_with_nothing_to_compare(org, capsys):
    lone = decided(org)
    call_command("precedents", lone.reference)
    assert f"No decided case to compare {lone.reference} with." in capsys.readouterr().out


def test_the_commands_are_listed_by_the_cli():
    from fairhearing.cli import usage

    assert "analyse" in usage() and "precedents" in usage()


def test_analyse_accepts_a_moment(history):
    call_command("analyse", "--now", later(60).isoformat(), stdout=io.StringIO())
    assert AnalysisRun.objects.get().started_at == later(60)


def test_precedents_refuses_a_bad_k_clearly(history, capsys):
    with pytest.raises(CommandError, match="give a whole number from 1 to 100, not '0'"):
        call_command("precedents", "FH-2026-00001", "-k", "0")
