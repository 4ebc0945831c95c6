"""What every action form has: its action, its words, the fields refusals are about, and `act`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError

from fairhearing.accounts.models import User
from fairhearing.cases.actions.context import ActionContext
from fairhearing.cases.actions.guideline import GuidelineView
from fairhearing.cases.actions.problems import in_words
from fairhearing.cases.casefile_store import CaseChanged, expecting_version
from fairhearing.procedure.errors import ActionRefused
from fairhearing.procedure.workflow import Action

if TYPE_CHECKING:
    from fairhearing.cases.actions.precedents import Comparables


@dataclass
class Section:
    """A group of fields shown under one legend (a fieldset), e.g. the finding on one allegation."""

    legend: str
    fields: list[forms.BoundField]
    intro: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class ActionForm(forms.Form):
    action: ClassVar[Action]
    title: ClassVar[str]  # the page heading and the button that leads to it
    button: ClassVar[str] = ""  # the submit button, when it should say something other than the title
    done: ClassVar[str]  # the message shown on the case page afterwards
    intro: ClassVar[str] = ""
    # The engine's guard names (procedure.workflow) mapped to the field each refusal is about; the rest are
    # shown for the form as a whole.
    guard_fields: ClassVar[Mapping[str, str]] = {}
    # False for actions with nothing to fill in: they are a single button on the case page.
    has_inputs: ClassVar[bool] = True

    # The version of the case the form was made from (optimistic concurrency): if the case has moved on by the
    # time it is sent, the action is refused rather than applied to a state its author never saw. Not required, so
    # an API request without If-Match (which fills no version) still acts on the case as it is.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        error_messages={
            "invalid": "This form's record of the case's version is damaged: open the form again from the case page.",
            "min_value": "This form's record of the case's version is damaged: open the form again from the case page.",
        },
    )

    def __init__(self, data: Mapping[str, Any] | None = None, *, ctx: ActionContext) -> None:
        super().__init__(data)
        self.ctx = ctx
        self.fields["version"].initial = ctx.case.version

    @property
    def submit_label(self) -> str:
        return self.button or self.title

    def sections(self) -> list[Section]:
        return [Section("", list(self.visible_fields()))]

    def guideline(self) -> GuidelineView | None:
        """The sanction guideline to show beside the form; only the decision has one."""
        return None

    def comparables(self) -> Comparables | None:
        """The comparable past decisions to show beside the form; only the decision has them."""
        return None

    def act(self, user: User) -> None:
        """Take the action through its service. Raises ActionRefused (nothing changed) when the rules say no."""
        raise NotImplementedError

    def clean_version(self) -> int | None:
        # Said before anything else is checked: when the case has moved on, errors about choices it no longer
        # offers would only confuse. The service checks again under the case's lock, for a change in between.
        version = self.cleaned_data.get("version")
        if version is not None and version != self.ctx.case.version:
            self.add_error(None, str(CaseChanged(self.ctx.case.reference, version, self.ctx.case.version)))
        return version

    def submit(self, user: User, *, version: int | None = None) -> None:
        """`act`, refused with CaseChanged if the case is no longer at the version the form (or `version`, an API
        request's If-Match) was made from."""
        form_version = self.cleaned_data.pop("version", None)
        with expecting_version(self.ctx.case, version if version is not None else form_version):
            self.act(user)

    def refused(self, refusal: ActionRefused | ValidationError) -> None:
        """Put the reasons on the form: each on the field it is about, the rest at the top."""
        if isinstance(refusal, ValidationError):
            for message in refusal.messages:
                self.add_error(None, message)
            return
        for guard, message in in_words(refusal):
            name = self.guard_fields.get(guard)
            self.add_error(name if name in self.fields else None, message)


class ConfirmForm(ActionForm):
    """An action with nothing to fill in: the button is the whole form."""

    has_inputs = False
