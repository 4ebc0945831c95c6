"""A small organisation with real names, and one case each way round for the member whose data is asked for.

The subject is the MP of `tests.cases.organisation`: respondent in a decided case (with evidence served on them,
evidence kept back, evidence they supplied, a response and a decision), and complainant in another.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta

from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.cases import services
from fairhearing.cases.models import Case, CaseSource, ComplainantKind, EvidenceItem, EvidenceKind
from fairhearing.evidence.services import Upload, add_evidence
from fairhearing.organisation.models import Member
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.admissibility import Facts, Provenance
from tests.cases.organisation import START, Org, build_org

# Names that read as names, so a test can look for them in the export; each one is someone other than the subject.
NAMES = {
    "respondent": "Rhiannon Pryce",
    "complainant": "Colin Castlemaine",
    "mp": "Margaret Peabody",
    "mp_neighbour": "Neville Ashcombe",
    "investigator": "Imogen Strang",
    **{f"ndp{i}": n for i, n in enumerate(["Dora Quill", "Felix Umber", "Gwen Tallis", "Hal Brightwater", "Ida Fenn"])},
    **{f"app{i}": n for i, n in enumerate(["Arlo Vance", "Bea Tolland", "Cyrus Mapp", "Delia Ostrow"])},
}
SERVED_TEXT = b"Message from Colin Castlemaine to the branch: the messages I received are attached."
WITHHELD_TEXT = b"Statement of a witness who asked not to be named: Neville Ashcombe saw it too."
SUPPLIED_TEXT = b"My own account of the evening, written by me."


def later(days: int):
    return START + timedelta(days=days)


@dataclass
class SarCase:
    org: Org
    subject: Member
    as_respondent: Case
    as_complainant: Case
    served: EvidenceItem
    withheld: EvidenceItem
    supplied: EvidenceItem


def build_sar_case(source: str) -> SarCase:
    org = build_org(source)
    for key, name in NAMES.items():
        first, last = name.split()
        email = f"{first}.{last}@members.example.org".lower()
        Member.objects.filter(pk=org.members[key].pk).update(name=name, email=email)
        org.members[key].refresh_from_db()
    for user in org.users.values():
        if user.member_id:
            user.first_name, user.last_name = user.member.name.split()
            user.save(update_fields=["first_name", "last_name"])
    if "dpo" not in org.users:
        org.users["dpo"] = create_user(
            username="dpo", password="a long test password", roles={Role.DATA_PROTECTION_OFFICER}
        )
    # Staff with full names, so the test can see that staff are not named either.
    for key, (first, last) in {"dpo": ("Dana", "Protheroe"), "officer": ("Oscar", "Fairweather")}.items():
        org.users[key].first_name, org.users[key].last_name = first, last
        org.users[key].save(update_fields=["first_name", "last_name"])
    officer, body_officer = org.users["officer"], org.users["body_officer"]
    subject = org.members["mp"]

    case = services.open_case(
        user=officer,
        respondent=subject,
        allegations=[
            services.AllegationInput(
                "2.2",
                "Sent abusive messages to Colin Castlemaine, copied to dora.quill@members.example.org.",
                date(2026, 2, 1),
            )
        ],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=org.members["complainant"],
        now=START,
    )
    services.begin_triage(case, officer, now=later(1))
    services.record_triage(
        case,
        officer,
        informal_resolution_suitable=False,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=later(1),
    )
    services.open_investigation(case, officer, investigator=org.seats["unit"][0], now=later(2))
    complainant_facts = Facts(provenance=Provenance.COMPLAINANT)
    served = add_evidence(
        case,
        officer,
        kind=EvidenceKind.DOCUMENT,
        description="The complaint as Colin Castlemaine sent it",
        facts=complainant_facts,
        upload=Upload("castlemaine-complaint.txt", SERVED_TEXT),
        now=later(2),
    )
    withheld = add_evidence(
        case,
        officer,
        kind=EvidenceKind.WITNESS_STATEMENT,
        description="Statement of a witness",
        facts=complainant_facts,
        upload=Upload("witness.txt", WITHHELD_TEXT),
        now=later(2),
    )
    supplied = add_evidence(
        case,
        org.users["mp"],
        kind=EvidenceKind.DOCUMENT,
        description="The respondent's own account",
        facts=Facts(provenance=Provenance.RESPONDENT),
        upload=Upload("my-account.txt", SUPPLIED_TEXT),
        now=later(3),
    )
    allegation = case.allegations.get()
    services.issue_notice(case, officer, evidence={allegation.pk: {served.pk}}, now=later(3))
    services.record_response(
        case, org.users["mp"], response="I deny writing to Colin Castlemaine at all.", now=later(10)
    )
    services.form_panel(case, body_officer, members=org.seats["ndp"][:3], now=later(11))
    services.schedule_hearing(case, body_officer, hearing_on=date(2026, 3, 25), now=later(12))
    services.record_decision(
        case,
        org.users["panellist"],
        findings=[
            wf.Finding(allegation.pk, True, "Proven: Colin Castlemaine's account is credible.", frozenset({served.pk}))
        ],
        sanction="final-warning",
        culpability="B",
        harm="2",
        now=later(23),
    )
    services.notify_decision(case, officer, now=later(24))

    # The other way round: the MP complains about a branch member.
    other = services.open_case(
        user=officer,
        respondent=org.members["respondent"],
        allegations=[services.AllegationInput("2.2", "Rhiannon Pryce shouted at me <b>loudly</b>.", date(2026, 2, 3))],
        source=CaseSource.EMAIL,
        complainant_kind=ComplainantKind.MEMBER,
        complainant_member=subject,
        now=later(4),
    )
    services.begin_triage(other, officer, now=later(5))
    for item in (served, withheld, supplied):
        item.refresh_from_db()
    case.refresh_from_db()
    return SarCase(org, subject, case, other, served, withheld, supplied)


def open_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def data_of(files: dict[str, bytes]) -> dict:
    return json.loads(files["data.json"])


def names_found(text: str, names) -> set[str]:
    """Which of `names` occur in `text` as whole words, ignoring case (as the rule matches them)."""
    return {n for n in names if re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text, re.IGNORECASE)}
