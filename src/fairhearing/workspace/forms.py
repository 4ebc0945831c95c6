"""The case list's filters, and oversight's flag and note forms."""

from __future__ import annotations

from django import forms

from fairhearing.cases.models import FlagKind
from fairhearing.organisation.models import Body
from fairhearing.procedure.stages import Stage

SORTS = {
    "-received": ("-received_at", "-pk"),
    "received": ("received_at", "pk"),
    "due": ("due_on", "pk"),
    "reference": ("reference",),
    "stage": ("stage", "-received_at", "-pk"),
}
SORT_LABELS = [
    ("-received", "Newest first"),
    ("received", "Oldest first"),
    ("due", "Due soonest"),
    ("reference", "Reference"),
    ("stage", "Stage"),
]


class DateInput(forms.DateInput):
    input_type = "date"


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="A reference, a member's name or number, or words from the allegations.",
    )
    stage = forms.MultipleChoiceField(
        label="Stage", required=False, choices=[(s.value, s.label) for s in Stage], widget=forms.CheckboxSelectMultiple
    )
    body = forms.ModelChoiceField(label="Body", required=False, queryset=Body.objects.none(), empty_label="Any body")
    clause = forms.CharField(label="Clause", required=False, max_length=64, help_text="A clause id, e.g. 2.1.")
    overdue = forms.BooleanField(label="Only overdue cases", required=False)
    suspended = forms.BooleanField(label="Only cases with an interim suspension in force", required=False)
    received_from = forms.DateField(label="Received on or after", required=False, widget=DateInput)
    received_to = forms.DateField(label="Received on or before", required=False, widget=DateInput)
    sort = forms.ChoiceField(label="Order", required=False, choices=SORT_LABELS)

    def __init__(self, *args, bodies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies if bodies is not None else Body.objects.all()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "This date is before the 'received on or after' date.")
        return data


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label="Concern", choices=FlagKind.choices)
    detail = forms.CharField(
        label="What needs an answer", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, strip=True
    )


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, strip=True)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label="Answer", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, strip=True)
