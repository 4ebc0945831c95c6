"""Cases, evidence and staff for the retention, erasure, legal hold and special-category tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.cases import services
from fairhearing.cases.models import Case, CaseSource, ComplainantKind, EvidenceItem, EvidenceKind
from fairhearing.evidence import services as evidence
from fairhearing.procedure.admissibility import Facts, Provenance
from tests.cases.organisation import START, Org

SIX_YEARS = 2190
COMPLAINANT = Facts(provenance=Provenance.COMPLAINANT)


def later(days: int) -> datetime:
    return START + timedelta(days=days)


def staff(org: Org) -> None:
    """The data protection officer and an administrator, beside the staff the case tests use."""
    for name, role in (("dpo", Role.DATA_PROTECTION_OFFICER), ("admin", Role.ADMINISTRATOR)):
        if name not in org.users:
            org.users[name] = create_user(username=name, password="a long test password", roles={role})


def open_case(org: Org, *, respondent: str = "respondent", complainant: str | None = "complainant", **extra) -> Case:
    """A case in investigation, so that evidence can be added to it."""
    officer = org.users["officer"]
    args = {
        "user": officer,
        "respondent": org.members[respondent],
        "allegations": [services.AllegationInput("2.2", "Called the treasurer a thief at the AGM.", date(2026, 2, 1))],
        "source": CaseSource.EMAIL,
        "complainant_kind": ComplainantKind.MEMBER if complainant else ComplainantKind.NON_MEMBER,
        "complainant_member": org.members[complainant] if complainant else None,
        "complainant_name": "" if complainant else "Jo Outsider",
        "complainant_email": "" if complainant else "jo@outsider.example",
        "now": START,
    }
    case = services.open_case(**(args | extra))
    services.begin_triage(case, officer, now=START)
    services.record_triage(
        case,
        officer,
        informal_resolution_suitable=False,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=START,
    )
    return case


def investigate(org: Org, case: Case) -> Case:
    services.open_investigation(case, org.users["officer"], investigator=org.seats["unit"][0], now=later(1))
    return case


def add_text(org: Org, case: Case, text: str, *, upload: bytes | None = None, name: str = "note.txt") -> EvidenceItem:
    return evidence.add_evidence(
        case,
        org.users["officer"],
        kind=EvidenceKind.TEXT,
        description=f"Description of: {text}",
        facts=COMPLAINANT,
        text=text,
        upload=evidence.Upload(name, upload) if upload is not None else None,
        now=later(2),
    )


def withdraw(org: Org, case: Case, days: int = 10) -> Case:
    services.withdraw_case(
        case, org.users["officer"], reason="The complainant withdrew the complaint.", now=later(days)
    )
    case.refresh_from_db()
    return case


def dismiss(org: Org, case: Case, days: int = 3) -> Case:
    services.dismiss(case, org.users["officer"], reasons="The messages were not abusive.", now=later(days))
    case.refresh_from_db()
    return case


def blobs(vault_dir: Path) -> list[Path]:
    return sorted(p for p in vault_dir.rglob("*") if p.is_file()) if vault_dir.exists() else []
