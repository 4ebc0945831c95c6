"""A case under investigation and evidence added to it, shared by the evidence tests."""

from __future__ import annotations

from datetime import date, timedelta

from fairhearing.cases import services
from fairhearing.cases.models import CaseSource, ComplainantKind, EvidenceKind
from fairhearing.demo import files
from fairhearing.evidence import services as evidence
from fairhearing.procedure.admissibility import Attribution, Facts, Provenance, Visibility
from tests.cases.organisation import START

PNG = files.png(b"\x10\x20\x30")
PDF = files.pdf("Minutes", ["The meeting of 1 February 2026."])
SECRET_TEXT = b"The respondent wrote: meet me behind the branch office at nine"
COMPLAINANT = Facts(provenance=Provenance.COMPLAINANT)
MONITORED = Facts(
    provenance=Provenance.MONITORING,
    attribution=Attribution.VERIFIED,
    attribution_method="Profile photo matches the membership record",
    visibility=Visibility.PUBLIC,
    source_url="https://social.example.net/post/9",
    captured_on=date(2026, 3, 1),
    captured_by="Monitoring team",
    lawful_basis="Art. 9(2)(d)",
)


def later(days: int):
    return START + timedelta(days=days)


def open_case(org):
    case = services.open_case(
        user=org.users["officer"],
        respondent=org.members["mp"],
        allegations=[services.AllegationInput("2.2", "Abusive messages.", date(2026, 2, 1))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START,
    )
    services.begin_triage(case, org.users["officer"], now=START)
    services.record_triage(
        case,
        org.users["officer"],
        informal_resolution_suitable=False,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=START,
    )
    services.open_investigation(case, org.users["officer"], investigator=org.seats["unit"][0], now=later(1))
    return case


def add(org, case, name="screenshot.png", data=PNG, facts=COMPLAINANT, user="officer", **kwargs):
    return evidence.add_evidence(
        case,
        org.users[user],
        kind=EvidenceKind.SCREENSHOT,
        description="Screenshot of the post",
        facts=facts,
        upload=evidence.Upload(name, data),
        now=later(2),
        **kwargs,
    )
