"""Form fields whose error messages say in plain words which answer is missing or wrong.

Django's own "This field is required." does not name the field; the error summary at the top of a form is read
on its own (often by a screen reader), so every message here does.
"""

from __future__ import annotations

from django import forms


def text(label: str, *, missing: str = "", help_text: str = "", required: bool = True, rows: int = 4) -> forms.Field:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": missing or f"Write down the {label.lower()}."},
    )


def line(label: str, *, missing: str = "", help_text: str = "", required: bool = True) -> forms.Field:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=200,
        error_messages={"required": missing or f"Enter the {label.lower()}."},
    )


def yes_no(label: str, *, help_text: str = "") -> forms.Field:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": f"Answer yes or no: {label[0].lower()}{label[1:]}"},
    )


def day(label: str, *, help_text: str = "", required: bool = True) -> forms.Field:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": f"The {label.lower()} must be a date written as year-month-day, such as 2026-03-25.",
        },
    )
