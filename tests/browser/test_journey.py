"""The whole procedure in Chromium, through the real pages only: a complaint about an MP from intake to the appeal
decision, each person signing in through the form (staff with their one-time code) and acting through the page
their step offers, with axe-core (WCAG 2.2 A/AA) on every page visited and a numbered screenshot of each key page.

People take turns in one browser window, signing out with the header's Sign out button before the next signs in,
so the CSP watcher of the `page` fixture sees every page of the journey. The procedure runs on dates (a hearing at
least ten working days after the notice, a decision only on the hearing day), so the clock of tests.cases.pages is
moved between people: the live server runs in a thread of this process and reads the same patched
`timezone.now`. It moves only while nobody is signed in, as a jump of days would end a session for being idle.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from fairhearing.accounts.models import User
from fairhearing.cases.models import Case
from fairhearing.organisation.models import Member
from tests.browser.support import DESKTOP, PHONE, check_accessibility, screenshot, sign_in_through_form
from tests.cases.organisation import START, Org, build_org
from tests.cases.pages import Clock

# A one-pixel PNG, the file the MP sends with the reply.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
PARTICULARS = "Sent abusive messages about a fellow member to the branch WhatsApp group."
EVIDENCE = "Transcript of the WhatsApp messages, as forwarded by the complainant"
REPLY = "I sent the messages but they were robust political debate, not abuse."
DEPARTURE = "An isolated lapse, promptly and fully apologised for to the member concerned."
APPEAL_REASONS = "The panel was entitled to find the messages abusive on their plain words."


@pytest.fixture
def org(settings, tmp_path, example_source: str) -> Org:
    # Evidence files (the reply's attachment) go to a vault of this test's own.
    settings.FAIRHEARING_EVIDENCE_DIR = tmp_path / "evidence"
    return build_org(example_source)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


class Journey:
    """The page, with the steps every person repeats: checking each page, screenshots in order, signing in and out."""

    def __init__(self, page: Page, clock: Clock) -> None:
        self.page = page
        self.clock = clock
        self.shots = 0

    def check(self) -> None:
        """Every page visited, in every state shown (a form, its refusal), is checked with axe."""
        check_accessibility(self.page)

    def shot(self, name: str) -> None:
        self.shots += 1
        screenshot(self.page, f"journey-{self.shots:02d}-{name}")

    def sign_in(self, user: User, next_path: str | None = None) -> None:
        sign_in_through_form(self.page, user, next_path=next_path)
        self.check()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        expect(self.page.get_by_role("link", name="Sign in")).to_be_visible()

    def at(self, when: datetime) -> None:
        """Move the clock; only between people (see the module's docstring)."""
        assert when >= self.clock.now, "the journey's clock only moves forwards"
        self.clock.now = when

    def case_page(self, case: Case) -> None:
        """Find the case as staff do: the header's Cases link, then the case in the list."""
        self.page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases", exact=True).click()
        self.check()
        self.page.get_by_role("table").get_by_role("link", name=case.reference).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(case.reference)
        self.check()

    def take(self, action: str) -> None:
        """Follow the case page's link to an action's form ('What you can do now'), headed as the link says."""
        self.page.get_by_role("region", name="What you can do now").get_by_role("link", name=action).click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(action)
        self.check()

    def submit(self, button: str, done: str) -> None:
        """Send the form; back on the case page, its message says the step was taken."""
        self.page.get_by_role("button", name=button, exact=True).click()
        expect(self.page.get_by_role("status")).to_contain_text(done)
        self.check()

    def refused(self, button: str, reason: str) -> Locator:
        """Send the form and see it refused: the error summary gives the engine's reason, and nothing changed."""
        self.page.get_by_role("button", name=button, exact=True).click()
        alert = self.page.get_by_role("alert")
        expect(alert).to_contain_text("Nothing has been changed.")
        expect(alert).to_contain_text(reason)
        self.check()
        return alert

    def field(self, label: str) -> Locator:
        """A field by its whole label, which Django's forms end with a colon (a shorter label is often part of a
        longer one: "Reasons" of "Reasons for departing from the guideline")."""
        return self.page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))

    def fact(self, scope: Locator, term: str) -> Locator:
        """The value beside a term of a description list (<dt>term</dt><dd>value</dd>)."""
        return scope.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")

    def group(self, name: str | re.Pattern[str]) -> Locator:
        """A set of radios or checkboxes, by its legend (Django renders them as a fieldset)."""
        return self.page.get_by_role("group", name=name)

    def at_phone_size(self, name: str) -> None:
        """The page as it is now, again on a 390px phone: accessible, nothing wider than the screen."""
        self.page.set_viewport_size(PHONE)
        self.check()
        root = "document.documentElement"
        overflow = self.page.evaluate(f"() => {root}.scrollWidth - {root}.clientWidth")
        assert overflow <= 0, f"{self.page.url} is {overflow}px wider than a phone"
        screenshot(self.page, f"journey-{self.shots:02d}-{name}-390x844")
        self.page.set_viewport_size(DESKTOP)


