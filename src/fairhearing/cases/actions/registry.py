"""Every action a person can take, by its name in the address (`/cases/<ref>/act/<action>/`). The scheduled
job's own actions (`workflow.SYSTEM_ACTIONS`) have no page."""

from __future__ import annotations

from fairhearing.cases.actions.base import ActionForm
from fairhearing.cases.actions.decision_forms import RecordAppealDecisionForm, RecordDecisionForm
from fairhearing.cases.actions.intake_forms import (
    BeginTriageForm,
    DismissForm,
    IssueNoticeForm,
    OpenInvestigationForm,
    RecordResponseForm,
    RecordTriageForm,
)
from fairhearing.cases.actions.outcome_forms import (
    CloseForm,
    LodgeAppealForm,
    NotifyDecisionForm,
    TransferForm,
    WithdrawForm,
)
from fairhearing.cases.actions.panel_forms import (
    DeclareConflictForm,
    FormAppealPanelForm,
    FormPanelForm,
    ScheduleHearingForm,
)
from fairhearing.cases.actions.suspension_forms import (
    ImposeSuspensionForm,
    LiftSuspensionForm,
    ReviewSuspensionForm,
)
from fairhearing.procedure.workflow import Action

FORMS: dict[Action, type[ActionForm]] = {
    form.action: form
    for form in (
        BeginTriageForm,
        RecordTriageForm,
        DismissForm,
        OpenInvestigationForm,
        IssueNoticeForm,
        RecordResponseForm,
        FormPanelForm,
        ScheduleHearingForm,
        RecordDecisionForm,
        NotifyDecisionForm,
        LodgeAppealForm,
        FormAppealPanelForm,
        RecordAppealDecisionForm,
        CloseForm,
        WithdrawForm,
        TransferForm,
        DeclareConflictForm,
        ImposeSuspensionForm,
        ReviewSuspensionForm,
        LiftSuspensionForm,
    )
}


def form_for(name: str) -> type[ActionForm] | None:
    try:
        return FORMS.get(Action(name))
    except ValueError:
        return None
