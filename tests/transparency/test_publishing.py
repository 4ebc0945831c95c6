"""Publishing a transparency report from the database: what it counts, that no small figure gets out, the release
log (once per period, checked against earlier releases), the audit entry and checkpoint it carries, and
`fairhearing report` with its files and its errors."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from fairhearing.analytics import transparency as t
from fairhearing.analytics.periods import parse
from fairhearing.audit.checkpoints import verifier_key
from fairhearing.audit.log import current_head
from fairhearing.audit.models import AuditEvent
from fairhearing.cases import services
from fairhearing.evidence.services import rule_on_evidence
from fairhearing.organisation.models import Member
from fairhearing.procedure import checkpoint as notes
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.admissibility import Ruling
from fairhearing.procedure.errors import ActionRefused
from fairhearing.transparency.loading import report_facts
from fairhearing.transparency.models import Release
from fairhearing.transparency.services import content_digest, publish_release
from tests.analysis.casework import decided, dismissed, heard, later, open_about

pytestmark = pytest.mark.django_db
Q1 = parse("2026Q1")


@pytest.fixture
def history(org):
    """Two decisions and a dismissal in March 2026, and 21 more complaints about the MP received on 2 March."""
    decided(org)
    decided(org, sanction="advice", departure_reason="A full apology.")
    dismissed(org)
    for _ in range(21):
        open_about(org, "mp")
    return org


def _universe(facts: t.ReportFacts, name: str):
    return next(m for m in facts.microdata if m.universe == name)


def _count_values(content: dict) -> list[int | None]:
    values = []
    for section in content["sections"]:
        for table in section["tables"]:
            for row in table["rows"]:
                values += [v for v, c in zip(row["values"], table["columns"], strict=True) if c["kind"] == "count"]
    return values


def test_the_facts_count_the_period_by_the_rulebooks_bodies(history):
    facts = report_facts(Q1)
    received = _universe(facts, t.RECEIVED)
    assert len(received.records) == 24
    assert len(_universe(facts, t.DECIDED).records) == 2
    assert len(_universe(facts, t.DISMISSED).records) == 1
    assert len(_universe(facts, t.MEMBERS).records) == Member.objects.count()
    # Counted by the rulebook's bodies, not one row per regional office or branch.
    assert {r["body"] for r in received.records} <= set(received.dimensions["body"])
    assert not any("," in body for body in received.dimensions["body"])
    assert {r["office"] for r in received.records} == {t.SENIOR_OFFICE, t.NO_OFFICE}
    decisions = _universe(facts, t.DECIDED)
    assert sorted(r["outcome"] for r in decisions.records) == ["Advice", "Final warning"]
    assert sum(len(d) for d in facts.decision_days.values()) == 2
    # Nothing in another quarter.
    assert not _universe(report_facts(parse("2026Q2")), t.RECEIVED).records


def test_the_facts_count_suspensions_appeals_and_excluded_evidence(org):
    case, item = heard(org)
    services.impose_interim_suspension(
        case,
        org.users["officer"],
        criterion="risk to witnesses",
        reasons="Threats were made.",
        proportionality="Nothing less protects them.",
        restricts="Attending meetings.",
        review_by=date(2026, 3, 31),
        now=later(13),
    )
    excluded = org.evidence(case, admitted=False)
    rule_on_evidence(excluded, org.users["dpo"], ruling=Ruling.EXCLUDE, reason="Bulk screening.", now=later(14))
    services.lift_interim_suspension(
        case, org.users["officer"], reasons="The witnesses have given evidence.", now=later(20)
    )
    services.record_decision(
        case,
        org.users["panellist"],
        findings=[wf.Finding(case.allegations.get().pk, True, "On the messages.", frozenset({item.pk}))],
        sanction="final-warning",
        culpability="B",
        harm="2",
        now=later(23),
    )
    services.notify_decision(case, org.users["officer"], now=later(24))
    services.lodge_appeal(case, org.users["mp"], grounds={"disproportionate"}, now=later(30))
    services.form_appeal_panel(case, org.users["appeals_officer"], members=org.seats["appeals"][:3], now=later(31))
    services.record_appeal_decision(
        case,
        org.users["appeal_panellist"],
        result=wf.AppealResult.VARIED,
        reasons="A warning suffices.",
        sanction="warning",
        now=later(40),
    )

    facts = report_facts(parse("2026-01-01..2026-06-30"))
    assert _universe(facts, t.SUSPENSIONS).records == [
        {"body": "National Disputes Panel", "ending": t.ENDED_WITH_SANCTION, "review": t.REVIEWED_ON_TIME}
    ]
    assert facts.suspension_days == {"National Disputes Panel": [7]}
    assert _universe(facts, t.APPEALS).records == [{"body": "National Disputes Panel", "result": t.APPEAL_VARIED}]
    assert _universe(facts, t.EVIDENCE).records == [{"reason": t.EXCLUSION_MONITORING}]
    # As at the end of the first quarter, the appeal had not been lodged; the suspension was over.
    first = report_facts(Q1)
    assert not _universe(first, t.APPEALS).records
    assert _universe(first, t.SUSPENSIONS).records[0]["ending"] == t.ENDED_WITH_SANCTION


def test_a_release_publishes_no_small_figure_and_rounds_the_rest(history):
    release = publish_release(Q1).release
    values = _count_values(release.content)
    published = [v for v in values if v is not None]
    assert published and None in values
    assert all(v >= 10 and v % 5 == 0 for v in published)
    # The 24 complaints received are published, rounded; the two decisions are not.
    by_body = next(
        table for s in release.content["sections"] for table in s["tables"] if table["key"] == "received_by_body"
    )
    assert by_body["rows"][-1] == {"label": "Total", "total": True, "values": [25]}
    decided_total = next(
        table for s in release.content["sections"] for table in s["tables"] if table["key"] == "decided_by_body_outcome"
    )["rows"][-1]["values"][-1]
    assert decided_total is None
    # The log keeps the true value of what was published, for checking later releases; the content never does.
    truth = {(a, b, c): v for a, b, c, v in release.truth}
    assert truth[("received_by_body", "Total", "Total")] == 24
    assert "24" not in json.dumps(release.content["sections"])


def test_a_release_is_on_the_audit_log_and_carries_a_checkpoint_that_vouches_for_it(history):
    release = publish_release(Q1).release
    entry = AuditEvent.objects.get(action="transparency.published")
    assert entry.data["content_sha256"] == content_digest(release.content)
    checkpoint = release.content["checkpoint"]
    assert checkpoint["verifier_key"] == verifier_key()
    opened = notes.open_checkpoint(checkpoint["note"], notes.Verifier.parse(checkpoint["verifier_key"]))
    # Signed after the release's own entry: the log it vouches for includes the publication.
    assert opened.size == current_head().size > entry.index


def test_a_period_is_published_once(history):
    first = publish_release(Q1)
    open_about(history, "mp")
    again = publish_release(Q1)
    assert first.created and not again.created
    assert again.release.pk == first.release.pk and again.release.content == first.release.content
    assert AuditEvent.objects.filter(action="transparency.published").count() == 1


def test_a_period_not_yet_ended_is_refused(history):
    today = timezone.localdate()
    with pytest.raises(ActionRefused, match="has not ended yet"):
        publish_release(parse(str(today.year)))
    assert not Release.objects.exists()


def test_a_period_overlapping_an_earlier_release_is_refused_naming_it(history):
    publish_release(Q1)
    with pytest.raises(ActionRefused, match="2026Q1"):
        publish_release(parse("2026-02-01..2026-04-30"))
    assert Release.objects.count() == 1


def test_the_release_log_withholds_what_a_later_release_would_reveal_by_subtraction(history):
    publish_release(Q1)
    # Three complaints recorded late, received in the first quarter: the first half-year minus the first quarter
    # would show 3 (for April to June, which had none) if the half-year published its total.
    for _ in range(3):
        open_about(history, "mp")
    half = publish_release(parse("2026-01-01..2026-06-30")).release
    by_body = next(
        table for s in half.content["sections"] for table in s["tables"] if table["key"] == "received_by_body"
    )
    assert by_body["rows"][-1]["values"] == [None]
    assert half.content["disclosure"]["withheld"]["differencing"] >= 1
    assert half.content["disclosure"]["differenced_with"] == ["2026Q1"]
    earlier = {(a, b, c): v for a, b, c, v in Release.objects.get(label="2026Q1").truth}
    for table, row, column, value in half.truth:
        # Members are counted as at the period's end, a stock the log does not difference.
        if (table, row, column) in earlier and table != "members_by_region":
            assert abs(value - earlier[(table, row, column)]) >= 10


def test_the_report_command_publishes_and_writes_every_file(history, tmp_path, capsys):
    call_command("report", "--period", "2026Q1", "--out", str(tmp_path))
    out = capsys.readouterr().out
    assert "Published the transparency report for 2026Q1." in out
    assert "/statistics/2026q1/" in out
    names = {p.name for p in tmp_path.iterdir()}
    assert {"report.html", "report.pdf", "report.json", "received_by_body.csv"} <= names
    content = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert content["period"]["label"] == "2026Q1"
    with (tmp_path / "received_by_body.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[-1][0] == "Total" and rows[-1][1] == "25"
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    call_command("report", "--period", "2026q1", "--out", str(tmp_path / "again"))
    assert "was published on" in capsys.readouterr().out
    assert Release.objects.count() == 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period", "2026Q5"], "--period: '2026Q5' is not a period"),
        (["--period", "2026-02-30..2026-03-31"], "not a range of real dates"),
        (["--period", f"{date.today().year + 1}"], "has not ended yet"),
    ],
)
def test_the_report_command_refuses_bad_input_and_changes_nothing(history, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message.replace(".", r"\.")):
        call_command("report", *arguments, "--out", str(tmp_path))
    assert not Release.objects.exists()
    assert not AuditEvent.objects.filter(action="transparency.published").exists()


def test_the_report_command_refuses_an_unwritable_folder_before_publishing(history, tmp_path):
    taken = tmp_path / "a-file"
    taken.write_text("not a folder", encoding="utf-8")
    with pytest.raises(CommandError, match="--out: cannot write to"):
        call_command("report", "--period", "2026Q1", "--out", str(taken))
    assert not Release.objects.exists()
