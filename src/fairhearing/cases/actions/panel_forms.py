"""Forming the hearing and appeal panels, declaring a conflict, and scheduling the hearing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from fairhearing.access.policy import serves_acting_body
from fairhearing.accounts.models import User
from fairhearing.cases import services
from fairhearing.cases.actions.base import ActionForm
from fairhearing.cases.actions.fields import day, text
from fairhearing.cases.actions.seats import seat_label
from fairhearing.cases.models import Appeal
from fairhearing.formatting import long_date
from fairhearing.organisation.models import Body, Member, PanelMember, PanelRole
from fairhearing.procedure import deadlines
from fairhearing.procedure.rulebook import Level
from fairhearing.procedure.workflow import Action

# Every way the engine can refuse a panel is about the choice of members.
PANEL_GUARDS = dict.fromkeys(
    ("panel_distinct", "panel_quorate", "panel_size", "panel_eligible", "panel_trained", "panel_unconflicted"),
    "members",
)


class _PanelForm(ActionForm):
    members = forms.ModelMultipleChoiceField(
        queryset=PanelMember.objects.none(),
        label="Members of the panel",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the members of the panel.", "invalid_choice": "Choose from the list."},
    )
    guard_fields = PANEL_GUARDS

    def body(self) -> Body | None:
        raise NotImplementedError

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body, field = self.body(), self.fields["members"]
        if body is None:
            return
        spec = self.ctx.rulebook.body(body.kind)
        # Officers run the body's queue; they do not sit on its panels.
        field.queryset = (
            PanelMember.objects.filter(body=body, active=True)
            .exclude(role=PanelRole.OFFICER)
            .select_related("member", "body")
            .order_by("member__name")
        )
        field.help_text = (
            f"The {body.name} sits {spec.panel_size} members; at least {spec.quorum} make a quorum. Nobody "
            "conflicted or without in-date training may sit."
        )
        roles, declared = self.ctx.file.roles(), self.ctx.file.conflicts
        field.label_from_instance = lambda seat: seat_label(
            seat, self.ctx.today, roles, declared, same_branch=spec.level != Level.LOCAL
        )


class FormPanelForm(_PanelForm):
    action = Action.FORM_PANEL
    title = "Form the hearing panel"
    done = "Hearing panel formed."
    guard_fields = PANEL_GUARDS | {"body_hears": "members"}

    def body(self) -> Body | None:
        return self.ctx.case.body

    def act(self, user: User) -> None:
        services.form_panel(self.ctx.case, user, members=list(self.cleaned_data["members"]))


class FormAppealPanelForm(_PanelForm):
    action = Action.FORM_APPEAL_PANEL
    title = "Form the appeal panel"
    done = "Appeal panel formed."
    intro = "Nobody who took part in the case before may sit on its appeal."

    def body(self) -> Body | None:
        appeal = Appeal.objects.filter(case=self.ctx.case).select_related("body").first()
        return appeal.body if appeal else None

    def act(self, user: User) -> None:
        services.form_appeal_panel(self.ctx.case, user, members=list(self.cleaned_data["members"]))


class ScheduleHearingForm(ActionForm):
    action = Action.SCHEDULE_HEARING
    title = "Schedule the hearing"
    done = "Hearing scheduled."
    guard_fields = {"notice_period": "hearing_on", "hearing_date": "hearing_on"}

    hearing_on = day("Hearing date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        notice = self.ctx.file.notice
        if notice is not None:
            earliest = deadlines.earliest_hearing(self.ctx.rulebook, notice.served_on)
            self.fields["hearing_on"].help_text = (
                f"At least {self.ctx.rulebook.time_limits.notice_before_hearing_working_days} working days after "
                f"the notice: {long_date(earliest)} at the earliest."
            )

    def act(self, user: User) -> None:
        services.schedule_hearing(self.ctx.case, user, hearing_on=self.cleaned_data["hearing_on"])


class DeclareConflictForm(ActionForm):
    action = Action.DECLARE_CONFLICT
    title = "Declare a conflict of interest"
    done = "Conflict declared."
    intro = "A panel member with a conflict steps down from the case; the conflict stays on the record."
    guard_fields = {"reasons": "reason"}

    panel_member = forms.TypedChoiceField(
        label="Panel member", coerce=int, error_messages={"required": "Choose the panel member."}
    )
    with_member = forms.TypedChoiceField(
        label="Conflicted with",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the conflict is with."},
    )
    reason = text("Reason", missing="Write down the reason for the conflict.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        case = self.ctx.case
        seen: dict[int, str] = {}
        for sitting in case.sittings.filter(dissolved_at__isnull=True).prefetch_related("seats__member"):
            for seat in sorted(sitting.seats.all(), key=lambda s: s.member.name):
                seen.setdefault(seat.member_id, f"{seat.member.name} ({sitting.get_kind_display().lower()})")
        self.fields["panel_member"].choices = [("", "Choose a panel member"), *seen.items()]
        parties = [("the respondent", case.respondent)]
        if case.complainant_member:
            parties.append(("the complainant", case.complainant_member))
        self.fields["with_member"].choices = [(m.pk, f"{m.name}, {role}") for role, m in parties]

    def act(self, user: User) -> None:
        data = self.cleaned_data
        if data["panel_member"] != user.member_id and not serves_acting_body(user, self.ctx.case, self.action):
            # Stepping someone else down is the body officer's call, never a fellow panellist's.
            raise ValidationError("You may declare only your own conflict; the body's officer records anyone else's.")
        services.declare_conflict(
            self.ctx.case,
            user,
            panel_member=Member.objects.get(pk=data["panel_member"]),
            with_member=Member.objects.get(pk=data["with_member"]),
            reason=data["reason"],
        )
