"""A case about the MP taken through every step that emails someone, with words no email may repeat."""

from __future__ import annotations

from datetime import date, timedelta

from fairhearing.cases import services
from fairhearing.cases.models import Case, CaseSource, ComplainantKind
from fairhearing.procedure import workflow as wf
from tests.cases.organisation import START, Org, investigate

# Words that are in the case file and must never be in an email: particulars, evidence, reasons, the response.
SECRETS = {
    "particulars": "Particulars-7f3a: abusive messages sent to the branch secretary on 3 February.",
    "evidence": "Evidence-91c2: transcript of the messages in the branch group chat.",
    "suspension": "Suspension-reasons-55d1: threats were made to witnesses.",
    "proportionality": "Proportionality-2b8e: nothing less protects them.",
    "restricts": "Restricts-0c4d: attending branch meetings.",
    "lift": "Lift-reasons-a61f: the witnesses have given their statements.",
    "response": "Response-e3b9: I deny sending any of it.",
    "findings": "Finding-reasons-4d7c: proven on the messages.",
    "appeal": "Appeal-reasons-b2e0: a warning suffices.",
}
RESPONDENT_EMAIL = "mp@members.example.org"
COMPLAINANT_EMAIL = "complainant@members.example.org"


def later(days: int):
    return START + timedelta(days=days)


def with_addresses(org: Org) -> Org:
    for key, address in (("mp", RESPONDENT_EMAIL), ("complainant", COMPLAINANT_EMAIL)):
        org.members[key].email = address
        org.members[key].save(update_fields=["email"])
    return org


def open_mp_case(org: Org, **overrides) -> Case:
    args = {
        "user": org.users["officer"],
        "respondent": org.members["mp"],
        "allegations": [services.AllegationInput("2.2", SECRETS["particulars"], date(2026, 2, 3))],
        "source": CaseSource.EMAIL,
        "complainant_kind": ComplainantKind.MEMBER,
        "complainant_member": org.members["complainant"],
        "now": START,
    }
    return services.open_case(**(args | overrides))


def to_notice(org: Org, case: Case) -> Case:
    """Investigated (days 1-2) and the notice issued on day 3, 5 March 2026: the response is due on 19 March."""
    investigate(org, case, later(2))
    evidence = org.evidence(case, text=SECRETS["evidence"])
    services.issue_notice(case, org.users["officer"], evidence={case.allegations.get().pk: {evidence.pk}}, now=later(3))
    return case


def suspend(org: Org, case: Case, days: int = 3) -> None:
    services.impose_interim_suspension(
        case,
        org.users["officer"],
        criterion="risk to witnesses",
        reasons=SECRETS["suspension"],
        proportionality=SECRETS["proportionality"],
        restricts=SECRETS["restricts"],
        review_by=date(2026, 3, 20),
        now=later(days),
    )


def to_decision_notified(org: Org, case: Case) -> Case:
    """From a served notice: response, panel, hearing, decision, notified on day 24 (26 March; appeal by 16 April)."""
    services.record_response(case, org.users["mp"], response=SECRETS["response"], now=later(10))
    services.form_panel(case, org.users["body_officer"], members=org.seats["ndp"][:3], now=later(11))
    services.schedule_hearing(case, org.users["body_officer"], hearing_on=date(2026, 3, 25), now=later(12))
    evidence = case.evidence.get()
    finding = [wf.Finding(case.allegations.get().pk, True, SECRETS["findings"], frozenset({evidence.pk}))]
    services.record_decision(
        case,
        org.users["panellist"],
        findings=finding,
        sanction="final-warning",
        culpability="B",
        harm="2",
        now=later(23),
    )
    services.notify_decision(case, org.users["officer"], now=later(24))
    return case


def whole_journey(org: Org) -> Case:
    case = open_mp_case(org)
    investigate(org, case, later(2))
    suspend(org, case)
    evidence = org.evidence(case, text=SECRETS["evidence"])
    services.issue_notice(case, org.users["officer"], evidence={case.allegations.get().pk: {evidence.pk}}, now=later(3))
    services.lift_interim_suspension(case, org.users["officer"], reasons=SECRETS["lift"], now=later(5))
    to_decision_notified(org, case)
    services.lodge_appeal(case, org.users["mp"], grounds={"disproportionate"}, now=later(30))
    services.form_appeal_panel(case, org.users["appeals_officer"], members=org.seats["appeals"][:3], now=later(31))
    services.record_appeal_decision(
        case,
        org.users["appeal_panellist"],
        result=wf.AppealResult.VARIED,
        reasons=SECRETS["appeal"],
        sanction="warning",
        now=later(40),
    )
    services.close_case(case, org.users["officer"], now=later(41))
    return case
