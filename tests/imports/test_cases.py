"""Importing historical cases: every kind of bad input is reported at its row and column and leaves the database
as it was; a clean file becomes closed, imported cases that are searchable, readable and on the audit log."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import pytest

from fairhearing.audit.models import AuditEvent
from fairhearing.audit.verify import verify_log
from fairhearing.cases import search
from fairhearing.cases.models import (
    Allegation,
    Case,
    CaseSource,
    ComplainantKind,
    Decision,
    DecisionKind,
    EventKind,
    SearchTerm,
    TimelineEvent,
)
from fairhearing.cases.services import AllegationInput, open_case
from fairhearing.imports.case_rows import COLUMNS
from fairhearing.imports.cases import import_cases
from fairhearing.organisation.models import Body, Member, MemberStatus
from fairhearing.procedure.stages import Stage
from fairhearing.tables.problems import WHOLE_FILE
from tests.cases.organisation import START, build_org
from tests.signin import sign_in

pytestmark = pytest.mark.django_db

# A minor case about an existing member (M0000, branch n1), heard by their branch executive.
ROW = {
    "case_ref": "HIST-0001",
    "membership_number": "M0000",
    "respondent_offices": "",
    "region": "north",
    "branch": "n1",
    "body": "branch-executive",
    "received_date": "2023-02-01",
    "conduct_date": "2023-01-15",
    "clauses": "2.1",
    "category": "abuse",
    "aggravating": "public-platform",
    "mitigating": "early-admission; genuine-remorse",
    "allegation": "Called a fellow councillor a clown in the branch newsletter",
    "outcome": "warning",
    "suspension_days": "",
    "decided_date": "2023-03-01",
    "decided_by": "Branch Executive panel",
    "appeal_outcome": "none",
    "closed_date": "2023-03-20",
}
# A suspension by the regional office, appealed and dismissed, about a councillor.
SUSPENDED = ROW | {
    "case_ref": "HIST-0002",
    "respondent_offices": "councillor",
    "body": "regional-office",
    "clauses": "2.2;2.4",
    "category": "harassment",
    "outcome": "suspension",
    "suspension_days": "183",
    "appeal_outcome": "dismissed",
    "allegation": "Repeated messages to a branch secretary after being asked to stop",
}
# An expulsion of someone missing from the member table: they are added as a former member.
EXPELLED = ROW | {
    "case_ref": "HIST-0003",
    "membership_number": "X-77",
    "region": "",
    "branch": "s1",
    "body": "constitutional-committee",
    "clauses": "3.1",
    "category": "discrimination",
    "aggravating": "",
    "mitigating": "",
    "outcome": "expulsion",
    "decided_by": "",
    "allegation": "Antisemitic posts on a public page",
}


@pytest.fixture
def org(example_source):
    return build_org(example_source)


def write_csv(path: Path, rows: list[Mapping[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(COLUMNS)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def counts() -> dict[str, int]:
    models = (Case, Member, AuditEvent, TimelineEvent, SearchTerm, Decision, Allegation, Body)
    return {model.__name__: model.objects.count() for model in models}


def problems_of(result) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in result.report.problems]


def refused(path: Path, row: int, column: str, words: str) -> None:
    """Importing `path` stops at a problem at (row, column) whose message says `words`, and writes nothing."""
    before = counts()
    result = import_cases(path, actor=None, label="test admin")
    found = problems_of(result)
    assert any(r == row and c == column and words in m for r, c, m in found), found
    assert not result.ok and result.created == 0
    assert result.summary().startswith("Nothing was imported")
    assert counts() == before


# Each bad cell, the column it is reported in, and words of the message.
BAD_CELLS = [
    pytest.param({"received_date": "2023-02-30"}, "received_date", "'2023-02-30' is not a date", id="wrong-date"),
    pytest.param(
        {"decided_date": "01/03/2023"}, "decided_date", "is not a date written as year-month-day", id="uk-date"
    ),
    pytest.param({"closed_date": ""}, "closed_date", "is empty, and a date is needed", id="missing-date"),
    pytest.param(
        {"decided_date": "2023-01-20"},
        "decided_date",
        "2023-01-20 is before the received_date 2023-02-01",
        id="decided-before-received",
    ),
    pytest.param(
        {"closed_date": "2023-02-15"},
        "closed_date",
        "is before the decided_date 2023-03-01",
        id="closed-before-decided",
    ),
    pytest.param(
        {"conduct_date": "2023-02-10"},
        "received_date",
        "2023-02-01 is before the conduct_date 2023-02-10",
        id="received-before-conduct",
    ),
    pytest.param({"closed_date": "2099-01-01"}, "closed_date", "is in the future", id="future-date"),
    pytest.param(
        {"conduct_date": "2019-06-01"},
        "conduct_date",
        "no rulebook version was in force on 2019-06-01",
        id="no-rulebook-then",
    ),
    pytest.param({"clauses": "2.1; 9.9"}, "clauses", "clause '9.9' is not in rulebook 2022.1", id="unknown-clause"),
    pytest.param({"clauses": ""}, "clauses", "is empty: list the clause ids", id="no-clause"),
    pytest.param(
        {"clauses": "2.4;3.2", "category": "abuse"},
        "category",
        "'abuse' is not the category of any clause listed: clause 2.4 is in 'harassment', clause 3.2 is in "
        "'discrimination'",
        id="category-mismatch",
    ),
    pytest.param({"category": "rudeness"}, "category", "'rudeness' is not a known category", id="unknown-category"),
    pytest.param(
        {"body": "politburo"}, "body", "'politburo' is not a known body of rulebook 2022.1", id="unknown-body"
    ),
    pytest.param({"region": "east"}, "region", "there is no region with the code 'east'", id="unknown-region"),
    pytest.param({"region": "south"}, "region", "branch 'n1' is in region 'north', not 'south'", id="wrong-region"),
    pytest.param({"branch": "zz9"}, "branch", "there is no branch with the code 'zz9'", id="unknown-branch"),
    pytest.param(
        {"outcome": "flogging"},
        "outcome",
        "'flogging' is not a known sanction of rulebook 2022.1; use one of: advice, expulsion",
        id="unknown-sanction",
    ),
    pytest.param(
        {"outcome": "suspension", "suspension_days": ""},
        "suspension_days",
        "is empty, and 'suspension' is time-limited: give its length in days",
        id="suspension-without-days",
    ),
    pytest.param(
        {"outcome": "suspension", "suspension_days": "six months"},
        "suspension_days",
        "'six months' is not a whole number",
        id="suspension-days-not-a-number",
    ),
    pytest.param(
        {"outcome": "suspension", "suspension_days": "900"},
        "suspension_days",
        "900 days is about 30 months, longer than the 24 months at most",
        id="suspension-too-long",
    ),
    pytest.param(
        {"outcome": "warning", "suspension_days": "30"},
        "suspension_days",
        "must be empty: 'warning' is not a time-limited sanction",
        id="days-for-a-warning",
    ),
    pytest.param(
        {"appeal_outcome": "upheld"},
        "appeal_outcome",
        "'upheld' is not a known appeal outcome; use one of: dismissed, none, overturned, varied",
        id="bad-appeal-outcome",
    ),
    pytest.param(
        {"outcome": "no-action", "appeal_outcome": "varied"},
        "appeal_outcome",
        "'no-action' is the mildest outcome",
        id="varied-no-action",
    ),
    pytest.param(
        {"aggravating": "was-rude"}, "aggravating", "'was-rude' is not an aggravating factor", id="unknown-factor"
    ),
    pytest.param(
        {"mitigating": "public-platform"},
        "mitigating",
        "'public-platform' is not a mitigating factor",
        id="aggravating-as-mitigating",
    ),
    pytest.param(
        {"respondent_offices": "mayor"}, "respondent_offices", "'mayor' is not an office", id="unknown-office"
    ),
    pytest.param({"membership_number": " "}, "membership_number", "is empty, and a value is needed", id="no-member"),
    pytest.param({"case_ref": "HIST 1/2"}, "case_ref", "may hold only letters, digits", id="bad-reference"),
    pytest.param({"case_ref": "X" * 33}, "case_ref", "is 33 characters long; at most 32 fit", id="long-reference"),
    pytest.param(
        {"allegation": '=HYPERLINK("https://example.com/x","click")'},
        "allegation",
        "looks like a spreadsheet formula. fairhearing never runs formulas",
        id="formula",
    ),
    pytest.param({"decided_by": "@SUM(A1:A9)"}, "decided_by", "looks like a spreadsheet formula", id="formula-at"),
    pytest.param({"clauses": "+cmd|' /C calc'!A0"}, "clauses", "looks like a spreadsheet formula", id="formula-plus"),
]


@pytest.mark.parametrize(("change", "column", "words"), BAD_CELLS)
def test_each_bad_cell_is_reported_at_its_row_and_column_and_nothing_is_written(org, tmp_path, change, column, words):
    # The bad row is the second data row (spreadsheet row 3), after a good one.
    path = write_csv(tmp_path / "cases.csv", [ROW, SUSPENDED | {"case_ref": "HIST-0009"} | change])
    refused(path, 3, column, words)


def test_every_problem_of_a_file_is_reported_at_once(org, tmp_path):
    bad = ROW | {"case_ref": "HIST-0005", "received_date": "soon", "clauses": "9.9", "outcome": "flogging"}
    path = write_csv(tmp_path / "cases.csv", [ROW, bad, EXPELLED | {"branch": "nowhere"}])
    before = counts()
    result = import_cases(path, actor=None)
    assert {(r, c) for r, c, _ in problems_of(result)} == {
        (3, "received_date"),
        (3, "clauses"),
        (3, "outcome"),
        (4, "branch"),
    }
    assert counts() == before


def test_a_case_ref_used_twice_in_the_file_is_reported_at_the_second(org, tmp_path):
    path = write_csv(tmp_path / "cases.csv", [ROW, SUSPENDED, SUSPENDED | {"case_ref": "HIST-0001"}])
    refused(path, 4, "case_ref", "'HIST-0001' is also the case_ref of row 2: each case needs its own")


def test_a_case_ref_of_a_case_opened_here_is_refused(org, tmp_path):
    opened = open_case(
        user=org.users["officer"],
        respondent=org.members["respondent"],
        allegations=[AllegationInput("2.1", "Rude in a meeting", date(2026, 2, 1))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START,
    )
    path = write_csv(tmp_path / "cases.csv", [ROW | {"case_ref": opened.reference}])
    refused(path, 2, "case_ref", f"'{opened.reference}' is already the reference of a case opened in fairhearing")


def test_an_identical_reimport_is_unchanged_and_a_different_one_is_refused(org, tmp_path):
    path = write_csv(tmp_path / "cases.csv", [ROW, SUSPENDED])
    assert import_cases(path, actor=None).created == 2
    before = counts()
    # The same cases, written differently (spaces, row order, another file): recognised, nothing written.
    again = write_csv(tmp_path / "again.csv", [SUSPENDED | {"clauses": " 2.2 ; 2.4 "}, ROW, EXPELLED])
    result = import_cases(again, actor=None)
    assert result.ok and (result.created, result.unchanged) == (1, 2)
    assert counts()["Case"] == before["Case"] + 1
    changed = write_csv(tmp_path / "changed.csv", [ROW | {"outcome": "final-warning"}])
    refused(changed, 2, "case_ref", "'HIST-0001' was imported before with different details")


@pytest.mark.parametrize("missing", ["case_ref", "clauses", "outcome", "closed_date"])
def test_a_missing_required_column_is_a_problem_of_the_whole_file(org, tmp_path, missing):
    columns = [c for c in COLUMNS if c != missing]
    path = write_csv(tmp_path / "cases.csv", [ROW], columns)
    refused(path, WHOLE_FILE, missing, "this required column is missing from the first row")


def test_optional_columns_may_be_left_out(org, tmp_path):
    columns = [c for c in COLUMNS if c not in {"aggravating", "mitigating", "appeal_outcome", "suspension_days"}]
    result = import_cases(write_csv(tmp_path / "cases.csv", [ROW], columns), actor=None)
    assert result.ok and result.created == 1
    assert Decision.objects.get().aggravating == []


@pytest.mark.parametrize(
    ("content", "words"),
    [
        pytest.param(",".join(COLUMNS).encode("utf-16"), "UTF-16", id="utf-16"),
        pytest.param(
            ",".join(COLUMNS).encode() + b"\r\nHIST-1,M\x81\x8d", "neither UTF-8 nor Windows-1252", id="bytes"
        ),
        pytest.param(b"", "the file is empty", id="empty"),
    ],
)
def test_an_unreadable_file_is_a_problem_of_the_whole_file(org, tmp_path, content, words):
    path = tmp_path / "cases.csv"
    path.write_bytes(content)
    refused(path, WHOLE_FILE, "", words)


def test_windows_1252_with_semicolons_is_read(org, tmp_path):
    path = tmp_path / "cases.csv"
    row = ROW | {"allegation": "Insulted the café owner at the fête"}
    with path.open("w", encoding="windows-1252", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerow(row)
    result = import_cases(path, actor=None)
    assert result.ok, problems_of(result)
    assert result.described == "CSV, windows-1252, separated by semicolons"
    assert Allegation.objects.get().particulars == "Insulted the café owner at the fête"


def test_extra_columns_are_ignored_with_a_warning(org, tmp_path):
    path = write_csv(tmp_path / "cases.csv", [ROW | {"notes": "=SUM(A1)", "panel": "x"}], [*COLUMNS, "notes", "panel"])
    result = import_cases(path, actor=None)
    assert result.ok and result.created == 1
    assert [str(w) for w in result.report.warnings] == [
        "the file: these columns are not used and were ignored: notes, panel"
    ]


def test_a_dry_run_checks_and_counts_but_writes_nothing(org, tmp_path):
    path = write_csv(tmp_path / "cases.csv", [ROW, SUSPENDED, EXPELLED])
    before = counts()
    result = import_cases(path, actor=None, dry_run=True)
    assert result.ok and (result.rows, result.created) == (3, 3)
    assert result.summary() == "Would import 3 row(s) of cases: 3 created, 0 updated, 0 unchanged, 0 skipped."
    assert "will be added as former members: X-77" in str(result.report.warnings[0])
    assert counts() == before


def test_a_clean_file_becomes_closed_imported_cases(org, tmp_path):
    path = write_csv(tmp_path / "history.csv", [ROW, SUSPENDED, EXPELLED])
    seen = []
    result = import_cases(path, actor=org.users["officer"], progress=lambda done, total: seen.append((done, total)))
    assert result.ok, problems_of(result)
    assert result.summary() == "Imported 3 row(s) of cases: 3 created, 0 updated, 0 unchanged, 0 skipped."
    assert seen[-1] == (6, 6)

    warning = Case.objects.get(reference="HIST-0001")
    assert (warning.source, warning.stage, warning.outcome) == (CaseSource.IMPORT, Stage.CLOSED, "warning")
    assert warning.respondent == org.members["respondent"]
    assert warning.body == Body.objects.get(kind="branch-executive", branch__code="n1")
    assert warning.routing_reason == "Imported historical record (file history.csv, row 2)."
    assert (warning.received_at.date(), warning.closed_at.date()) == (date(2023, 2, 1), date(2023, 3, 20))
    assert (warning.seriousness, warning.rulebook_version.version) == ("minor", "2022.1")
    [allegation] = warning.allegations.all()
    assert (allegation.clause, allegation.conduct_date) == ("2.1", date(2023, 1, 15))
    assert allegation.particulars == ROW["allegation"]
    [decision] = warning.decisions.all()
    assert (decision.kind, decision.sanction, decision.decided_at.date()) == (
        DecisionKind.FIRST_INSTANCE,
        "warning",
        date(2023, 3, 1),
    )
    assert decision.aggravating == ["public-platform"]
    assert decision.mitigating == ["early-admission", "genuine-remorse"]
    assert decision.reasons == "Imported record: decided by Branch Executive panel."
    [event] = warning.timeline.all()
    assert event.kind == EventKind.NOTE and event.actor == org.users["officer"]
    assert event.summary.startswith("Imported from history.csv, row 2: a historical record")

    suspended = Case.objects.get(reference="HIST-0002")
    assert suspended.body == Body.objects.get(kind="regional-office", region__code="north")
    assert (suspended.seriousness, suspended.respondent_offices, suspended.outcome) == (
        "serious",
        ["councillor"],
        "suspension",
    )
    assert sorted(suspended.allegations.values_list("clause", flat=True)) == ["2.2", "2.4"]
    first, appeal = suspended.decisions.order_by("decided_at")
    assert (first.sanction, first.suspension_months) == ("suspension", 6)
    assert (appeal.kind, appeal.appeal_result, appeal.sanction) == (DecisionKind.APPEAL, "dismissed", "suspension")
    assert appeal.body.kind == "appeals-panel"
    assert suspended.timeline.get().data["suspension_days"] == 183

    expelled = Case.objects.get(reference="HIST-0003")
    former = expelled.respondent
    assert (former.membership_number, former.name, former.branch.code) == ("X-77", "Former member X-77", "s1")
    assert (former.status, former.joined, former.left_on) == (
        MemberStatus.EXPELLED,
        date(2023, 1, 15),
        date(2023, 3, 20),
    )
    assert expelled.decisions.get().reasons == "Imported record: the decision-maker is not recorded."


def test_appeal_results_follow_the_procedure(org, tmp_path):
    rows = [
        SUSPENDED | {"case_ref": "A-1", "appeal_outcome": "overturned"},
        SUSPENDED | {"case_ref": "A-2", "appeal_outcome": "Varied"},
    ]
    assert import_cases(write_csv(tmp_path / "cases.csv", rows), actor=None).ok
    overturned, varied = Case.objects.get(reference="A-1"), Case.objects.get(reference="A-2")
    assert overturned.outcome == "no-action"
    assert overturned.decisions.get(kind=DecisionKind.APPEAL).appeal_result == "overturned"
    # A varied appeal gave a milder sanction the file does not name: the final outcome is left unknown.
    assert varied.outcome == ""
    assert varied.decisions.get(kind=DecisionKind.APPEAL).appeal_result == "varied"


def test_former_members_are_created_once_as_lapsed_unless_expelled(org, tmp_path):
    rows = [
        ROW | {"case_ref": "F-1", "membership_number": "GONE-1", "branch": "s2", "region": "south"},
        ROW
        | {"case_ref": "F-2", "membership_number": "GONE-1", "branch": "s1", "region": "", "closed_date": "2023-04-02"},
        EXPELLED,
    ]
    result = import_cases(write_csv(tmp_path / "cases.csv", rows), actor=None, label="admin at the command line")
    assert result.ok
    assert [str(w) for w in result.report.warnings] == [
        "the file, column membership_number: 2 member(s) named in the file are not in the member table and were "
        "added as former members: GONE-1, X-77"
    ]
    gone = Member.objects.get(membership_number="GONE-1")
    # Their branch is that of their latest case; lapsed, as the file does not say why they left.
    assert (gone.status, gone.branch.code, gone.left_on) == (MemberStatus.LAPSED, "s1", date(2023, 4, 2))
    assert gone.cases_as_respondent.count() == 2
    added = AuditEvent.objects.filter(action="member.imported")
    assert sorted(e.subject_member_ids[0] for e in added) == sorted(
        Member.objects.filter(membership_number__in=["GONE-1", "X-77"]).values_list("pk", flat=True)
    )
    assert {e.actor_label for e in added} == {"admin at the command line"}


def test_each_imported_case_is_one_audit_event_and_the_log_verifies(org, tmp_path):
    path = write_csv(tmp_path / "cases.csv", [ROW, SUSPENDED, EXPELLED])
    before = AuditEvent.objects.count()
    assert import_cases(path, actor=org.users["officer"]).ok
    events = AuditEvent.objects.filter(action="case.imported").order_by("index")
    assert [e.case_reference for e in events] == ["HIST-0001", "HIST-0002", "HIST-0003"]
    # Three cases, one former member and the import itself, nothing else.
    assert AuditEvent.objects.count() == before + 5
    whole = AuditEvent.objects.get(action="cases.imported")
    assert whole.data["created"] == 3 and whole.data["former_members"] == 1 and whole.index > events.last().index
    for event, row in zip(events, (2, 3, 4), strict=True):
        case = Case.objects.get(reference=event.case_reference)
        assert event.subject_member_ids == [case.respondent_id] and event.object_id == str(case.pk)
        assert event.data["row"] == row and len(event.data["file_sha256"]) == 64
        # Names what was touched, never the personal data itself.
        written = json.dumps([event.summary, event.data])
        assert "clown" not in written and case.respondent.membership_number not in written
    verified = verify_log()
    assert verified.size == AuditEvent.objects.count()


def test_imported_cases_are_found_by_the_case_search(org, tmp_path):
    assert import_cases(write_csv(tmp_path / "cases.csv", [ROW, SUSPENDED, EXPELLED]), actor=None).ok

    def found(query: str) -> list[str]:
        return sorted(search.search(Case.objects.all(), query).values_list("reference", flat=True))

    assert found("clown") == ["HIST-0001"]
    assert found("antisemitic") == ["HIST-0003"]
    assert found("X-77") == ["HIST-0003"]
    assert found("hist-0002") == ["HIST-0002"]
    assert found(org.members["respondent"].name) == ["HIST-0001", "HIST-0002"]
    # The words are those a case opened here would have.
    case = Case.objects.get(reference="HIST-0002")
    assert set(case.search_terms.values_list("term", flat=True)) == search.terms_of(case)


def test_an_imported_case_page_reads_without_errors(org, tmp_path, client):
    assert import_cases(write_csv(tmp_path / "cases.csv", [ROW, SUSPENDED, EXPELLED]), actor=None).ok
    sign_in(client, org.users["officer"])
    for reference in ("HIST-0001", "HIST-0002", "HIST-0003"):
        page = client.get(f"/cases/{reference}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert f"<h1>{reference}</h1>" in text and "Imported from cases.csv" in text
    assert "Suspension from membership" in client.get("/cases/HIST-0002/").content.decode()


def test_missing_body_instances_are_created(org, tmp_path):
    # A branch added after the rulebook was loaded has no branch executive yet.
    from fairhearing.organisation.models import Branch, Region

    Branch.objects.create(code="n2", name="North Two", region=Region.objects.get(code="north"))
    result = import_cases(write_csv(tmp_path / "cases.csv", [ROW | {"branch": "n2"}]), actor=None)
    assert result.ok
    assert [str(w) for w in result.report.warnings] == [
        "the file, column body: 1 body instance(s) did not exist yet and were created: Branch Executive, North Two"
    ]
    assert Case.objects.get().body == Body.objects.get(kind="branch-executive", branch__code="n2")


def test_a_big_import_gathers_the_planner_statistics_of_what_it_wrote(org, tmp_path, monkeypatch):
    # At national size PostgreSQL would otherwise plan for the empty tables until autovacuum came round.
    rows = [ROW | {"case_ref": f"HIST-{n:04d}"} for n in range(1, 31)]
    monkeypatch.setattr("fairhearing.imports.cases.BIG_LOAD", 30)
    analysed: list[set[str]] = []
    monkeypatch.setattr(
        "fairhearing.imports.cases.refresh_statistics", lambda models: analysed.append({m.__name__ for m in models})
    )

    assert import_cases(write_csv(tmp_path / "c.csv", rows), actor=None, label="test admin").created == 30
    written = {"Member", "Case", "Allegation", "Decision", "TimelineEvent", "SearchTerm", "AuditEvent", "MerkleNode"}
    assert analysed == [written]

    monkeypatch.setattr("fairhearing.imports.cases.BIG_LOAD", 31)
    more = [ROW | {"case_ref": f"HIST-{n:04d}"} for n in range(31, 61)]
    assert import_cases(write_csv(tmp_path / "d.csv", more), actor=None, label="test admin").created == 30
    assert len(analysed) == 1  # a smaller one is left to autovacuum
