from __future__ import annotations

from django import forms

from fairhearing.cases.models import (
    ATTRIBUTION_CHOICES,
    PROVENANCE_CHOICES,
    VISIBILITY_CHOICES,
    EvidenceKind,
)
from fairhearing.procedure.admissibility import Attribution, Facts, Provenance, Ruling, Visibility


class RulingForm(forms.Form):
    ruling = forms.ChoiceField(
        choices=[(Ruling.ADMIT.value, "Admit"), (Ruling.EXCLUDE.value, "Exclude")],
        widget=forms.RadioSelect,
        label="Ruling",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reasons",
        help_text="Recorded on the case and shown to the panel. Say why the evidence may or may not be relied on.",
        required=False,
    )


class EvidenceForm(forms.Form):
    """Every fact the rules need about an item. The service decides what is required; the form only parses."""

    kind = forms.ChoiceField(choices=EvidenceKind.choices, label="Kind of evidence")
    description = forms.CharField(label="Description", required=False, help_text="What the item is, in a sentence.")
    file = forms.FileField(label="File", required=False, help_text="A screenshot, PDF, email export or document.")
    text = forms.CharField(
        label="Text", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="A transcript or a note."
    )
    source_url = forms.URLField(label="Web address", required=False, assume_scheme="https")
    original_source = forms.CharField(
        label="Original source", required=False, help_text="Where the original is, e.g. an account or a minute book."
    )
    provenance = forms.ChoiceField(choices=PROVENANCE_CHOICES, label="How it was obtained")
    attribution = forms.ChoiceField(choices=ATTRIBUTION_CHOICES, label="Whose account it came from")
    attribution_method = forms.CharField(
        label="How the account was verified", required=False, help_text="Needed when the account is verified."
    )
    visibility = forms.ChoiceField(choices=VISIBILITY_CHOICES, label="Public or private")
    captured_at = forms.DateTimeField(
        label="Captured at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="For online content: when it was captured.",
    )
    captured_by = forms.CharField(label="Captured by", required=False)
    lawful_basis = forms.CharField(
        label="Legal condition relied on", required=False, help_text="For online content, e.g. UK GDPR Art. 9(2)(d)."
    )
    content_date = forms.DateField(
        label="Date of the original",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When the post, message or document was written, if known.",
    )


def facts_from(data: dict) -> Facts:
    """The facts the evidence rules judge, from an EvidenceForm's cleaned data (the web page's and the API's)."""
    captured_at = data["captured_at"]
    return Facts(
        provenance=Provenance(data["provenance"]),
        attribution=Attribution(data["attribution"]),
        attribution_method=data["attribution_method"],
        visibility=Visibility(data["visibility"]),
        source_url=data["source_url"],
        original_source=data["original_source"],
        captured_on=captured_at.date() if captured_at else None,
        captured_by=data["captured_by"],
        lawful_basis=data["lawful_basis"],
        content_date=data["content_date"],
    )


# Which form field each refusal of the evidence rules is about; the rest are shown for the whole form.
REFUSAL_FIELDS = {
    "file": "file",
    "description": "description",
    "source": "source_url",
    "captured_at": "captured_at",
    "captured_by": "captured_by",
    "lawful_basis": "lawful_basis",
    "attribution_method": "attribution_method",
    "visibility": "visibility",
    "content_date": "content_date",
    "provenance": "provenance",
}