@pytest.fixture
def journey(page: Page, clock: Clock) -> Journey:
    return Journey(page, clock)


def seat(member: Member) -> str:
    """How a panel seat's choice begins: the member's name and membership number (then expertise, training...)."""
    return f"{member.name} ({member.membership_number})"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_a_complaint_about_an_mp_from_intake_to_the_appeal_decision(journey: Journey, org: Org) -> None:
    page, users, members = journey.page, org.users, org.members
    mp, complainant = members["mp"], members["complainant"]

    # 1. The case officer records the complaint; the published rules send a complaint about an MP to the
    # national disputes panel, and the case page says why.
    journey.sign_in(users["officer"], next_path="/cases/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a case")
    page.get_by_label("Respondent's membership number").fill(mp.membership_number)
    journey.group("Who complains").get_by_label("A member", exact=True).check()
    page.get_by_label("Complainant's membership number").fill(complainant.membership_number)
    page.get_by_label("How the complaint came in").select_option(label="Email")
    page.get_by_label("Clause (allegation 1)").select_option(label="2.2 Abuse of fellow members")
    page.get_by_label("Particulars (allegation 1)").fill(PARTICULARS)
    page.get_by_label("Date of the conduct (allegation 1)").fill("2026-02-01")
    journey.shot("new-complaint")
    page.get_by_role("button", name="Open the case").click()
    expect(page.get_by_role("status")).to_contain_text("opened, with the National Disputes Panel.")
    case = Case.objects.get(respondent=mp)
    expect(page.get_by_role("heading", level=1)).to_have_text(case.reference)
    summary = page.get_by_role("region", name="Summary")
    expect(journey.fact(summary, "Body in charge")).to_have_text("National Disputes Panel")
    expect(journey.fact(summary, "Why this body")).to_contain_text("Complaints about Members of Parliament")
    expect(page.get_by_role("region", name="Parties")).to_contain_text("Member of Parliament")
    journey.check()
    journey.shot("case-opened")

    # 2. Triage: begun with a single button, then its record, which says interim action is needed.
    page.get_by_role("button", name="Begin triage").click()
    expect(page.get_by_role("status")).to_contain_text("Triage begun.")
    journey.check()
    journey.take("Record the triage")
    journey.group("Does informal resolution suit this case?").get_by_label("No").check()
    journey.group("Is interim action needed?").get_by_label("Yes").check()
    page.get_by_label("Why interim action is needed").fill("Branch members who may give evidence were contacted.")
    journey.group("Are protected characteristics involved?").get_by_label("No").check()
    journey.submit("Record the triage", "Triage recorded.")
    expect(page.get_by_role("region", name="Allegations")).to_contain_text("Interim action is needed")

    # 3. Evidence supplied by the complainant (admissible as added: no data protection ruling is needed), the
    # investigation, and an interim suspension, shown as a measure and not a sanction.
    page.get_by_role("link", name="Add evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Evidence in {case.reference}")
    journey.check()
    page.get_by_label("Kind of evidence").select_option(label="Text")
    page.get_by_label("Description").fill(EVIDENCE)
    journey.field("Text").fill("'Nobody in this branch can stand him; he should be run out.'")
    page.get_by_label("How it was obtained").select_option(label="Submitted by the complainant")
    page.get_by_label("Whose account it came from").select_option(label="Not an online account")
    page.get_by_label("Public or private").select_option(label="Not published content")
    journey.shot("add-evidence")
    page.get_by_role("button", name="Add evidence").click()
    item = case.evidence.get()
    expect(page.get_by_role("status")).to_have_text(f"Evidence item {item.pk} added: admissible as added.")
    expect(page.get_by_role("table")).to_contain_text("Admitted")
    journey.check()
    # The evidence page has no link back to the case; the header's Cases list leads there.
    journey.case_page(case)

    journey.take("Open the investigation")
    investigator = page.get_by_label("Investigator")
    option = investigator.locator("option", has_text=members["investigator"].membership_number)
    investigator.select_option(option.get_attribute("value"))
    journey.submit("Open the investigation", "Investigation opened.")
    expect(journey.fact(page.get_by_role("region", name="Summary"), "Investigator")).to_have_text(
        members["investigator"].name
    )

    review_by = START.date() + timedelta(days=28)  # the longest the example rulebook allows before a review
    journey.take("Impose an interim suspension")
    page.get_by_label("Criterion relied on").fill("A risk to witnesses")
    journey.field("Reasons").fill("Witnesses in the branch were contacted about the complaint.")
    page.get_by_label("Why suspension is proportionate").fill("Nothing less keeps the MP away from the witnesses.")
    page.get_by_label("Rights it restricts").fill("Attending branch meetings and contacting branch members.")
    page.get_by_label("Review by").fill(review_by.isoformat())
    journey.submit("Impose an interim suspension", "Interim suspension imposed (not a sanction).")
    suspension = page.get_by_role("region", name="Interim suspension")
    expect(suspension).to_contain_text("Not a sanction")
    expect(journey.fact(suspension, "Review by")).to_contain_text(long_date(review_by))
    journey.shot("interim-suspension")

    # 4. The notice, relying on the complainant's evidence for the allegation.
    journey.take("Issue the notice of allegations")
    journey.group("Evidence relied on for allegation 1").get_by_label(f"Item {item.pk}: {EVIDENCE}").check()
    journey.shot("notice")
    journey.submit("Serve the notice", "Notice served.")
    notice = page.get_by_role("region", name="Notice of allegations")
    response_due = START.date() + timedelta(days=14)
    expect(notice).to_contain_text(f"Served {long_date(START.date())}")
    expect(notice).to_contain_text(f"may answer until {long_date(response_due)}")
    expect(notice).to_contain_text(f"Allegation 1 relies on: item {item.pk} ({EVIDENCE})")
    journey.sign_out()

    # 5. The MP (a member: no code) sees the case in the portal with what to do by when, and replies with a file.
    journey.at(START + timedelta(days=3))
    journey.sign_in(users["mp"])
    expect(page).to_have_url(re.compile(r"/portal/$"))
    listed = page.locator(".portal-case", has=page.get_by_role("link", name=f"Case {case.reference}"))
    expect(listed).to_contain_text("the respondent")
    expect(listed).to_contain_text(long_date(response_due))
    journey.shot("portal")
    page.get_by_role("link", name=f"Case {case.reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(page.get_by_role("region", name="What happens next")).to_contain_text(long_date(response_due))
    expect(page.get_by_role("region", name="Interim suspension")).to_contain_text("Not a sanction")
    journey.check()
    journey.shot("portal-case")
    journey.at_phone_size("portal-case")
    page.get_by_role("link", name="Reply to the allegations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reply to the allegations")
    journey.check()
    page.get_by_label("Your reply to the allegations").fill(REPLY)
    page.get_by_label("File 1", exact=True).set_input_files(
        files=[{"name": "apology.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_label("What file 1 is").fill("My apology in the same group")
    journey.shot("portal-reply")
    page.get_by_role("button", name="Send my reply").click()
    expect(page.get_by_role("status")).to_contain_text("Your reply with 1 file was received.")
    expect(page.get_by_role("heading", name="Your reply")).to_be_visible()
    expect(page.locator("blockquote")).to_have_text(REPLY)
    expect(page.get_by_role("list", name="Evidence")).to_contain_text("My apology in the same group")
    journey.check()
    journey.sign_out()

    # 6. The national panel's officer forms the panel: the MP's branch neighbour is refused with the engine's
    # reason, three unconflicted trained members are accepted. Then the hearing, on the earliest day allowed.
    journey.at(START + timedelta(days=4))
    journey.sign_in(users["body_officer"])
    journey.case_page(case)
    journey.take("Form the hearing panel")
    panel = journey.group("Members of the panel")
    neighbour = members["mp_neighbour"]
    expect(panel).to_contain_text("may not sit: is in the same branch as the respondent")
    for key in ("mp_neighbour", "ndp1", "ndp2"):
        panel.get_by_label(seat(members[key])).check()
    journey.refused(
        "Form the hearing panel",
        f"{neighbour.name} ({neighbour.membership_number}) cannot sit: is in the same branch as the respondent.",
    )
    expect(page.get_by_label(seat(neighbour))).to_be_checked()
    journey.shot("panel-refused")
    assert not case.sittings.exists()
    panel.get_by_label(seat(neighbour)).uncheck()
    panel.get_by_label(seat(members["ndp0"])).check()
    journey.submit("Form the hearing panel", "Hearing panel formed.")
    panels = page.get_by_role("region", name="Panels")
    for key in ("ndp0", "ndp1", "ndp2"):
        expect(panels).to_contain_text(f"{members[key].name} ({members[key].membership_number})")
    expect(panels).not_to_contain_text(neighbour.name)

    journey.take("Schedule the hearing")
    # The form says the earliest date the notice allows; the officer takes it.
    help_text = re.search(r": (\d+ \w+ \d{4}) at the earliest", page.locator("#id_hearing_on_helptext").inner_text())
    assert help_text, "the hearing date's help text gives no earliest date"
    earliest = datetime.strptime(help_text.group(1), "%d %B %Y").date()
    page.get_by_label("Hearing date").fill(earliest.isoformat())
    journey.submit("Schedule the hearing", "Hearing scheduled.")
    expect(journey.fact(page.get_by_role("region", name="Summary"), "Hearing")).to_have_text(long_date(earliest))
    journey.shot("hearing-scheduled")
    journey.sign_out()

    # 7. On the hearing day the panellist records the decision: a sanction below the guideline's range is refused
    # without reasons for the departure, and recorded with them. The case officer sends it.
    journey.at(datetime.combine(earliest, START.timetz()))
    journey.sign_in(users["panellist"])
    journey.case_page(case)
    journey.take("Record the panel's decision")
    journey.group("Is allegation 1 proven?").get_by_label("Yes").check()
    page.get_by_label("Reasons for the finding on allegation 1").fill("The messages are abusive on their plain words.")
    journey.group("Evidence the finding on allegation 1 rests on").get_by_label(f"Item {item.pk}: {EVIDENCE}").check()
    journey.group("Culpability").get_by_label("B: Medium culpability").check()
    journey.group("Harm").get_by_label("2: Significant harm").check()
    journey.field("Sanction").select_option(label="Advice")
    # The guideline box follows the choices as they are made (htmx, within the CSP).
    guideline = page.locator("#guideline")
    expect(guideline).to_contain_text("range Warning to Suspension from membership")
    expect(guideline).to_contain_text("Advice is outside this range")
    journey.check()
    journey.refused(
        "Record the decision",
        "Advice is outside the guideline range (Warning to Suspension from membership): a departure needs written "
        "reasons.",
    )
    journey.shot("decision-refused")
    page.get_by_label("Reasons for departing from the guideline").fill(DEPARTURE)
    journey.submit("Record the decision", "Decision recorded.")
    decisions = page.get_by_role("region", name="Decisions")
    expect(decisions).to_contain_text("Outside the range")
    expect(decisions).to_contain_text(DEPARTURE)
    expect(decisions).to_contain_text(f"relies on item {item.pk}")
    journey.shot("decision-recorded")
    journey.sign_out()

    journey.at(journey.clock.now + timedelta(days=1))
    journey.sign_in(users["officer"])
    journey.case_page(case)
    page.get_by_role("button", name="Send the written decision").click()
    expect(page.get_by_role("status")).to_contain_text("Written decision sent; the appeal period has begun.")
    expect(journey.fact(page.get_by_role("region", name="Decisions"), "Written decision sent")).to_have_text(
        long_date(journey.clock.now.date())
    )
    journey.check()
    journey.sign_out()

    # 8. The MP appeals in the portal; the appeals panel's officer forms its panel; its member decides.
    journey.at(journey.clock.now + timedelta(days=5))
    journey.sign_in(users["mp"])
    page.get_by_role("link", name=f"Case {case.reference}").click()
    expect(page.get_by_role("region", name="What happens next")).to_contain_text("appeal")
    journey.check()
    page.get_by_role("link", name="Appeal the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appeal the decision")
    journey.check()
    journey.group("Your grounds of appeal").get_by_label(
        "The decision was one no reasonable panel could have reached on the evidence"
    ).check()
    page.get_by_label("Why you are appealing").fill("The messages were political debate, as my reply explained.")
    journey.shot("portal-appeal")
    page.get_by_role("button", name="Lodge my appeal").click()
    expect(page.get_by_role("status")).to_contain_text("Your appeal was lodged.")
    expect(page.get_by_role("main")).to_contain_text("to the Appeals Panel")
    journey.check()
    journey.sign_out()

    journey.at(journey.clock.now + timedelta(days=1))
    journey.sign_in(users["appeals_officer"])
    journey.case_page(case)
    appeal = page.get_by_role("region", name="Appeal", exact=True)
    expect(journey.fact(appeal, "Grounds")).to_have_text("The decision was unreasonable on the evidence")
    journey.take("Form the appeal panel")
    appeal_panel = journey.group("Members of the panel")
    for key in ("app0", "app1", "app2"):
        appeal_panel.get_by_label(seat(members[key])).check()
    journey.submit("Form the appeal panel", "Appeal panel formed.")
    expect(page.get_by_role("region", name="Panels")).to_contain_text("Appeal panel of the Appeals Panel")
    journey.sign_out()

    journey.at(journey.clock.now + timedelta(days=7))
    journey.sign_in(users["appeal_panellist"])
    journey.case_page(case)
    journey.take("Record the appeal decision")
    journey.group("Result").get_by_label("Appeal dismissed").check()
    journey.field("Reasons").fill(APPEAL_REASONS)
    journey.submit("Record the appeal decision", "Appeal decision recorded.")
    decisions = page.get_by_role("region", name="Decisions")
    expect(journey.fact(decisions, "Result")).to_have_text("Appeal dismissed")
    expect(decisions).to_contain_text(APPEAL_REASONS)
    journey.shot("appeal-decided")
    journey.at_phone_size("appeal-decided")
    journey.sign_out()
