"""The JSON body of each procedure action, and its translation into the data of the web's action form.

The API takes no action itself: it fills in the same `ActionForm` the web page posts to, and that form limits every
choice to this case (an evidence id of another case is not a choice: the IDOR protection), validates, and calls the
service. Here the JSON is only reshaped: yes/no answers from booleans, lists of findings into the form's
per-allegation fields, and the form's field names back into the API's for error messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from fairhearing.cases.actions.context import ActionContext
from fairhearing.cases.models import AppealResult
from fairhearing.procedure.workflow import APPEAL_GROUNDS, Action

AppealGround = Literal[tuple(sorted(APPEAL_GROUNDS))]  # type: ignore[valid-type]
# A row id: bounded so that no number reaches the database too large for its integer column.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class _ActionBody(Schema):
    # A misspelt field must not be silently ignored: the action would be taken without it.
    model_config = ConfigDict(extra="forbid")


class ActionBeginTriageIn(_ActionBody):
    """Nothing to fill in: send `{}`."""


class ActionRecordTriageIn(_ActionBody):
    informal_resolution_suitable: bool = Field(description="Does informal resolution suit this case?")
    interim_action_needed: bool = Field(description="Is interim action (e.g. an interim suspension) needed?")
    interim_action_reasons: str = Field("", description="Why interim action is needed; required when it is.")
    protected_characteristics_involved: bool = Field(description="Are protected characteristics involved?")


class ActionDismissIn(_ActionBody):
    reasons: str = Field(description="Why there is no case to answer.")


class ActionOpenInvestigationIn(_ActionBody):
    investigator: RowId = Field(description="The id of a seat on an investigating body (trained, not a party).")


class ActionReliedOnIn(_ActionBody):
    allegation: RowId = Field(description="An allegation id of this case.")
    evidence: list[RowId] = Field(default_factory=list, description="Ids of admitted evidence items of this case.")


class ActionIssueNoticeIn(_ActionBody):
    relied_on: list[ActionReliedOnIn] = Field(
        default_factory=list,
        description="For each allegation, the admitted evidence relied on; an allegation left out relies on none.",
    )


class ActionRecordResponseIn(_ActionBody):
    response: str = Field(description="The respondent's response, received on paper or by email.")


class ActionFormPanelIn(_ActionBody):
    members: list[RowId] = Field(description="Seat ids on the body's panel list (not its officers).")


class ActionScheduleHearingIn(_ActionBody):
    hearing_on: date = Field(description="The hearing date: enough working days after the notice.")


class ActionFindingIn(_ActionBody):
    allegation: RowId = Field(description="An allegation id of this case.")
    proven: bool
    reasons: str = Field(description="Written reasons for the finding.")
    evidence: list[RowId] = Field(
        default_factory=list,
        description="Ids of evidence it rests on: admitted and served with the notice. A proven one needs one.",
    )


class ActionRecordDecisionIn(_ActionBody):
    findings: list[ActionFindingIn] = Field(description="One finding per allegation of the case.")
    culpability: str = Field("", description="A culpability level of the case's rulebook; needed if any is proven.")
    harm: str = Field("", description="A harm level of the case's rulebook; needed if any is proven.")
    aggravating: list[str] = Field(default_factory=list, description="Aggravating factor ids of the rulebook.")
    mitigating: list[str] = Field(default_factory=list, description="Mitigating factor ids of the rulebook.")
    sanction: str = Field(description="A sanction id of the case's rulebook.")
    suspension_months: int | None = Field(None, ge=1, le=1200, description="For a time-limited sanction only.")
    departure_reason: str = Field("", description="Needed when the sanction is outside the guideline's range.")
    precedents_considered: bool = Field(
        False,
        description="That the panel considered the comparable past decisions (`GET /cases/{ref}/precedents`): "
        "needed when there are any, and their references are recorded with the decision.",
    )


class ActionNotifyDecisionIn(_ActionBody):
    """Nothing to fill in: send `{}`."""


class ActionLodgeAppealIn(_ActionBody):
    grounds: list[AppealGround] = Field(min_length=1, description="The grounds of appeal.")
    late_reason: str = Field("", description="Only for an appeal after the appeal period (appeals body's officer).")


class ActionFormAppealPanelIn(_ActionBody):
    members: list[RowId] = Field(description="Seat ids on the appeals body's panel list; nobody involved before.")


class ActionRecordAppealDecisionIn(_ActionBody):
    result: AppealResult
    reasons: str = Field(description="Written reasons for the appeal decision.")
    sanction: str = Field("", description="Only when the result is 'varied': a milder sanction id.")


class ActionCloseIn(_ActionBody):
    """Nothing to fill in: send `{}`."""


class ActionWithdrawIn(_ActionBody):
    reason: str = Field(description="Why the case is withdrawn.")


class ActionTransferIn(_ActionBody):
    to_body: str = Field(description="The id (in the rulebook) of the body to transfer the case to.")
    reason: str = Field(description="Why the case is transferred.")


class ActionDeclareConflictIn(_ActionBody):
    panel_member: RowId = Field(description="The member id of someone sitting on a live panel of this case.")
    with_member: RowId = Field(description="The member id of the party the conflict is with.")
    reason: str = Field(description="The reason for the conflict.")


class ActionImposeSuspensionIn(_ActionBody):
    criterion: str = Field(max_length=200, description="The published ground for interim action relied on.")
    reasons: str
    proportionality: str = Field(description="Why nothing less than suspension will do.")
    restricts: str = Field(description="The rights the suspension restricts.")
    review_by: date = Field(description="The review date, within the rulebook's limit.")


class ActionReviewSuspensionIn(_ActionBody):
    reasons: str = Field(description="Fresh reasons for continuing the suspension.")
    review_by: date = Field(description="The new review date, within the rulebook's limit.")


class ActionLiftSuspensionIn(_ActionBody):
    reasons: str = Field(description="Why the suspension is lifted.")


@dataclass
class Translation:
    """The form's data, problems met in reshaping, and how to name a form field in the API."""

    data: dict[str, Any]
    errors: list[dict[str, str]] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)

    def api_name(self, form_field: str) -> str:
        return self.renamed.get(form_field, form_field)


