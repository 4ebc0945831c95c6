"""The subject access service and the `sar` command: what the zip holds, what it keeps back, and the record kept."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from fairhearing.accounts.models import User
from fairhearing.audit.models import AuditEvent
from fairhearing.organisation.models import Member
from fairhearing.privacy.models import SubjectAccessRequest
from fairhearing.privacy.special_category import record_special_category
from fairhearing.privacy.subject_access import (
    WITHHELD,
    export_subject_access,
    extend_subject_access,
    request_subject_access,
)
from fairhearing.procedure.errors import ActionRefused
from tests.helpers import FAIRHEARING, cli_env
from tests.privacy.sar_case import (
    NAMES,
    SERVED_TEXT,
    SUPPLIED_TEXT,
    WITHHELD_TEXT,
    build_sar_case,
    data_of,
    later,
    names_found,
    open_zip,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def sar(settings, tmp_path, example_source):
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_sar_case(example_source)


def export(sar, user_key: str = "dpo", days: int = 30) -> tuple[SubjectAccessRequest, bytes]:
    user = sar.org.users[user_key]
    request = request_subject_access(sar.subject, user, now=later(days))
    return request, export_subject_access(request, user, now=later(days))


def test_a_request_is_due_one_calendar_month_after_it_is_received(sar):
    request = request_subject_access(sar.subject, sar.org.users["dpo"], now=later(29))  # 31 March 2026
    assert request.received_at == later(29)
    assert request.due_on == date(2026, 4, 30)
    assert request.fulfilled_at is None
    entry = AuditEvent.objects.get(action="subject_access.requested")
    assert entry.subject_member_ids == [sar.subject.pk] and "2026-04-30" in entry.summary


def test_the_export_holds_everything_about_the_member(sar):
    request, archive = export(sar)
    files = open_zip(archive)
    served = f"files/{sar.as_respondent.reference}/evidence-{sar.served.pk}.txt"
    supplied = f"files/{sar.as_respondent.reference}/evidence-{sar.supplied.pk}.txt"
    assert set(files) == {"data.json", "report.html", "manifest.json", served, supplied}
    assert files[served] == SERVED_TEXT and files[supplied] == SUPPLIED_TEXT

    data = data_of(files)
    profile = data["profile"]
    assert profile["membership_number"] == sar.subject.membership_number
    assert profile["name"] == "Margaret Peabody" and profile["email"] == "margaret.peabody@members.example.org"
    assert [o["office"] for o in profile["offices"]] == ["Member of Parliament"]
    assert profile["account"]["username"] == "mp"

    [case] = data["cases_as_respondent"]
    assert case["reference"] == sar.as_respondent.reference and case["stage"] == "Appeal window open"
    assert case["complainant"] == "[the complainant]" and case["outcome"] == "Final warning"
    assert case["allegations"][0]["particulars"] == (
        "Sent abusive messages to [the complainant], copied to [email address]."
    )
    assert case["notice"]["evidence_relied_on"] == [
        {"allegation": case["allegations"][0]["id"], "evidence": [sar.served.pk]}
    ]
    evidence = {e["id"]: e for e in case["evidence"]}
    assert evidence[sar.served.pk]["file"] == served and evidence[sar.served.pk]["served_on_you"]
    assert evidence[sar.supplied.pk]["file"] == supplied
    # Kept back: listed, with what it is and where it came from, but not its content.
    kept = evidence[sar.withheld.pk]
    assert kept["content"] == WITHHELD and kept["file"] is None and "text" not in kept
    assert kept["kind"] == "Witness statement" and kept["sha256"] == hashlib.sha256(WITHHELD_TEXT).hexdigest()
    [decision] = case["decisions"]
    assert decision["sanction"] == "Final warning"
    assert decision["findings"][0]["reasons"] == "Proven: [the complainant]'s account is credible."
    assert [p["seat"] for p in decision["panel"]] == ["[panel member]"] * 3
    events = [e["event"] for e in case["timeline"]]
    assert events[:2] == ["Case opened", "Routed to a body"] and "Decision recorded" in events
    [response] = [e for e in case["timeline"] if "your_response" in e]
    assert response["your_response"] == "I deny writing to [the complainant] at all."
    assert response["by"] == "Margaret Peabody"  # the member's own act, under their own name
    decided = next(e for e in case["timeline"] if e["event"] == "Decision recorded")
    assert decided["by"] == "[panel member]"

    [complaint] = data["cases_as_complainant"]
    assert complaint["reference"] == sar.as_complainant.reference and complaint["respondent"] == "[the respondent]"
    assert complaint["allegations"][0]["particulars"] == "[the respondent] shouted at me <b>loudly</b>."
    # The respondent's side stays out: no reasons, findings, suspensions or what the timeline says.
    assert not {"decisions", "interim_suspensions", "triage", "notice"} & set(complaint)
    assert all(set(e) == {"at", "event", "stage_from", "stage_to"} for e in complaint["timeline"])

    actions = {e["action"] for e in data["audit_log"]}
    assert {"evidence.added", "subject_access.requested"} <= actions
    assert all(e["by"] in ("[staff]", "Margaret Peabody", "[another member]") for e in data["audit_log"])
    assert [r["id"] for r in data["subject_access_requests"]] == [request.pk]
    assert data["request"]["due_on"] == "2026-05-01"


def test_the_dpo_extends_a_request_once_with_reasons_within_the_month(sar):
    request = request_subject_access(sar.subject, sar.org.users["mp"], now=later(29))  # due 30 April 2026
    with pytest.raises(ActionRefused, match="only the data protection officer"):
        extend_subject_access(request, sar.org.users["officer"], extend_to=date(2026, 6, 30), reason="Many cases.")
    with pytest.raises(ActionRefused, match="at most two further months, to 2026-06-30"):
        extend_subject_access(request, sar.org.users["dpo"], extend_to=date(2026, 7, 1), reason="Many cases.")
    request.refresh_from_db()
    assert request.extended_to is None
    extend_subject_access(
        request, sar.org.users["dpo"], extend_to=date(2026, 6, 30), reason="Many cases.", now=later(40)
    )
    request.refresh_from_db()
    assert (request.extended_to, request.extension_reason) == (date(2026, 6, 30), "Many cases.")
    assert AuditEvent.objects.get(action="subject_access.extended").subject_member_ids == [sar.subject.pk]
    with pytest.raises(ActionRefused, match="already extended to 2026-06-30"):
        extend_subject_access(request, sar.org.users["dpo"], extend_to=date(2026, 6, 1), reason="Again.")
    data = data_of(open_zip(export_subject_access(request, sar.org.users["dpo"], now=later(41))))
    assert data["request"]["extended_to"] == "2026-06-30"
    assert data["subject_access_requests"][0]["extension_reason"] == "Many cases."


def test_the_members_own_special_category_data_is_included_and_nobody_elses(sar):
    dpo = sar.org.users["dpo"]
    for key, value in (("mp", "Green Party"), ("respondent", "Liberal Democrats")):
        record_special_category(
            sar.org.members[key],
            dpo,
            category="political_opinion",
            value=value,
            purpose="Fairness monitoring of decisions",
            condition="art9_2_d",
            now=later(5),
        )
    _, archive = export(sar)
    [entry] = data_of(open_zip(archive))["special_category_data"]
    assert (entry["category"], entry["value"]) == ("Political opinions", "Green Party")
    assert entry["condition"].startswith("Art. 9(2)(d)")
    assert "Liberal Democrats" not in b"".join(open_zip(archive).values()).decode(errors="replace")
    exported = AuditEvent.objects.get(action="subject_access.exported")
    assert exported.data["special_categories"] == ["political_opinion"]
    assert "Green" not in str(exported.data) and "Green" not in exported.summary


def test_the_manifest_lists_every_file_with_its_hash(sar):
    _, archive = export(sar)
    files = open_zip(archive)
    manifest = json.loads(files.pop("manifest.json"))
    assert {f["path"] for f in manifest["files"]} == set(files)
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(files[entry["path"]]).hexdigest()
        assert entry["size"] == len(files[entry["path"]])


def test_nobody_else_is_named_and_the_report_is_escaped(sar):
    _, archive = export(sar)
    files = open_zip(archive)
    others = set(NAMES.values()) - {"Margaret Peabody"} | {"Dana Protheroe", "Oscar Fairweather"}
    emails = {m.email for m in Member.objects.exclude(pk=sar.subject.pk)}
    for name in ("data.json", "report.html", "manifest.json"):
        text = files[name].decode()
        assert names_found(text, others) == set(), name
        assert not [e for e in emails if e in text], name
    report = files["report.html"].decode()
    assert "<h1>Your personal data</h1>" in report and "Margaret Peabody" in report
    assert "shouted at me &lt;b&gt;loudly&lt;/b&gt;" in report and "<b>loudly" not in report
    assert "<script" not in report
    # Nothing links out or loads from elsewhere; the only web address is the portal's, as text in an email's words.
    assert not re.search(r"""(?:href|src)\s*=\s*["']?https?:|url\(\s*["']?https?:""", report)
    portal = f"http://127.0.0.1:8000/portal/cases/{sar.as_respondent.reference}/"
    assert set(re.findall(r"https?://\S+", report)) == {portal}


def test_the_answer_is_recorded_with_the_hash_of_what_was_handed_over(sar):
    request, archive = export(sar, days=31)
    request.refresh_from_db()
    assert request.fulfilled_at == later(31)
    assert request.export_sha256 == hashlib.sha256(archive).hexdigest()
    entry = AuditEvent.objects.get(action="subject_access.exported")
    assert entry.actor_user_id == sar.org.users["dpo"].pk and entry.subject_member_ids == [sar.subject.pk]
    assert entry.data["sha256"] == request.export_sha256
    assert entry.data["files_withheld"] == 1 and len(entry.data["evidence_files"]) == 2
    # The log names what was done, never whose data it was.
    assert "Margaret" not in entry.summary and "Peabody" not in entry.summary


def test_the_member_may_ask_for_their_own_data_and_nobody_else_may(sar):
    request, archive = export(sar, user_key="mp")
    assert data_of(open_zip(archive))["profile"]["membership_number"] == sar.subject.membership_number
    before = (SubjectAccessRequest.objects.count(), AuditEvent.objects.count())
    for key in ("respondent", "panellist", "officer", "oversight"):
        with pytest.raises(ActionRefused, match="only the member themselves or the data protection officer"):
            request_subject_access(sar.subject, sar.org.users[key], now=later(31))
        with pytest.raises(ActionRefused, match="only the member themselves or the data protection officer"):
            export_subject_access(request, sar.org.users[key], now=later(31))
    assert (SubjectAccessRequest.objects.count(), AuditEvent.objects.count()) == before


def test_the_command_records_the_request_and_writes_the_zip(sar, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    call_command("sar", sar.subject.membership_number, "--by", "dpo")
    [written] = list(tmp_path.glob("sar-*.zip"))
    assert written.name.startswith(f"sar-{sar.subject.membership_number}-") and written.stat().st_mode & 0o077 == 0
    out = capsys.readouterr().out
    assert f"Wrote {written.name}" in out and "due" in out
    request = SubjectAccessRequest.objects.get()
    assert request.requested_by == User.objects.get(username="dpo")
    assert request.export_sha256 == hashlib.sha256(written.read_bytes()).hexdigest()
    assert data_of(open_zip(written.read_bytes()))["profile"]["name"] == "Margaret Peabody"

    chosen = tmp_path / "out" / "answer.zip"
    chosen.parent.mkdir()
    call_command("sar", sar.subject.membership_number, "--output", str(chosen))
    assert chosen.exists() and SubjectAccessRequest.objects.count() == 2
    # Without --by, the log names the command line as the actor.
    last = AuditEvent.objects.filter(action="subject_access.exported").latest("pk")
    assert last.actor_user_id is None and last.actor_label.startswith("command line (")
    with pytest.raises(CommandError, match="already exists"):
        call_command("sar", sar.subject.membership_number, "--output", str(chosen))
    assert SubjectAccessRequest.objects.count() == 2


def test_the_command_refuses_an_unknown_member_or_user_and_writes_nothing(sar, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match="no member has membership number 'M9999'") as refused:
        call_command("sar", "M9999")
    assert refused.value.returncode == 1
    with pytest.raises(CommandError, match="no user is called 'nobody'"):
        call_command("sar", sar.subject.membership_number, "--by", "nobody")
    assert list(tmp_path.iterdir()) == [tmp_path / "evidence"]
    assert not SubjectAccessRequest.objects.exists()


def test_the_real_command_exits_non_zero_for_an_unknown_member(tmp_path):
    env = cli_env(tmp_path / "data")
    migrate = subprocess.run([*FAIRHEARING, "manage", "migrate", "--verbosity", "0"], env=env, check=False)
    assert migrate.returncode == 0
    result = subprocess.run(
        [*FAIRHEARING, "sar", "M404"], env=env, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "no member has membership number 'M404'; nothing was written" in result.stderr
    assert not list(tmp_path.glob("*.zip"))
