"""Interim suspension: imposed, reviewed and lifted, each with reasons. A measure, never a sanction."""

from __future__ import annotations

from typing import Any

from fairhearing.accounts.models import User
from fairhearing.cases import services
from fairhearing.cases.actions.base import ActionForm
from fairhearing.cases.actions.fields import day, line, text
from fairhearing.formatting import long_date
from fairhearing.procedure import deadlines
from fairhearing.procedure.workflow import Action

NOT_A_SANCTION = "An interim suspension is not a sanction and never counts as a previous finding."
REVIEW_GUARDS = {"review_date": "review_by", "suspension_cap": "review_by", "reasons": "reasons"}


class _Reviewed(ActionForm):
    review_by = day("Review by")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        latest = deadlines.latest_review(self.ctx.rulebook, self.ctx.today)
        self.fields["review_by"].help_text = (
            f"No later than {long_date(latest)} ({self.ctx.rulebook.time_limits.interim_suspension_review_days} "
            "days). Unless reviewed by then, the suspension lapses."
        )


class ImposeSuspensionForm(_Reviewed):
    action = Action.IMPOSE_SUSPENSION
    title = "Impose an interim suspension"
    done = "Interim suspension imposed (not a sanction)."
    intro = NOT_A_SANCTION
    guard_fields = REVIEW_GUARDS | {
        "criterion": "criterion",
        "proportionality": "proportionality",
        "restricts": "restricts",
    }

    criterion = line(
        "Criterion relied on",
        help_text="The published ground for interim action, e.g. a risk to a witness or to the process.",
        missing="Enter the criterion relied on.",
    )
    reasons = text("Reasons", missing="Write down the reasons for the suspension.")
    proportionality = text(
        "Why suspension is proportionate", missing="Write down why nothing less than suspension will do."
    )
    restricts = text("Rights it restricts", missing="Write down the rights the suspension restricts.", rows=2)

    field_order = ["criterion", "reasons", "proportionality", "restricts", "review_by"]

    def act(self, user: User) -> None:
        services.impose_interim_suspension(self.ctx.case, user, **self.cleaned_data)


class ReviewSuspensionForm(_Reviewed):
    action = Action.REVIEW_SUSPENSION
    title = "Review the interim suspension"
    button = "Continue the suspension"
    done = "Interim suspension reviewed and continued."
    intro = "A suspension continues only with fresh reasons and a new review date. " + NOT_A_SANCTION
    guard_fields = REVIEW_GUARDS

    reasons = text("Fresh reasons", missing="Write down fresh reasons for continuing the suspension.")

    field_order = ["reasons", "review_by"]

    def act(self, user: User) -> None:
        data = self.cleaned_data
        services.review_interim_suspension(self.ctx.case, user, reasons=data["reasons"], review_by=data["review_by"])


class LiftSuspensionForm(ActionForm):
    action = Action.LIFT_SUSPENSION
    title = "Lift the interim suspension"
    done = "Interim suspension lifted."
    guard_fields = {"reasons": "reasons"}

    reasons = text("Reasons", missing="Write down why the suspension is lifted.")

    def act(self, user: User) -> None:
        services.lift_interim_suspension(self.ctx.case, user, reasons=self.cleaned_data["reasons"])
