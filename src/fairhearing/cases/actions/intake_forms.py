"""Triage, dismissal, investigation, the notice and the response: the case officer's actions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from fairhearing.accounts.models import User
from fairhearing.cases import services
from fairhearing.cases.actions.base import ActionForm, ConfirmForm, Section
from fairhearing.cases.actions.context import ActionContext
from fairhearing.cases.actions.fields import text, yes_no
from fairhearing.cases.actions.seats import seat_label
from fairhearing.cases.models import Admissibility, EvidenceItem
from fairhearing.organisation.models import PanelMember, PanelRole
from fairhearing.organisation.selectors import body_key
from fairhearing.procedure.rulebook import Power, Rulebook
from fairhearing.procedure.workflow import Action


class BeginTriageForm(ConfirmForm):
    action = Action.BEGIN_TRIAGE
    title = "Begin triage"
    done = "Triage begun."
    intro = "Triage decides whether the complaint goes to an investigation or is dismissed."

    def act(self, user: User) -> None:
        services.begin_triage(self.ctx.case, user)


class RecordTriageForm(ActionForm):
    action = Action.RECORD_TRIAGE
    title = "Record the triage"
    done = "Triage recorded."
    intro = "A case cannot leave triage until these three questions are answered."
    guard_fields = {"triage_reasons": "interim_action_reasons"}

    informal_resolution_suitable = yes_no("Does informal resolution suit this case?")
    interim_action_needed = yes_no(
        "Is interim action needed?", help_text="For example an interim suspension to protect a witness."
    )
    interim_action_reasons = text(
        "Why interim action is needed", required=False, help_text="Needed when interim action is needed."
    )
    protected_characteristics_involved = yes_no("Are protected characteristics involved?")

    def act(self, user: User) -> None:
        services.record_triage(self.ctx.case, user, **self.cleaned_data)


class DismissForm(ActionForm):
    action = Action.DISMISS
    title = "Dismiss the complaint"
    done = "Complaint dismissed."
    intro = "Dismissing closes the case with no case to answer. The reasons go on the record."
    guard_fields = {"reasons": "reasons"}

    reasons = text("Reasons", missing="Write down why there is no case to answer.")

    def act(self, user: User) -> None:
        services.dismiss(self.ctx.case, user, reasons=self.cleaned_data["reasons"])


def _investigators(ctx: ActionContext) -> QuerySet[PanelMember]:
    """Seats on the bodies that investigate, in the instance that acts for this respondent (their own region's
    office, say). Officers run a body's queue; they are not offered as investigators."""
    rb, respondent = ctx.rulebook, ctx.case.respondent
    where = Q(pk__in=[])
    for body in rb.bodies:
        if body.has(Power.INVESTIGATE):
            kind, region, branch = body_key(body.id, body.level, respondent)
            where |= Q(body__kind=kind, body__region_id=region, body__branch_id=branch)
    return (
        PanelMember.objects.filter(where, active=True)
        .exclude(role=PanelRole.OFFICER)
        .select_related("member", "body")
        .order_by("body__name", "member__name")
    )


class OpenInvestigationForm(ActionForm):
    action = Action.OPEN_INVESTIGATION
    title = "Open the investigation"
    done = "Investigation opened."
    guard_fields = {"investigator_trained": "investigator", "investigator_unconflicted": "investigator"}

    investigator = forms.ModelChoiceField(
        queryset=PanelMember.objects.none(),
        label="Investigator",
        help_text="Someone with an in-date training record, who is neither the respondent nor the complainant.",
        error_messages={"required": "Choose the investigator.", "invalid_choice": "Choose an investigator listed."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["investigator"]
        field.queryset = _investigators(self.ctx)
        roles = self.ctx.file.roles()
        # Only the parties conflict an investigator (the engine's rule); branch is no bar to investigating.
        field.label_from_instance = lambda seat: seat_label(
            seat, self.ctx.today, roles, (), same_branch=False, with_body=True
        )

    def act(self, user: User) -> None:
        services.open_investigation(self.ctx.case, user, investigator=self.cleaned_data["investigator"])


def evidence_choices(items: Iterable[EvidenceItem]) -> list[tuple[str, str]]:
    return [(str(item.pk), f"Item {item.pk}: {item.description}") for item in items]


class IssueNoticeForm(ActionForm):
    action = Action.ISSUE_NOTICE
    title = "Issue the notice of allegations"
    button = "Serve the notice"
    done = "Notice served."
    intro = (
        "The notice lists every allegation and the evidence relied on for it. Only admitted evidence can be "
        "relied on; evidence not listed here cannot support a finding."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case = self.ctx.case
        admitted = evidence_choices(case.evidence.filter(admissibility=Admissibility.ADMITTED).order_by("pk"))
        self.allegations = list(case.allegations.all())
        for n, allegation in enumerate(self.allegations, 1):
            self.fields[f"a{allegation.pk}"] = forms.MultipleChoiceField(
                label=f"Evidence relied on for allegation {n}",
                choices=admitted,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Choose admitted evidence of this case only."},
            )

    def sections(self) -> list[Section]:
        rb = self.ctx.rulebook
        return [
            Section(
                f"Allegation {n}: clause {a.clause}, {clause_title(rb, a.clause)}",
                [self[f"a{a.pk}"]],
                intro=a.particulars,
            )
            for n, a in enumerate(self.allegations, 1)
        ]

    def act(self, user: User) -> None:
        relied_on = {a.pk: {int(pk) for pk in self.cleaned_data[f"a{a.pk}"]} for a in self.allegations}
        services.issue_notice(self.ctx.case, user, evidence=relied_on)


def clause_title(rb: Rulebook, clause: str) -> str:
    try:
        return rb.clause(clause).title
    except KeyError:
        return "a clause no longer in the rulebook"


class RecordResponseForm(ActionForm):
    action = Action.RECORD_RESPONSE
    title = "Record the respondent's response"
    done = "Response recorded."
    intro = "For a response received on paper or by email: the respondent can also answer in the member portal."
    guard_fields = {"refused": "response"}

    response = text("Response", missing="Write down the respondent's response.", rows=8)

    def act(self, user: User) -> None:
        services.record_response(self.ctx.case, user, response=self.cleaned_data["response"])
