"""The national-size demo: older closed cases written in bulk (`demo.history`) stand as replayed ones do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from fairhearing.accounts.models import User
from fairhearing.audit.log import canonical_entry, record_timeline_event
from fairhearing.audit.models import AuditEvent
from fairhearing.audit.verify import verify_log
from fairhearing.cases.models import Case, DecisionKind, SearchTerm, TimelineEvent
from fairhearing.cases.search import terms_of
from fairhearing.demo.build import REPLAY_BUDGET, build_demo
from fairhearing.demo.history import closed_history
from fairhearing.demo.plan import NATIONAL_SIZE, RECENT, plan_demo
from fairhearing.organisation.models import RulebookVersion
from tests.signin import sign_in

TODAY = date(2026, 11, 25)
# Every closed case but the newest few in bulk: most of the history, and still a replayed recent past.
SMALL = {"seed": 3, "today": TODAY, "members": 400, "cases": 60, "replay_budget": 3}


class Rollback(Exception):
    pass


def _timeline(case: Case) -> list[tuple]:
    return list(case.timeline.values_list("at", "kind", "actor_label", "stage_from", "stage_to", "summary"))


@pytest.mark.django_db
def test_bulk_written_cases_are_their_plan_and_the_audit_log_verifies(example_source):
    plan, _ = build_demo(example_source, **SMALL)
    history, live = closed_history(plan.cases, SMALL["replay_budget"])
    assert len(history) > 30 and sum(not c.stage.is_open for c in live) == 3
    rulebook = RulebookVersion.objects.get().rulebook
    for spec in history:
        case = Case.objects.get(reference=spec.reference)
        # The timeline is the planned one, event for event, in order.
        planned = [(e.at, e.kind, e.actor, e.stage_from, e.stage_to, e.summary) for e in spec.events]
        assert _timeline(case) == sorted(planned, key=lambda e: e[0]), spec.reference
        assert (case.stage, case.outcome, case.closed_at, case.received_at, case.source) == (
            spec.stage.value,
            spec.outcome,
            spec.closed_at,
            spec.received_at,
            spec.source,
        )
        assert case.body.kind == spec.body_kind
        decisions = list(case.decisions.order_by("decided_at").prefetch_related("panel", "findings"))
        assert [(d.kind, d.sanction, d.decided_at, d.appeal_result) for d in decisions] == [
            (d.kind, d.sanction, d.decided_at, d.appeal_result) for d in spec.decisions
        ]
        for d in decisions:
            # Quorate, and nobody who is a party, investigated, or (on appeal) decided the case first.
            body = rulebook.body(d.body.kind)
            seats = {s.member_id for s in d.panel.all()}
            assert body.quorum <= len(seats) <= body.panel_size
            assert not seats & {case.respondent_id, case.complainant_member_id, case.investigator_id}
            if d.kind == DecisionKind.APPEAL:
                first = case.decisions.get(kind=DecisionKind.FIRST_INSTANCE)
                assert not seats & {s.member_id for s in first.panel.all()}
            else:
                # Every allegation has a finding, and a proven one cites evidence served with the notice.
                assert d.findings.count() == case.allegations.count()
                served = set(case.notice.evidence_relied_on.values_list("evidence_id", flat=True))
                for finding in d.findings.all():
                    cited = set(finding.evidence.values_list("pk", flat=True))
                    assert cited <= served and (cited or not finding.proven)
        # ...and search finds it by the same words as a case opened here (names, reference, allegations).
        assert set(SearchTerm.objects.filter(case=case).values_list("term", flat=True)) == terms_of(case)
    # The whole log verifies, and every timeline entry is on it once.
    result = verify_log()
    assert result.size == AuditEvent.objects.count() and result.checkpoints == 1
    assert AuditEvent.objects.filter(object_type="timeline_event").count() == TimelineEvent.objects.count()


@pytest.mark.django_db
def test_a_bulk_audit_entry_is_the_one_record_timeline_event_appends(example_source):
    plan, _ = build_demo(example_source, **SMALL)
    history, _ = closed_history(plan.cases, SMALL["replay_budget"])
    events = TimelineEvent.objects.filter(case__reference__in=[c.reference for c in history[:5]])
    assert events.count() > 20
    fields = ["at", "actor_user_id", "actor_label", "action", "object_type", "object_id", "case_reference"]
    fields += ["subject_member_ids", "summary", "data"]
    for event in events.select_related("case"):
        written = AuditEvent.objects.get(object_type="timeline_event", object_id=str(event.pk))
        try:
            with transaction.atomic():
                appended = record_timeline_event(event)  # as if the service had written the event now
                fresh = AuditEvent.objects.get(pk=appended.pk)
                raise Rollback
        except Rollback:
            pass
        assert [getattr(written, f) for f in fields] == [getattr(fresh, f) for f in fields]
        # The leaf hashes the same entry, its index apart.
        fresh.index = written.index
        assert canonical_entry(fresh) == canonical_entry(written)
    assert verify_log().size == AuditEvent.objects.count()


@pytest.mark.django_db
def test_a_bulk_written_case_shows_on_its_page_and_in_the_case_list(example_source):
    plan, _ = build_demo(example_source, **SMALL)
    history, _ = closed_history(plan.cases, SMALL["replay_budget"])
    spec = next(c for c in history if any(d.kind == DecisionKind.APPEAL for d in c.decisions))
    case = Case.objects.get(reference=spec.reference)
    client = sign_in(Client(), User.objects.get(username="caseofficer"))
    page = client.get(reverse("cases:case", args=[case.reference]))
    assert page.status_code == 200
    text = page.content.decode()
    assert case.reference in text and spec.events[-1].summary in text
    listed = client.get(reverse("workspace:case_list"), {"q": case.respondent.name, "stage": "closed"})
    assert listed.status_code == 200 and case.reference in listed.content.decode()


def test_the_default_demo_is_replayed_whole(example_rulebook):
    plan = plan_demo(example_rulebook, seed=1, today=TODAY, members=5000, cases=300)
    history, live = closed_history(plan.cases, REPLAY_BUDGET)
    assert history == [] and len(live) == 300


def test_at_national_size_only_last_years_cases_are_still_open(example_rulebook):
    cases = NATIONAL_SIZE
    plan = plan_demo(example_rulebook, seed=2, today=TODAY, members=cases, cases=cases)
    last_year = [c for c in plan.cases if c.received_at.date() > TODAY - RECENT]
    open_cases = [c for c in plan.cases if c.stage.is_open]
    # A complaint received years ago is not still open; the open caseload is a share of one year's intake.
    assert all(c.received_at.date() > TODAY - RECENT for c in open_cases)
    assert 0.05 * len(last_year) < len(open_cases) < 0.5 * len(last_year)
    assert {c.stage for c in open_cases} == {c.stage for c in plan.cases if c.stage.is_open} and len(open_cases) > 9
    # ...and intake goes on through the last year: recent cases have closed too, not only the open ones.
    assert sum(not c.stage.is_open for c in last_year) > len(open_cases)
    # Cases are received throughout the history, about as many in each year.
    first_year = [
        c for c in plan.cases if c.received_at.date() <= min(c.received_at for c in plan.cases).date() + RECENT
    ]
    assert len(first_year) > 0.5 * len(last_year)
    assert all(c.closed_at is None or c.closed_at.date() < TODAY + timedelta(days=1) for c in plan.cases)
