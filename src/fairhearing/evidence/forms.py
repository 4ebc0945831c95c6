from __future__ import annotations

from django import forms

from fairhearing.procedure.admissibility import Ruling


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
