"""Cases at each stage for the portal's tests, driven through the services as tests/cases/test_services.py does.

The portal works on today's date (it offers a reply or an appeal while the time for it runs), so these cases are
dated back from now rather than from a fixed day: `Journey(org, days_ago=40)` puts its first step 40 days ago.

The respondent is the `respondent` member (user `respondent`), the complainant the `complainant` member (user
`complainant`); the `mp` member is party to none of these, and is the outsider the access tests use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from fairhearing.cases import services
from fairhearing.cases.models import Case, CaseSource, ComplainantKind, EvidenceItem, EvidenceKind
from fairhearing.evidence.services import Upload, add_evidence
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.admissibility import Facts, Provenance
from tests.cases.organisation import Org

SERVED_FILE = b"Message sent to the branch list on the evening of the meeting, as forwarded by the complainant."
RESPONSE = "I accept I sent the message but I deny it was abusive; the branch minutes show the context."
FINDING_REASONS = "Proven: the message was abusive on its plain words."


@dataclass
class Journey:
    """One case, moved on step by step; each step is dated `days` after the start."""

    org: Org
    days_ago: int
    case: Case = field(init=False)
    served: EvidenceItem | None = None

    def __post_init__(self) -> None:
        self.start = timezone.now() - timedelta(days=self.days_ago)
        self.case = services.open_case(
            user=self.officer,
            respondent=self.org.members["respondent"],
            allegations=[
                services.AllegationInput(
                    "2.2",
                    "Sent an abusive message to the branch list about a fellow member.",
                    self.day(0).date() - timedelta(days=20),
                )
            ],
            source=CaseSource.EMAIL,
            complainant_kind=ComplainantKind.MEMBER,
            complainant_member=self.org.members["complainant"],
            now=self.day(0),
        )

    @property
    def officer(self):
        return self.org.users["officer"]

    def day(self, days: int) -> datetime:
        return self.start + timedelta(days=days)

    def date(self, days: int) -> date:
        return timezone.localdate(self.day(days))

    def refresh(self) -> Case:
        self.case.refresh_from_db()
        return self.case

    # -- the steps, in order ------------------------------------------------------------------------------------

    def triage(self) -> Journey:
        services.begin_triage(self.case, self.officer, now=self.day(0))
        return self

    def investigate(self) -> Journey:
        self.triage()
        services.record_triage(
            self.case,
            self.officer,
            informal_resolution_suitable=False,
            interim_action_needed=False,
            protected_characteristics_involved=False,
            now=self.day(0),
        )
        # The national panel has trained seats in tests.cases.organisation; the regional office has none.
        services.transfer_case(
            self.case,
            self.officer,
            to_body="national-disputes-panel",
            reason="The regional office has no panel free.",
            now=self.day(0),
        )
        services.open_investigation(self.case, self.officer, investigator=self.org.seats["unit"][0], now=self.day(0))
        return self

    def notice(self) -> Journey:
        self.investigate()
        self.served = add_evidence(
            self.case,
            self.officer,
            kind=EvidenceKind.DOCUMENT,
            description="The message as the complainant forwarded it",
            facts=Facts(provenance=Provenance.COMPLAINANT),
            upload=Upload("forwarded-message.txt", SERVED_FILE),
            now=self.day(1),
        )
        allegation = self.case.allegations.get()
        services.issue_notice(self.case, self.officer, evidence={allegation.pk: {self.served.pk}}, now=self.day(1))
        return self

    def respond(self) -> Journey:
        self.notice()
        services.record_response(self.case, self.org.users["respondent"], response=RESPONSE, now=self.day(5))
        return self

    def hearing(self) -> Journey:
        self.respond()
        body_officer = self.org.users["body_officer"]
        services.form_panel(self.case, body_officer, members=self.org.seats["ndp"][:3], now=self.day(6))
        # Well clear of the ten working days' notice, whatever bank holidays fall in between.
        services.schedule_hearing(self.case, body_officer, hearing_on=self.date(25), now=self.day(7))
        return self

    def decide(self) -> Journey:
        self.hearing()
        allegation = self.case.allegations.get()
        services.record_decision(
            self.case,
            self.org.users["panellist"],
            findings=[wf.Finding(allegation.pk, True, FINDING_REASONS, frozenset({self.served.pk}))],
            sanction="final-warning",
            culpability="B",
            harm="2",
            now=self.day(26),
        )
        return self

    def notify(self) -> Journey:
        self.decide()
        services.notify_decision(self.case, self.officer, now=self.day(27))
        return self

    def suspend(self, days: int, review_in: int = 20) -> Journey:
        services.impose_interim_suspension(
            self.case,
            self.officer,
            criterion="risk of further abuse of members",
            reasons="Further messages were sent after the complaint.",
            proportionality="Nothing less stops the messages.",
            restricts="Posting to branch mailing lists and attending branch meetings.",
            review_by=self.date(days + review_in),
            now=self.day(days),
        )
        return self
