"""Cases for the analysis tests, driven through the real services (as tests/cases/test_services.py does).

Dates are fixed from the small organisation's start (2 March 2026): a decided case about the MP heard by the
national disputes panel, a case dismissed at triage, and a case still open.
"""

from __future__ import annotations

from datetime import date, timedelta

from fairhearing.cases import services
from fairhearing.cases.models import Case, CaseSource, ComplainantKind, EvidenceItem
from fairhearing.organisation.models import PanelMember, PanelRole
from fairhearing.procedure import workflow as wf
from tests.cases.organisation import START, Org, investigate

PARTICULARS = "Abusive messages to branch members after the selection meeting."


def later(days: int):
    return START + timedelta(days=days)


def open_about(org: Org, who: str, particulars: str = PARTICULARS, clause: str = "2.2") -> Case:
    return services.open_case(
        user=org.users["officer"],
        respondent=org.members[who],
        allegations=[services.AllegationInput(clause, particulars, date(2026, 2, 1))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START,
    )


def heard(
    org: Org, *, chair: bool = True, particulars: str = PARTICULARS, who: str = "mp"
) -> tuple[Case, EvidenceItem]:
    """About the MP (or another office holder `who`): before the national disputes panel (its first three seats, the
    second chairing), the hearing fixed for 25 March 2026, nothing decided yet."""
    case = investigate(org, open_about(org, who, particulars), later(1))
    item = org.evidence(case)
    officer, body_officer = org.users["officer"], org.users["body_officer"]
    services.issue_notice(case, officer, evidence={case.allegations.get().pk: {item.pk}}, now=later(3))
    # A respondent with no account answers on paper, and the case officer records it.
    services.record_response(case, org.users.get(who, officer), response="I deny it.", now=later(10))
    seats = org.seats["ndp"][:3]
    if chair:
        PanelMember.objects.filter(pk=seats[1].pk).update(role=PanelRole.CHAIR)
    services.form_panel(case, body_officer, members=seats, now=later(11))
    services.schedule_hearing(case, body_officer, hearing_on=date(2026, 3, 25), now=later(12))
    return case, item


def decided(
    org: Org,
    *,
    sanction: str = "final-warning",
    departure_reason: str = "",
    chair: bool = True,
    proven: bool = True,
    particulars: str = PARTICULARS,
    who: str = "mp",
) -> Case:
    """Heard (above) and decided on the hearing day, day 23: culpability B and harm 2 (guideline: final warning,
    from warning to suspension)."""
    case, item = heard(org, chair=chair, particulars=particulars, who=who)
    services.record_decision(
        case,
        org.users["panellist"],
        findings=[wf.Finding(case.allegations.get().pk, proven, "On the messages.", frozenset({item.pk}))],
        sanction=sanction,
        culpability="B" if proven else "",
        harm="2" if proven else "",
        aggravating=["public-platform"] if proven else [],
        mitigating=["genuine-remorse"] if proven else [],
        departure_reason=departure_reason,
        now=later(23),
    )
    case.refresh_from_db()
    return case


def dismissed(org: Org) -> Case:
    """About the respondent (north), dismissed at triage on day 4."""
    case = open_about(org, "respondent", "Rude reply in a branch meeting.", clause="2.1")
    officer = org.users["officer"]
    services.begin_triage(case, officer, now=later(1))
    services.record_triage(
        case,
        officer,
        informal_resolution_suitable=False,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=later(2),
    )
    services.dismiss(case, officer, reasons="No case to answer.", now=later(4))
    case.refresh_from_db()
    return case