def _value(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return str(value)


def plain(body: Schema, ctx: ActionContext, skip: tuple[str, ...] = ()) -> Translation:
    """Same names in the body and the form: values as a browser would post them."""
    fields = body.model_dump()
    return Translation({name: _value(v) for name, v in fields.items() if v is not None and name not in skip})


def _per_allegation(rows: list[Any], ctx: ActionContext, where: str) -> tuple[dict[int, int], list[dict[str, str]]]:
    """{allegation id: index in the body}, and an error for each row naming no allegation of this case."""
    ours = {a.pk for a in ctx.case.allegations.all()}
    found: dict[int, int] = {}
    errors = []
    for n, row in enumerate(rows):
        if row.allegation not in ours:
            errors.append({"field": f"{where}.{n}.allegation", "message": "This case has no such allegation."})
        elif row.allegation in found:
            errors.append({"field": f"{where}.{n}.allegation", "message": "This allegation is given twice."})
        else:
            found[row.allegation] = n
    return found, errors


def _issue_notice(body: ActionIssueNoticeIn, ctx: ActionContext) -> Translation:
    found, errors = _per_allegation(body.relied_on, ctx, "relied_on")
    data = {f"a{pk}": [str(e) for e in body.relied_on[n].evidence] for pk, n in found.items()}
    renamed = {f"a{a.pk}": f"relied_on.{found[a.pk]}.evidence" if a.pk in found else "relied_on" for a in _all(ctx)}
    return Translation(data, errors, renamed)


def _record_decision(body: ActionRecordDecisionIn, ctx: ActionContext) -> Translation:
    found, errors = _per_allegation(body.findings, ctx, "findings")
    translation = plain(body, ctx, skip=("findings", "precedents_considered"))
    translation.errors = errors
    # A checkbox, as a browser posts it: present when ticked, absent when not (a posted "no" would count as ticked).
    if body.precedents_considered:
        translation.data["precedents_considered"] = "on"
    for pk, n in found.items():
        finding = body.findings[n]
        translation.data |= {
            f"a{pk}_proven": _value(finding.proven),
            f"a{pk}_reasons": finding.reasons,
            f"a{pk}_evidence": [str(e) for e in finding.evidence],
        }
    for a in _all(ctx):
        for part in ("proven", "reasons", "evidence"):
            translation.renamed[f"a{a.pk}_{part}"] = f"findings.{found[a.pk]}.{part}" if a.pk in found else "findings"
    return translation


def _all(ctx: ActionContext) -> list[Any]:
    return list(ctx.case.allegations.all())


@dataclass(frozen=True)
class ActionBody:
    schema: type[Schema]
    translate: Callable[[Any, ActionContext], Translation] = plain


BODIES: dict[Action, ActionBody] = {
    Action.BEGIN_TRIAGE: ActionBody(ActionBeginTriageIn),
    Action.RECORD_TRIAGE: ActionBody(ActionRecordTriageIn),
    Action.DISMISS: ActionBody(ActionDismissIn),
    Action.OPEN_INVESTIGATION: ActionBody(ActionOpenInvestigationIn),
    Action.ISSUE_NOTICE: ActionBody(ActionIssueNoticeIn, _issue_notice),
    Action.RECORD_RESPONSE: ActionBody(ActionRecordResponseIn),
    Action.FORM_PANEL: ActionBody(ActionFormPanelIn),
    Action.SCHEDULE_HEARING: ActionBody(ActionScheduleHearingIn),
    Action.RECORD_DECISION: ActionBody(ActionRecordDecisionIn, _record_decision),
    Action.NOTIFY_DECISION: ActionBody(ActionNotifyDecisionIn),
    Action.LODGE_APPEAL: ActionBody(ActionLodgeAppealIn),
    Action.FORM_APPEAL_PANEL: ActionBody(ActionFormAppealPanelIn),
    Action.RECORD_APPEAL_DECISION: ActionBody(ActionRecordAppealDecisionIn),
    Action.CLOSE: ActionBody(ActionCloseIn),
    Action.WITHDRAW: ActionBody(ActionWithdrawIn),
    Action.TRANSFER: ActionBody(ActionTransferIn),
    Action.DECLARE_CONFLICT: ActionBody(ActionDeclareConflictIn),
    Action.IMPOSE_SUSPENSION: ActionBody(ActionImposeSuspensionIn),
    Action.REVIEW_SUSPENSION: ActionBody(ActionReviewSuspensionIn),
    Action.LIFT_SUSPENSION: ActionBody(ActionLiftSuspensionIn),
}
