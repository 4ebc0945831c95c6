"""The procedure's actions: one POST per action a person takes (`POST /cases/{reference}/actions/<action>`), and
the list of those the caller may take now.

Each runs the web's own action form (`cases.actions`) on the JSON body, so the same choices are offered, the same
checks made and the same service called; access is the web's too (`available.may_take`), and anyone who may not
take an action on a case is told the case does not exist. A refusal by the procedure is a 409 naming the field each
reason is about; an action sent with an `If-Match` that is no longer the case's ETag is a 412 (`preconditions`);
nothing changes.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from fairhearing.api import preconditions
from fairhearing.api.action_bodies import BODIES, ActionBody
from fairhearing.api.case_schemas import CaseDetailOut
from fairhearing.api.problems import invalid, not_found, refused
from fairhearing.api.routers.cases import CASE_RELATED, case_detail, staff_case
from fairhearing.cases.actions.available import Offer, may_take, offered
from fairhearing.cases.actions.base import ActionForm
from fairhearing.cases.actions.context import ActionContext
from fairhearing.cases.actions.registry import FORMS
from fairhearing.cases.case_record import log_view
from fairhearing.cases.casefile_store import CaseChanged
from fairhearing.cases.models import Case
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.workflow import Action

router = Router(tags=["procedure"])


class ActionOfferOut(Schema):
    name: str = Field(description="The action's name, as in its path.")
    title: str
    method: str = "POST"
    path: str = Field(description="Where to POST the action's body.")
    operation_id: str
    has_inputs: bool = Field(description="False: the body is `{}`.")


class ActionsOut(Schema):
    next_steps: list[ActionOfferOut] = Field(description="The next steps of the procedure you may take now.")
    other_actions: list[ActionOfferOut] = Field(description="Actions beside the main line (transfer, suspension...).")


def _offer(case: Case, offer: Offer) -> dict[str, Any]:
    return {
        "name": offer.name,
        "title": offer.title,
        "path": reverse(f"api:act_{offer.name}", kwargs={"reference": case.reference}),
        "operation_id": f"act_{offer.name}",
        "has_inputs": offer.has_inputs,
    }


@router.get("/{reference}/actions", response=ActionsOut, summary="The actions you may take on a case now")
def list_case_actions(request: HttpRequest, reference: str) -> dict[str, Any]:
    """As the case page offers them: by your roles, the case's stage, and what the case holds (no 'lift' without a
    suspension). The procedure checks again when the action is taken."""
    case = staff_case(request, reference)
    log_view(request.user, case, page="api/actions")
    next_steps, other_actions = offered(request.user, case)
    return {
        "next_steps": [_offer(case, o) for o in next_steps],
        "other_actions": [_offer(case, o) for o in other_actions],
    }


def take_action(request: HttpRequest, response: HttpResponse, reference: str, action: Action, body: Schema) -> Status:
    case = Case.objects.select_related(*CASE_RELATED).filter(reference=reference).first()
    form_class: type[ActionForm] = FORMS[action]
    if case is None or not may_take(request.user, case, action):
        raise not_found("case")
    # Checked before the body, so a stale request is told so rather than about choices that are no longer offered;
    # checked again under the case's lock by the service, for a change that lands in between.
    expected = preconditions.expected_version(request)
    if expected is not None and expected != case.version:
        raise preconditions.changed(reference, expected, case)
    ctx = ActionContext.of(case)
    translation = BODIES[action].translate(body, ctx)
    form = form_class(translation.data, ctx=ctx)
    valid = form.is_valid()
    errors = translation.errors + [
        {"field": translation.api_name(name) if name != "__all__" else "", "message": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]
    if errors or not valid:
        raise invalid([{"in": "body", **e} for e in errors])
    try:
        form.submit(request.user, version=expected)
    except CaseChanged:
        raise preconditions.changed(reference, expected or 0, Case.objects.get(pk=case.pk)) from None
    except ActionRefused as refusal:
        fields = {g: translation.api_name(f) for g, f in form_class.guard_fields.items() if f in form.fields}
        raise refused(refusal, fields) from None
    except DjangoValidationError as error:
        raise invalid([{"in": "body", "field": "", "message": m} for m in error.messages]) from None
    case = Case.objects.select_related(*CASE_RELATED).get(pk=case.pk)
    # Declaring one's own conflict, or transferring a case away from one's body, ends one's access to it.
    if not request.user.has_perm("cases.view_case_record", case):
        return Status(204, None)
    preconditions.set_etag(response, case)
    return Status(200, case_detail(request, case, f"api/act/{action.value}"))


def _describe(form_class: type[ActionForm]) -> str:
    done = f"Done: {form_class.done}"
    lost = "204: done, and you no longer have access to the case (your own conflict, or a transfer away)."
    stale = (
        "Send the case's ETag (from GET /cases/{reference}) as If-Match: if the case has changed since, the action is "
        "refused with 412 and nothing changes. The answer's ETag is the case's new version."
    )
    return "\n\n".join(part for part in (form_class.intro, done, lost, stale) if part)


def _endpoint(action: Action, spec: ActionBody) -> Any:
    if spec.schema.model_fields:

        def endpoint(request: HttpRequest, response: HttpResponse, reference: str, body: Any) -> Status:
            return take_action(request, response, reference, action, body)

    else:
        # Nothing to fill in: `{}` or no body at all.
        def endpoint(request: HttpRequest, response: HttpResponse, reference: str, body: Any = None) -> Status:
            return take_action(request, response, reference, action, body or spec.schema())

    # The function's name is the OpenAPI operationId; its annotations are what ninja reads the body with.
    endpoint.__name__ = endpoint.__qualname__ = f"act_{action.value}"
    body_type = spec.schema if spec.schema.model_fields else spec.schema | None
    endpoint.__annotations__ = {
        "request": HttpRequest,
        "response": HttpResponse,
        "reference": str,
        "body": body_type,
        "return": Any,
    }
    return endpoint


for _action, _form in FORMS.items():
    router.post(
        f"/{{reference}}/actions/{_action.value}",
        response={200: CaseDetailOut, 204: None},
        summary=_form.title,
        description=_describe(_form),
        url_name=f"act_{_action.value}",
    )(_endpoint(_action, BODIES[_action]))
