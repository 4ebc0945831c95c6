"""Every procedure action as a page: the whole journey through the forms, and refusals that change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages

from fairhearing.cases import services
from fairhearing.cases.actions.registry import FORMS
from fairhearing.cases.models import Decision, DecisionKind, InterimSuspension
from fairhearing.procedure.stages import Stage
from fairhearing.procedure.workflow import SYSTEM_ACTIONS, Action
from tests.cases.pages import (
    act_url,
    alert,
    before_the_hearing,
    get_as,
    investigating,
    later,
    noticed,
    post_as,
    snapshot,
)

pytestmark = pytest.mark.django_db


def done(response, case) -> str:
    """The action was taken: back on the case page, with the message saying so."""
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == f"/cases/{case.reference}/"
    # Earlier messages wait too, as no page showed them: this action's is the last.
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_every_action_people_take_has_a_page_and_the_scheduled_jobs_do_not():
    assert set(FORMS) == set(Action) - SYSTEM_ACTIONS


def test_the_whole_procedure_through_the_pages(client, org, clock):
    officer, body_officer = org.users["officer"], org.users["body_officer"]
    mp = org.members["mp"]
    form = {
        "respondent": mp.membership_number,
        "complainant_kind": "member",
        "complainant_member": org.members["complainant"].membership_number,
        "source": "email",
        "allegations-TOTAL_FORMS": "1",
        "allegations-INITIAL_FORMS": "0",
        "allegations-0-clause": "2.2",
        "allegations-0-particulars": "Abusive messages to branch members.",
        "allegations-0-conduct_date": "2026-02-01",
    }
    response = post_as(client, officer, "/cases/new/", form)
    case = mp.cases_as_respondent.get()
    assert "opened, with the National Disputes Panel" in done(response, case)
    allegation = case.allegations.get()

    # The case page offers each next step to the person whose step it is.
    page = get_as(client, officer, f"/cases/{case.reference}/").content.decode()
    assert f'action="{act_url(case, "begin_triage")}"' in page

    clock.day(1)
    assert done(post_as(client, officer, act_url(case, "begin_triage")), case) == "Triage begun."
    triage = {"informal_resolution_suitable": "no", "interim_action_needed": "no"}
    triage |= {"protected_characteristics_involved": "no"}
    assert done(post_as(client, officer, act_url(case, "record_triage"), triage), case) == "Triage recorded."
    clock.day(2)
    seat = org.seats["unit"][0]
    done(post_as(client, officer, act_url(case, "open_investigation"), {"investigator": seat.pk}), case)
    item = org.evidence(case)
    clock.day(3)
    done(post_as(client, officer, act_url(case, "issue_notice"), {f"a{allegation.pk}": [item.pk]}), case)
    clock.day(10)
    done(post_as(client, officer, act_url(case, "record_response"), {"response": "I deny it, on paper."}), case)

    clock.day(11)
    page = get_as(client, body_officer, f"/cases/{case.reference}/").content.decode()
    assert f'href="{act_url(case, "form_panel")}"' in page
    panel = {"members": [s.pk for s in org.seats["ndp"][:3]]}
    assert done(post_as(client, body_officer, act_url(case, "form_panel"), panel), case) == "Hearing panel formed."
    clock.day(12)
    done(post_as(client, body_officer, act_url(case, "schedule_hearing"), {"hearing_on": "2026-03-25"}), case)

    clock.day(23)
    decision = {
        f"a{allegation.pk}_proven": "yes",
        f"a{allegation.pk}_reasons": "Proven on the messages.",
        f"a{allegation.pk}_evidence": [item.pk],
        "culpability": "B",
        "harm": "2",
        "aggravating": ["repeated-conduct"],
        "mitigating": ["no-previous-findings"],
        "sanction": "final-warning",
    }
    panellist = org.users["panellist"]
    assert done(post_as(client, panellist, act_url(case, "record_decision"), decision), case) == "Decision recorded."
    clock.day(24)
    done(post_as(client, officer, act_url(case, "notify_decision")), case)
    clock.day(30)
    done(post_as(client, officer, act_url(case, "lodge_appeal"), {"grounds": ["disproportionate"]}), case)
    clock.day(31)
    appeal_panel = {"members": [s.pk for s in org.seats["appeals"][:3]]}
    done(post_as(client, org.users["appeals_officer"], act_url(case, "form_appeal_panel"), appeal_panel), case)
    clock.day(40)
    ruling = {"result": "varied", "reasons": "A warning suffices.", "sanction": "warning"}
    done(post_as(client, org.users["appeal_panellist"], act_url(case, "record_appeal_decision"), ruling), case)
    clock.day(41)
    assert done(post_as(client, officer, act_url(case, "close")), case) == "Case closed."

    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.outcome == "warning"
    first = Decision.objects.get(case=case, kind=DecisionKind.FIRST_INSTANCE)
    assert (first.culpability, first.harm, first.aggravating, first.mitigating) == (
        "B",
        "2",
        ["repeated-conduct"],
        ["no-previous-findings"],
    )
    assert first.findings.get().evidence.get() == item
    stages = [e.stage_to for e in case.timeline.order_by("at", "pk") if e.stage_to]
    assert stages == [
        "received",
        "triage",
        "investigation",
        "notice_issued",
        "response_received",
        "hearing",
        "decided",
        "appeal_window",
        "appeal_lodged",
        "appeal_decided",
        "closed",
    ]

    # The record shows it all: the guideline the decision was checked against, the appeal, the response.
    page = get_as(client, officer, f"/cases/{case.reference}/").content.decode()
    assert "Starting point Final warning; range Warning to Suspension from membership." in page
    assert "The sanction is within the range." in page
    assert "The sanction is disproportionate" in page and "I deny it, on paper." in page
    assert "Sanction varied" in page and "What you can do now" not in page


def test_forming_a_panel_with_a_conflicted_member_is_refused_with_the_reason(client, org, clock):
    case, _ = noticed(org)
    clock.day(4)
    neighbour = org.seats["ndp"][-1]  # sits on the national panel, in the MP's own branch
    url = act_url(case, "form_panel")
    form = get_as(client, org.users["body_officer"], url).content.decode()
    assert "may not sit: is in the same branch as the respondent" in form  # warned before choosing
    before = snapshot(case)
    response = post_as(
        client, org.users["body_officer"], url, {"members": [neighbour.pk, *(s.pk for s in org.seats["ndp"][1:3])]}
    )
    assert response.status_code == 400
    reasons = alert(response.content.decode())
    assert (
        f"Mp_Neighbour ({neighbour.member.membership_number}) cannot sit: is in the same branch as the respondent."
        in reasons
    )
    assert snapshot(case) == before and not case.sittings.exists()
    # The reason is on the field too, and the field says so to assistive technology.
    assert 'id="id_members_error"' in response.content.decode()


def _decision(case, item, sanction: str, **more) -> dict:
    allegation = case.allegations.get()
    return {
        f"a{allegation.pk}_proven": "yes",
        f"a{allegation.pk}_reasons": "Proven on the messages.",
        f"a{allegation.pk}_evidence": [item.pk],
        "culpability": "B",
        "harm": "2",
        "sanction": sanction,
    } | more


def test_a_decision_outside_the_guideline_needs_a_departure_reason(client, org, clock):
    case, item = before_the_hearing(org)
    clock.day(23)
    panellist, url = org.users["panellist"], act_url(case, "record_decision")
    before = snapshot(case)
    response = post_as(client, panellist, url, _decision(case, item, "advice"))
    assert response.status_code == 400
    assert (
        "Advice is outside the guideline range (Warning to Suspension from membership): a departure needs written "
        "reasons." in alert(response.content.decode())
    )
    assert snapshot(case) == before
    # The guideline is shown beside the form after the submit, with what it means for the chosen sanction.
    assert "starting point <strong>Final warning</strong>, range Warning to Suspension from membership" in (
        response.content.decode()
    )
    assert "Advice is outside this range" in response.content.decode()

    departure = "An isolated lapse, promptly and fully apologised for."
    response = post_as(client, panellist, url, _decision(case, item, "advice", departure_reason=departure))
    assert done(response, case) == "Decision recorded."
    decision = Decision.objects.get(case=case)
    assert (decision.sanction, decision.departure_reason, decision.guideline_lowest) == ("advice", departure, "warning")
    page = get_as(client, org.users["officer"], f"/cases/{case.reference}/").content.decode()
    assert "Outside the range" in page and departure in page


def test_decision_form_checks_the_length_of_a_suspension(client, org, clock):
    case, item = before_the_hearing(org)
    clock.day(23)
    url = act_url(case, "record_decision")
    response = post_as(client, org.users["panellist"], url, _decision(case, item, "suspension"))
    assert "Length in months: Give the length of the suspension from membership in months." in alert(
        response.content.decode()
    )
    response = post_as(client, org.users["panellist"], url, _decision(case, item, "warning", suspension_months="3"))
    assert "Warning has no length: leave the months empty." in alert(response.content.decode())
    response = post_as(client, org.users["panellist"], url, _decision(case, item, "suspension", suspension_months="6"))
    done(response, case)
    assert Decision.objects.get(case=case).suspension_months == 6


def test_a_decision_before_the_hearing_day_is_refused(client, org, clock):
    case, item = before_the_hearing(org)
    clock.day(20)
    before = snapshot(case)
    response = post_as(
        client, org.users["panellist"], act_url(case, "record_decision"), _decision(case, item, "warning")
    )
    assert response.status_code == 400
    assert "The hearing is not until 2026-03-25." in alert(response.content.decode())
    assert snapshot(case) == before


def test_the_guideline_preview_for_htmx(client, org, clock):
    case, _ = before_the_hearing(org)
    clock.day(23)
    url = f"/cases/{case.reference}/act/record_decision/guideline/?culpability=A&harm=1&sanction=final-warning"
    fragment = get_as(client, org.users["panellist"], url).content.decode()
    assert "starting point <strong>Expulsion</strong>, range Suspension from membership to Expulsion" in fragment
    assert "Final warning is outside this range" in fragment and "<html" not in fragment
    form = get_as(client, org.users["panellist"], act_url(case, "record_decision")).content.decode()
    assert f'hx-get="/cases/{case.reference}/act/record_decision/guideline/"' in form
    # Only those who may record the decision can ask.
    assert get_as(client, org.users["officer"], url).status_code == 404


def test_a_date_in_the_wrong_format_is_a_field_error_naming_the_field(client, org, clock):
    case, _ = noticed(org)
    services.record_response(case, org.users["mp"], response="No.", now=later(10))
    services.form_panel(case, org.users["body_officer"], members=org.seats["ndp"][:3], now=later(11))
    clock.day(12)
    before = snapshot(case)
    response = post_as(
        client, org.users["body_officer"], act_url(case, "schedule_hearing"), {"hearing_on": "next Tuesday"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    message = "The hearing date must be a date written as year-month-day, such as 2026-03-25."
    assert f'<a href="#id_hearing_on">Hearing date: {message}</a>' in page
    assert 'aria-describedby="id_hearing_on_helptext id_hearing_on_error"' in page
    assert 'aria-invalid="true"' in page
    assert snapshot(case) == before


def test_a_hearing_too_soon_after_the_notice_is_refused_on_the_date_field(client, org, clock):
    case, _ = noticed(org)
    services.record_response(case, org.users["mp"], response="No.", now=later(10))
    services.form_panel(case, org.users["body_officer"], members=org.seats["ndp"][:3], now=later(11))
    clock.day(12)
    before = snapshot(case)
    response = post_as(
        client, org.users["body_officer"], act_url(case, "schedule_hearing"), {"hearing_on": "2026-03-16"}
    )
    assert (
        "Hearing date: The hearing must be at least 10 working days after the notice: 2026-03-19 at the earliest."
        in alert(response.content.decode())
    )
    assert snapshot(case) == before


def test_an_action_at_the_wrong_stage_is_refused_and_changes_nothing(client, org, clock):
    case = investigating(org)
    clock.day(3)
    before = snapshot(case)
    response = post_as(client, org.users["officer"], act_url(case, "dismiss"), {"reasons": "Nothing in it."})
    assert response.status_code == 400
    assert "This cannot be done while the case is at the stage &#x27;investigation&#x27;." in alert(
        response.content.decode()
    )
    assert snapshot(case) == before
    # Pressing a single button twice: the second is refused with the reason.
    response = post_as(client, org.users["officer"], act_url(case, "begin_triage"))
    assert "This cannot be done while the case is at the stage" in alert(response.content.decode())
    assert snapshot(case) == before


def test_dismissing_before_the_triage_record_is_refused(client, org, clock):
    case = services.open_case(**_minor(org))
    services.begin_triage(case, org.users["officer"], now=later(1))
    clock.day(2)
    before = snapshot(case)
    response = post_as(client, org.users["officer"], act_url(case, "dismiss"), {"reasons": "No case."})
    assert "The triage record must first say whether informal resolution suits the case" in alert(
        response.content.decode()
    )
    assert snapshot(case) == before
    # Missing text is a field error, before the engine is even asked.
    response = post_as(client, org.users["officer"], act_url(case, "dismiss"), {"reasons": "  "})
    assert "Reasons: Write down why there is no case to answer." in alert(response.content.decode())
    triage = {"informal_resolution_suitable": "yes", "interim_action_needed": "yes"}
    triage |= {"protected_characteristics_involved": "no"}
    response = post_as(client, org.users["officer"], act_url(case, "record_triage"), triage)
    assert "Why interim action is needed: Why interim action is needed must be written down." in alert(
        response.content.decode()
    )
    triage["interim_action_reasons"] = "Witnesses were threatened."
    done(post_as(client, org.users["officer"], act_url(case, "record_triage"), triage), case)
    response = post_as(client, org.users["officer"], act_url(case, "dismiss"), {"reasons": "No case to answer."})
    assert done(response, case) == "Complaint dismissed."
    case.refresh_from_db()
    assert case.stage == Stage.DISMISSED


def _minor(org) -> dict:
    return {
        "user": org.users["officer"],
        "respondent": org.members["respondent"],
        "allegations": [services.AllegationInput("2.2", "Shouted at a meeting.", date(2026, 2, 1))],
        "source": "email",
        "complainant_kind": "member",
        "complainant_member": org.members["complainant"],
        "now": later(0),
    }


def test_interim_suspension_imposed_reviewed_and_lifted(client, org, clock):
    case = investigating(org)
    officer = org.users["officer"]
    clock.day(3)
    url = act_url(case, "impose_suspension")
    suspension = {
        "criterion": "Risk to witnesses",
        "reasons": "Threats were made to a witness.",
        "proportionality": "Nothing less protects the witness.",
        "restricts": "Attending branch meetings.",
        "review_by": "2026-05-01",
    }
    before = snapshot(case)
    response = post_as(client, officer, url, suspension)
    assert "Review by: The review date must be after today and no later than 2026-04-02 (28 days)." in alert(
        response.content.decode()
    )
    assert snapshot(case) == before
    suspension["review_by"] = "2026-03-20"
    assert done(post_as(client, officer, url, suspension), case) == "Interim suspension imposed (not a sanction)."

    # Past its review date, the record says the review is overdue; it is never a sanction.
    clock.day(19)
    page = get_as(client, officer, f"/cases/{case.reference}/").content.decode()
    assert "Not a sanction" in page and "review overdue by 1 day" in page
    assert f'href="{act_url(case, "review_suspension")}"' in page
    assert f'href="{act_url(case, "impose_suspension")}"' not in page

    clock.day(18)
    review = {"reasons": "The threats continue.", "review_by": "2026-04-10"}
    done(post_as(client, officer, act_url(case, "review_suspension"), review), case)
    assert InterimSuspension.objects.get(case=case).review_by == date(2026, 4, 10)
    clock.day(20)
    done(
        post_as(client, officer, act_url(case, "lift_suspension"), {"reasons": "The witness has given evidence."}), case
    )
    assert InterimSuspension.objects.get(case=case).lifted_at == later(20)
    page = get_as(client, officer, f"/cases/{case.reference}/").content.decode()
    assert "Lifted" in page and "The witness has given evidence." in page
    assert f'href="{act_url(case, "lift_suspension")}"' not in page


def test_transfer_and_withdraw(client, org, clock):
    case = investigating(org)
    officer = org.users["officer"]
    clock.day(3)
    url = act_url(case, "transfer")
    before = snapshot(case)
    response = post_as(client, officer, url, {"to_body": "appeals-panel", "reason": "Wrong body."})
    assert "Transfer to: Appeals Panel can neither triage, investigate nor hear." in alert(response.content.decode())
    response = post_as(client, officer, url, {"to_body": "nowhere", "reason": "Wrong body."})
    assert "Transfer to: Select a valid choice." in alert(response.content.decode())
    assert snapshot(case) == before
    response = post_as(
        client, officer, url, {"to_body": "constitutional-committee", "reason": "It may end in expulsion."}
    )
    assert done(response, case) == "Case transferred."
    case.refresh_from_db()
    assert case.body.kind == "constitutional-committee"
    response = post_as(client, officer, act_url(case, "withdraw"), {"reason": "The complainant withdrew."})
    assert done(response, case) == "Case withdrawn."
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.closure_reason == "Withdrawn: The complainant withdrew."


def test_a_panel_member_declares_their_own_conflict_and_loses_the_case(client, org, clock):
    case, _ = before_the_hearing(org)
    clock.day(13)
    panellist = org.users["panellist"]
    form = get_as(client, panellist, act_url(case, "declare_conflict")).content.decode()
    assert "Ndp0 (hearing panel)" in form
    conflict = {
        "panel_member": org.members["ndp0"].pk,
        "with_member": org.members["mp"].pk,
        "reason": "We campaigned together.",
    }
    response = post_as(client, panellist, act_url(case, "declare_conflict"), conflict)
    # Their own access ends with it, so they are not sent back to a page they can no longer open.
    assert response.status_code == 302 and response["Location"] == "/work/"
    assert case.declared_conflicts.get().reason == "We campaigned together."
    assert get_as(client, panellist, f"/cases/{case.reference}/").status_code == 404
    assert get_as(client, panellist, act_url(case, "record_decision")).status_code == 404
    # The body officer sees it on the record, and the panel must be formed again.
    page = get_as(client, org.users["body_officer"], f"/cases/{case.reference}/").content.decode()
    assert "Ndp0, with Mp, declared" in page and "We campaigned together." in page


def test_each_form_labels_every_field_and_has_no_inline_code(client, org, clock):
    from tests.cases.pages import inline_code, unlabelled_controls

    case, _ = before_the_hearing(org)
    clock.day(23)
    pages = {
        org.users["panellist"]: ["record_decision", "declare_conflict"],
        org.users["officer"]: ["impose_suspension", "withdraw", "transfer", "record_response", "lodge_appeal"],
        org.users["body_officer"]: ["form_panel", "schedule_hearing", "review_suspension"],
    }
    for user, actions in pages.items():
        for action in actions:
            response = get_as(client, user, act_url(case, action))
            assert response.status_code == 200, action
            page = response.content.decode()
            assert unlabelled_controls(page) == [], action
            assert inline_code(page) == [], action
    page = get_as(client, org.users["officer"], f"/cases/{case.reference}/").content.decode()
    assert inline_code(page) == []
