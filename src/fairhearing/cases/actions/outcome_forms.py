"""Sending the decision, appeals, closing, withdrawing and transferring a case."""

from __future__ import annotations

from typing import Any

from django import forms

from fairhearing.accounts.models import User
from fairhearing.cases import services
from fairhearing.cases.actions.base import ActionForm, ConfirmForm
from fairhearing.cases.actions.fields import text
from fairhearing.cases.appeal_grounds import ground_label
from fairhearing.procedure.workflow import APPEAL_GROUNDS, Action


class NotifyDecisionForm(ConfirmForm):
    action = Action.NOTIFY_DECISION
    title = "Send the written decision"
    done = "Written decision sent; the appeal period has begun."
    intro = "The respondent receives the reasoned decision and the complainant the outcome."

    def act(self, user: User) -> None:
        services.notify_decision(self.ctx.case, user)


class LodgeAppealForm(ActionForm):
    action = Action.LODGE_APPEAL
    title = "Lodge an appeal"
    done = "Appeal lodged."
    intro = "For an appeal received on paper or by email: the respondent can also appeal in the member portal."
    guard_fields = {
        "grounds": "grounds",
        "appeal_in_time": "late_reason",
        "late_appeal_by_appeals_body": "late_reason",
    }

    grounds = forms.MultipleChoiceField(
        label="Grounds of appeal",
        choices=[(g, ground_label(g)) for g in sorted(APPEAL_GROUNDS)],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one ground of appeal."},
    )
    late_reason = text(
        "Why a late appeal is accepted",
        required=False,
        help_text="Only for an appeal after the appeal period: recorded by an officer of the appeals body.",
    )

    def act(self, user: User) -> None:
        data = self.cleaned_data
        services.lodge_appeal(self.ctx.case, user, grounds=set(data["grounds"]), late_reason=data["late_reason"])


class CloseForm(ConfirmForm):
    action = Action.CLOSE
    title = "Close the case"
    done = "Case closed."

    def act(self, user: User) -> None:
        services.close_case(self.ctx.case, user)


class WithdrawForm(ActionForm):
    action = Action.WITHDRAW
    title = "Withdraw the case"
    done = "Case withdrawn."
    intro = "Withdrawing closes the case and lifts any interim suspension."
    guard_fields = {"reasons": "reason"}

    reason = text("Reason", missing="Write down the reason for the withdrawal.")

    def act(self, user: User) -> None:
        services.withdraw_case(self.ctx.case, user, reason=self.cleaned_data["reason"])


class TransferForm(ActionForm):
    action = Action.TRANSFER
    title = "Transfer to another body"
    done = "Case transferred."
    intro = "The receiving body forms its own panel: a panel already formed is dissolved."
    guard_fields = {"target_body": "to_body", "reasons": "reason"}

    to_body = forms.ChoiceField(label="Transfer to", error_messages={"required": "Choose the body."})
    reason = text("Reason", missing="Write down the reason for the transfer.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        here = self.ctx.file.body
        bodies = [(b.id, b.name) for b in self.ctx.rulebook.bodies if b.id != here]
        self.fields["to_body"].choices = [("", "Choose a body"), *bodies]

    def act(self, user: User) -> None:
        data = self.cleaned_data
        services.transfer_case(self.ctx.case, user, to_body=data["to_body"], reason=data["reason"])
