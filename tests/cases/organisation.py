"""A small organisation in the database: two regions, members, bodies with trained panels, staff of each role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.accounts.roles import Role
from fairhearing.accounts.services import create_user
from fairhearing.cases.models import Case, EvidenceItem, EvidenceKind
from fairhearing.evidence.services import add_evidence
from fairhearing.organisation.models import Body, Branch, Member, OfficeHolding, PanelMember, Region
from fairhearing.organisation.services import load_rulebook_version
from fairhearing.procedure.admissibility import Facts, Provenance

TRAINED = date(2030, 12, 31)
START = timezone.make_aware(datetime(2026, 3, 2, 10, 0))


@dataclass
class Org:
    members: dict[str, Member]
    users: dict[str, User]
    seats: dict[str, list[PanelMember]]

    def evidence(self, case: Case, admitted: bool = True, **changes) -> EvidenceItem:
        """Evidence added through the evidence service: admissible as added, or (from monitoring) awaiting a ruling."""
        facts = Facts(provenance=Provenance.COMPLAINANT if admitted else Provenance.MONITORING)
        arguments = {
            "kind": EvidenceKind.TEXT,
            "description": "The messages complained of",
            "facts": facts,
            "text": "Transcript of the messages.",
            "now": START,
        }
        return add_evidence(case, self.users["officer"], **(arguments | changes))


def build_org(source: str) -> Org:
    north = Region.objects.create(code="north", name="North")
    south = Region.objects.create(code="south", name="South")
    branches = {
        "n1": Branch.objects.create(code="n1", name="North One", region=north),
        "s1": Branch.objects.create(code="s1", name="South One", region=south),
        "s2": Branch.objects.create(code="s2", name="South Two", region=south),
    }
    load_rulebook_version(source)
    members = {}
    for n, (key, branch) in enumerate(
        [("respondent", "n1"), ("complainant", "n1"), ("mp_neighbour", "s1"), ("mp", "s1"), ("investigator", "s2")]
        + [(f"ndp{i}", "s2") for i in range(5)]
        + [(f"app{i}", "s2") for i in range(4)]
    ):
        members[key] = Member.objects.create(
            membership_number=f"M{n:04d}", name=key.title(), branch=branches[branch], joined=date(2010, 1, 1)
        )
    OfficeHolding.objects.create(member=members["mp"], office="mp", since=date(2015, 5, 7))
    national = Body.objects.get(kind="national-disputes-panel")
    appeals = Body.objects.get(kind="appeals-panel")
    unit = Body.objects.get(kind="complaints-unit")
    seats = {
        "ndp": [
            PanelMember.objects.create(body=national, member=members[f"ndp{i}"], trained_until=TRAINED)
            for i in range(5)
        ],
        "appeals": [
            PanelMember.objects.create(body=appeals, member=members[f"app{i}"], trained_until=TRAINED) for i in range(4)
        ],
        "unit": [PanelMember.objects.create(body=unit, member=members["investigator"], trained_until=TRAINED)],
    }
    # The MP's neighbour sits on the national panel too, but shares the MP's branch.
    seats["ndp"].append(
        PanelMember.objects.create(body=national, member=members["mp_neighbour"], trained_until=TRAINED)
    )

    def user(name: str, roles: set[Role], member: Member | None = None) -> User:
        return create_user(username=name, password="a long test password", roles=roles, member=member)

    users = {
        "officer": user("officer", {Role.CASE_OFFICER}),
        "body_officer": user("body_officer", {Role.BODY_OFFICER}),
        "appeals_officer": user("appeals_officer", {Role.BODY_OFFICER}),
        "panellist": user("panellist", {Role.PANEL_MEMBER}, members["ndp0"]),
        "appeal_panellist": user("appeal_panellist", {Role.PANEL_MEMBER}, members["app0"]),
        "respondent": user("respondent", {Role.MEMBER}, members["respondent"]),
        "mp": user("mp", {Role.MEMBER}, members["mp"]),
        "oversight": user("oversight", {Role.OVERSIGHT_OFFICER}),
        "dpo": user("dpo", {Role.DATA_PROTECTION_OFFICER}),
        "complainant": user("complainant", {Role.MEMBER}, members["complainant"]),
    }
    seats["ndp"][0].user = users["panellist"]
    seats["ndp"][0].save()
    seats["appeals"][0].user = users["appeal_panellist"]
    seats["appeals"][0].save()
    # The appeals body's officer runs its queue from the fourth seat (so they can accept a late appeal).
    PanelMember.objects.filter(pk=seats["appeals"][3].pk).update(user=users["appeals_officer"], role="officer")
    # The national panel's officer runs its queue from its fifth seat: body officers see their own body's cases.
    PanelMember.objects.filter(pk=seats["ndp"][4].pk).update(user=users["body_officer"], role="officer")
    return Org(members, users, seats)


def investigate(org: Org, case: Case, at: datetime) -> Case:
    """Triage a received case (nothing needing interim action) and open its investigation, all at `at`."""
    from fairhearing.cases import services

    officer = org.users["officer"]
    services.begin_triage(case, officer, now=at)
    services.record_triage(
        case,
        officer,
        informal_resolution_suitable=False,
        interim_action_needed=False,
        protected_characteristics_involved=False,
        now=at,
    )
    services.open_investigation(case, officer, investigator=org.seats["unit"][0], now=at)
    return case
