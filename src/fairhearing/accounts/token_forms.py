"""The form that makes a personal API token. The service (fairhearing.api.tokens) checks it again and has the
last word; the form is here so the page can name the field at fault."""

from __future__ import annotations

from django import forms

from fairhearing.api.models import TokenScope
from fairhearing.api.tokens import DEFAULT_DAYS, MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        help_text="What the token is for, so you know it again in this list, such as 'CRM sync'.",
        max_length=100,
        error_messages={
            "required": "Give the token a name that says what it is for, such as 'CRM sync'.",
            "max_length": "The name must be 100 characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label="What it may do",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="A read token can only look; give a program write access only if it must change things.",
        error_messages={"required": "Choose what the token may do.", "invalid_choice": "Choose read or write."},
    )
    days = forms.IntegerField(
        label="Days until it expires",
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        help_text=f"Between 1 and {MAX_DAYS}. Make a new token when it runs out.",
        error_messages={
            "required": "Say how many days the token should last.",
            "invalid": "Enter a whole number of days.",
            "min_value": f"A token lasts between 1 and {MAX_DAYS} days.",
            "max_value": f"A token lasts between 1 and {MAX_DAYS} days.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
