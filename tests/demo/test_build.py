"""Building the demo organisation in the database, and the `demo` command around it."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from fairhearing import config
from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.accounts.two_factor import confirmed_device, needs_two_factor
from fairhearing.analysis.models import AnalysisRun
from fairhearing.audit.models import AuditEvent
from fairhearing.audit.verify import verify_log
from fairhearing.cases.models import (
    Case,
    Decision,
    DecisionKind,
    EvidenceItem,
    Finding,
    InterimSuspension,
    Provenance,
    TimelineEvent,
)
from fairhearing.demo.build import DemoExists, build_demo, read_logins
from fairhearing.demo.models import DemoBuild
from fairhearing.evidence.vault import default_vault
from fairhearing.organisation.models import Member, OfficeHolding, Region, RulebookVersion
from fairhearing.outbox.models import OutgoingEmail
from fairhearing.procedure.sanctions import may_impose
from fairhearing.procedure.stages import Stage
from fairhearing.transparency.models import Release

TODAY = date(2026, 11, 25)
SMALL = {"seed": 3, "today": TODAY, "members": 600, "cases": 80}


def snapshot() -> dict:
    """Everything the demo wrote, by natural keys (no primary keys, no password hashes)."""
    return {
        "members": list(
            Member.objects.order_by("membership_number").values_list(
                "membership_number", "name", "email", "branch__code", "status", "joined"
            )
        ),
        "offices": list(
            OfficeHolding.objects.order_by("member__membership_number", "office").values_list(
                "member__membership_number", "office", "since"
            )
        ),
        "cases": list(
            Case.objects.order_by("reference").values_list(
                "reference",
                "respondent__membership_number",
                "complainant_kind",
                "body__name",
                "routing_reason",
                "stage",
                "received_at",
                "outcome",
                "closed_at",
            )
        ),
        # Summaries name evidence items by id, and ids depend on the database's sequences, not on the seed.
        "events": sorted(
            (*row[:4], re.sub(r"[Ee]vidence item \d+", "evidence item N", row[4]))
            for row in TimelineEvent.objects.values_list("case__reference", "at", "kind", "actor_label", "summary")
        ),
        "decisions": list(
            Decision.objects.order_by("case__reference", "decided_at").values_list(
                "case__reference", "kind", "body__name", "sanction", "culpability", "harm", "reasons"
            )
        ),
        "panels": sorted(
            Decision.panel.through.objects.values_list("decision__case__reference", "panelmember__member__name")
        ),
        "users": sorted(User.objects.values_list("username", "member__membership_number")),
    }


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_builds_the_same_organisation(example_source):
    build_demo(example_source, **SMALL)
    first = snapshot()
    call_command("flush", interactive=False, verbosity=0)
    build_demo(example_source, **SMALL)
    assert snapshot() == first
    assert len(first["members"]) == 600 and len(first["cases"]) == 80


@pytest.mark.django_db
def test_demo_contents(example_source):
    plan, _ = build_demo(example_source, **SMALL)
    assert Region.objects.count() == len(plan.regions)
    assert set(Case.objects.values_list("stage", flat=True)) == {s.value for s in Stage}
    assert TimelineEvent.objects.filter(kind="opened").count() == 80
    assert InterimSuspension.objects.exists()
    # Every case's body is the instance for the respondent: a regional office in the respondent's own region.
    regional = Case.objects.filter(body__kind="regional-office").select_related("body", "respondent__branch")
    assert regional
    for case in regional:
        assert case.body.region_id == case.respondent.branch.region_id
    # Every hearing body that decided something has at least a quorum of seats, and the panel was quorate.
    rulebook = RulebookVersion.objects.get().rulebook
    for decision in Decision.objects.select_related("body").prefetch_related("panel"):
        spec = rulebook.body(decision.body.kind)
        assert may_impose(spec, rulebook, decision.sanction) or decision.kind == DecisionKind.APPEAL
        assert spec.quorum <= len(decision.panel.all()) <= spec.panel_size, decision
        # Nobody on the panel is a party to the case.
        assert decision.case.respondent_id not in {seat.member_id for seat in decision.panel.all()}
    assert Member.objects.filter(status="expelled").exists()
    assert DemoBuild.objects.get().seed == 3
    # The replayed history's notices are not waiting to be emailed years late to made-up addresses.
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_demo_evidence_is_real_encrypted_files_with_rulings_where_the_rules_need_them(example_source):
    build_demo(example_source, **SMALL)
    vault = default_vault()
    items = list(EvidenceItem.objects.select_related("stored_file"))
    for item in items[:40]:
        assert hashlib.sha256(vault.get(item.stored_file.blob_name)).hexdigest() == item.sha256
    # Monitoring evidence was admitted only by the DPO, with reasons; some items still wait in the DPO's queue.
    monitored = [i for i in items if i.provenance == Provenance.MONITORING and i.admissibility == "admitted"]
    assert monitored and all(i.ruled_by and i.ruling_reason for i in monitored)
    assert EvidenceItem.objects.filter(admissibility="pending", attribution="anonymous").exists()
    # The whole history is on the audit log, signed, and verifies.
    result = verify_log()
    assert result.size == AuditEvent.objects.count() and result.checkpoints == 1
    assert AuditEvent.objects.filter(object_type="timeline_event").count() == TimelineEvent.objects.count()
    # Every proven finding cites evidence served with the notice.
    for finding in Finding.objects.filter(proven=True).prefetch_related("evidence"):
        assert finding.evidence.exists()


@pytest.mark.django_db
def test_the_pattern_is_in_the_database(example_source):
    build_demo(example_source, **SMALL)
    first_instance = Decision.objects.filter(kind=DecisionKind.FIRST_INSTANCE)
    # Ordinary members suspended for minor conduct, against a guideline that said at most a warning.
    harsh = first_instance.filter(
        case__respondent_offices=[], case__seriousness="minor", sanction="suspension", guideline_highest="warning"
    )
    # Senior office holders with serious or grave conduct, no action, against a guideline of suspension or more.
    graver = first_instance.filter(case__seriousness__in=["serious", "grave"], sanction="no-action").exclude(
        guideline_lowest__in=["", "no-action"]
    )
    # Offices are those held at the time of the conduct, as recorded on the case.
    lenient = [d for d in graver.select_related("case") if {"mp", "national-officer"} & set(d.case.respondent_offices)]
    assert harsh.count() >= 4
    assert len(lenient) >= 4
    # ...surrounded by many more ordinary decisions that sit inside their guideline range.
    rulebook = RulebookVersion.objects.get().rulebook
    within = [
        d
        for d in first_instance.exclude(culpability="")
        if rulebook.sanction_rank(d.guideline_lowest)
        <= rulebook.sanction_rank(d.sanction)
        <= rulebook.sanction_rank(d.guideline_highest)
    ]
    assert len(within) > 3 * (harsh.count() + len(lenient))


@pytest.mark.django_db
def test_staff_of_every_role_can_log_in_with_the_printed_passwords(example_source):
    _, logins = build_demo(example_source, **SMALL)
    roles_seen = set()
    for login in logins:
        # The lockout backend needs the request a sign-in comes with.
        user = authenticate(RequestFactory().post("/accounts/login/"), username=login.username, password=login.password)
        assert user is not None, login.username
        roles_seen |= user.roles()
        # ...and every staff account has its authenticator key already, so `demo-code` can stand in for the phone.
        assert (confirmed_device(user) is not None) == needs_two_factor(user), login.username
    assert roles_seen == set(Role)
    member = User.objects.get(username="member")
    assert Case.objects.filter(respondent=member.member).exclude(stage__in=["closed", "dismissed"]).exists()
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.get(username="caseofficer").is_staff  # the Django admin is for administrators only


@pytest.mark.django_db
def test_building_over_an_organisation_is_refused(example_source):
    build_demo(example_source, **SMALL)
    with pytest.raises(DemoExists):
        build_demo(example_source, **SMALL)


@pytest.mark.django_db(transaction=True)
def test_demo_command_builds_once_then_says_it_exists(capsys):
    call_command("demo", "--no-serve", "--members", "300", "--cases", "40", "--today", "2026-11-25")
    out = capsys.readouterr().out
    assert "Built in" in out and "admin" in out and "caseofficer" in out
    assert "Consistency analysis:" in out and AnalysisRun.objects.count() == 1  # the consistency page has a report
    # ...and the public statistics page has last year's transparency report.
    assert "Transparency report for 2025 published at /statistics/2025/" in out
    assert list(Release.objects.values_list("label", flat=True)) == ["2025"]
    assert "fairhearing demo-code USERNAME" in out  # staff need a code, and this is how the demo gives it
    logins = read_logins(config.data_dir() / "demo-logins.txt")
    assert {lg.username for lg in logins} >= {"admin", "caseofficer", "oversight", "dpo", "member"}
    assert (config.data_dir() / "demo-logins.txt").stat().st_mode & 0o077 == 0

    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "The demo already exists" in out
    assert logins[0].password in out  # the log-ins are shown again
    assert Member.objects.count() == 300

    call_command("demo", "--no-serve", "--reset", "--members", "200", "--cases", "30")
    assert Member.objects.count() == 200


@pytest.mark.django_db(transaction=True)
def test_reset_never_erases_an_organisation_that_is_not_a_demo(example_source):
    build_demo(example_source, **SMALL)
    DemoBuild.objects.all().delete()  # as if these were a real organisation's members
    with pytest.raises(CommandError, match="not a demo: refusing to erase it"):
        call_command("demo", "--no-serve", "--reset")
    assert Member.objects.count() == 600


@pytest.mark.django_db
def test_demo_refuses_sizes_too_small_to_be_useful_and_writes_nothing():
    with pytest.raises(CommandError, match="at least 100 members"):
        call_command("demo", "--no-serve", "--members", "10")
    assert not Member.objects.exists()
    assert not DemoBuild.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seed", "today"),
    # With seed 3 on 3 December a hearing falls to a body with nobody seated on it at all.
    [(1, TODAY), (6, TODAY), (3, date(2026, 12, 3))],
)
def test_the_smallest_demo_builds(example_source, seed, today):
    _, logins = build_demo(example_source, seed=seed, today=today, members=100, cases=20)
    assert {lg.username for lg in logins} >= {"member", "caseofficer"}
    assert set(Case.objects.values_list("stage", flat=True)) == {s.value for s in Stage}


@pytest.mark.django_db
def test_a_panel_chair_who_already_has_an_account_for_another_role_can_record_the_decision(example_source):
    # With this seed the body officer chairs a hearing: their account gains the panel member role it needs.
    build_demo(example_source, seed=3, today=TODAY, members=300, cases=40)
    officer = User.objects.get(username="bodyofficer")
    assert officer.roles() >= {Role.BODY_OFFICER, Role.PANEL_MEMBER}
    assert Decision.objects.filter(panel__user=officer).exists()
