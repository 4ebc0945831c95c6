"""The panel's decision and the appeal panel's decision."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse

from fairhearing.accounts.models import User
from fairhearing.cases import services
from fairhearing.cases.actions.base import ActionForm, Section
from fairhearing.cases.actions.fields import text, yes_no
from fairhearing.cases.actions.guideline import GuidelineView, guideline_view
from fairhearing.cases.actions.intake_forms import clause_title, evidence_choices
from fairhearing.cases.actions.precedents import Comparables, comparables
from fairhearing.cases.models import AppealResult
from fairhearing.procedure import workflow as wf
from fairhearing.procedure.rulebook import Named
from fairhearing.procedure.workflow import Action

ASSESSMENT = ("culpability", "harm", "aggravating", "mitigating", "sanction", "suspension_months", "departure_reason")
CONSIDERED = "precedents_considered"
# The references of the comparable decisions the page showed, posted back with the form (not a form field, so that
# a form shown again carries the list it shows now, not the one posted; see cases/act.html).
SHOWN = "precedents_shown"


def _named(items: Iterable[Named]) -> list[tuple[str, str]]:
    return [(item.id, item.name) for item in items]


class RecordDecisionForm(ActionForm):
    action = Action.RECORD_DECISION
    title = "Record the panel's decision"
    button = "Record the decision"
    done = "Decision recorded."
    intro = (
        "Give a finding with written reasons on every allegation, citing the evidence it rests on. Then assess "
        "culpability and harm: the guideline gives a starting point and a range, and a sanction outside the range "
        "needs written reasons for the departure."
    )
    guard_fields = {
        "departure_reason": "departure_reason",
        "sanction": "sanction",
        "sanction_needs_finding": "sanction",
        "body_power": "sanction",
        "assessment": "culpability",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ctx, rb = self.ctx, self.ctx.rulebook
        notice = ctx.file.notice
        served = frozenset().union(*notice.evidence.values()) if notice else frozenset()
        # Only admitted evidence served with the notice can be relied on: nothing else is offered.
        cited = evidence_choices(ctx.case.evidence.filter(pk__in=served & ctx.file.admitted_evidence).order_by("pk"))
        self.allegations = list(ctx.case.allegations.all())
        for n, allegation in enumerate(self.allegations, 1):
            key = f"a{allegation.pk}"
            self.fields[f"{key}_proven"] = yes_no(f"Is allegation {n} proven?")
            self.fields[f"{key}_reasons"] = text(
                f"Reasons for the finding on allegation {n}",
                missing=f"Write down the reasons for the finding on allegation {n}.",
            )
            self.fields[f"{key}_evidence"] = forms.MultipleChoiceField(
                label=f"Evidence the finding on allegation {n} rests on",
                choices=cited,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="A proven allegation must rest on at least one item.",
            )
        preview = {
            "hx-get": reverse("cases:guideline", args=[ctx.case.reference]),
            "hx-trigger": "change",
            "hx-target": "#guideline",
            "hx-include": "[name=culpability],[name=harm],[name=sanction]",
            # Quick changes send several requests; only the last choice's answer may land, whatever order they
            # come back in.
            "hx-sync": "closest form:replace",
        }
        self.fields["culpability"] = forms.ChoiceField(
            label="Culpability",
            choices=[(c.id, f"{c.id}: {c.name}. {c.description}") for c in rb.guidelines.culpability],
            widget=forms.RadioSelect(attrs=preview),
            required=False,
            help_text="Needed when any allegation is proven.",
        )
        self.fields["harm"] = forms.ChoiceField(
            label="Harm",
            choices=[(h.id, f"{h.id}: {h.name}. {h.description}") for h in rb.guidelines.harm],
            widget=forms.RadioSelect(attrs=preview),
            required=False,
            help_text="Needed when any allegation is proven.",
        )
        self.fields["aggravating"] = forms.MultipleChoiceField(
            label="Aggravating factors",
            choices=_named(rb.guidelines.aggravating),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["mitigating"] = forms.MultipleChoiceField(
            label="Mitigating factors",
            choices=_named(rb.guidelines.mitigating),
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["sanction"] = forms.ChoiceField(
            label="Sanction",
            choices=[("", "Choose the sanction"), *_named(rb.sanctions)],
            widget=forms.Select(attrs=preview),
            error_messages={"required": "Choose the sanction, or no further action."},
        )
        longest = max((s.max_months or 0 for s in rb.sanctions if s.time_limited), default=0)
        self.fields["suspension_months"] = forms.IntegerField(
            label="Length in months",
            required=False,
            min_value=1,
            max_value=longest or None,
            help_text="For a time-limited sanction such as suspension only.",
            error_messages={"invalid": "The length in months must be a whole number, such as 6."},
        )
        self.fields["departure_reason"] = text(
            "Reasons for departing from the guideline",
            required=False,
            help_text="Needed only when the sanction is outside the guideline's range. Oversight is told.",
        )
        # REQ 22. Found here, not taken from the request, so that what the decision records is what this server
        # showed; with nothing comparable there is nothing to consider and no box to tick.
        self.precedents = comparables(ctx.case, rb)
        if self.precedents.decisions:
            self.fields[CONSIDERED] = forms.BooleanField(
                label="The panel considered these comparable decisions",
                help_text="The decision records which comparable past decisions the panel had before it.",
                template_name="cases/_checkbox_field.html",
                error_messages={
                    "required": "Tick the box to record that the panel considered the comparable past decisions "
                    "shown on this page."
                },
            )
            # The page always posts back what it showed (the API, which shows nothing, does not): another decision
            # recorded while the form was open may have changed the list, even from nothing to something. The panel
            # must look at the new one, so a tick given to the old one does not count.
            if self.is_bound and SHOWN in self.data and self._shown_changed():
                self.data = self.data.copy()
                self.data.pop(CONSIDERED, None)
                self.fields[CONSIDERED].error_messages["required"] = (
                    "The comparable past decisions changed while the form was open (another decision was recorded): "
                    "look at them again on this page, then tick the box."
                )

    def _shown_changed(self) -> bool:
        posted = {ref for ref in str(self.data.get(SHOWN, "")).split(",") if ref}
        return posted != set(self.precedents.references)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rb, sanction, months = self.ctx.rulebook, data.get("sanction"), data.get("suspension_months")
        if sanction:
            spec = rb.sanction(sanction)
            if spec.time_limited and months is None:
                self.add_error("suspension_months", f"Give the length of the {spec.name.lower()} in months.")
            elif spec.time_limited and spec.max_months and months > spec.max_months:
                self.add_error("suspension_months", f"{spec.name} lasts {spec.max_months} months at most.")
            elif not spec.time_limited and months is not None:
                self.add_error("suspension_months", f"{spec.name} has no length: leave the months empty.")
        return data

    def guideline(self) -> GuidelineView | None:
        source = self.data if self.is_bound else {}
        return guideline_view(
            self.ctx.rulebook, source.get("culpability", ""), source.get("harm", ""), source.get("sanction", "")
        )

    def sections(self) -> list[Section]:
        rb = self.ctx.rulebook
        sections = [
            Section(
                f"Allegation {n}: clause {a.clause}, {clause_title(rb, a.clause)}",
                [self[f"a{a.pk}_{part}"] for part in ("proven", "reasons", "evidence")],
                intro=a.particulars,
            )
            for n, a in enumerate(self.allegations, 1)
        ]
        sections.append(Section("Sanction", [self[name] for name in ASSESSMENT], extra={"guideline": True}))
        if CONSIDERED in self.fields:
            sections.append(
                Section(
                    "Comparable past decisions",
                    [self[CONSIDERED]],
                    intro="Before deciding, look at how the comparable past decisions on this page were decided.",
                )
            )
        return sections

    def comparables(self) -> Comparables:
        return self.precedents

    def act(self, user: User) -> None:
        data = self.cleaned_data
        findings = [
            wf.Finding(
                a.pk,
                data[f"a{a.pk}_proven"],
                data[f"a{a.pk}_reasons"],
                frozenset(int(pk) for pk in data[f"a{a.pk}_evidence"]),
            )
            for a in self.allegations
        ]
        services.record_decision(
            self.ctx.case,
            user,
            findings=findings,
            sanction=data["sanction"],
            culpability=data["culpability"],
            harm=data["harm"],
            aggravating=data["aggravating"],
            mitigating=data["mitigating"],
            departure_reason=data["departure_reason"],
            suspension_months=data["suspension_months"],
            # Only a ticked box gets here when there were any (the field is required then).
            precedents_considered=self.precedents.references,
        )


class RecordAppealDecisionForm(ActionForm):
    action = Action.RECORD_APPEAL_DECISION
    title = "Record the appeal decision"
    done = "Appeal decision recorded."
    guard_fields = {"reasons": "reasons", "varied_sanction": "sanction"}

    result = forms.ChoiceField(
        label="Result",
        choices=AppealResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the result of the appeal."},
    )
    reasons = text("Reasons", missing="Write down the reasons for the appeal decision.")
    sanction = forms.ChoiceField(
        label="Varied sanction",
        required=False,
        help_text="Only when the sanction is varied: one of the milder sanctions.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rb, decision = self.ctx.rulebook, self.ctx.file.decision
        milder = [s for s in rb.sanctions if decision and rb.sanction_rank(s.id) < rb.sanction_rank(decision.sanction)]
        self.fields["sanction"].choices = [("", "No change"), *_named(milder)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("result") == AppealResult.VARIED and not data.get("sanction"):
            self.add_error("sanction", "Choose the sanction the appeal varies it to.")
        return data

    def act(self, user: User) -> None:
        data = self.cleaned_data
        result = wf.AppealResult(data["result"])
        services.record_appeal_decision(
            self.ctx.case,
            user,
            result=result,
            reasons=data["reasons"],
            sanction=data["sanction"] if result == wf.AppealResult.VARIED else "",
        )
