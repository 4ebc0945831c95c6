"""The administrator's import form: which kind of file, the file, and for members the CRM preset and column map."""

from __future__ import annotations

from typing import Any

from django import forms

KINDS = [
    ("members", "Members (a membership CRM export)"),
    ("units", "Regions and branches"),
    ("cases", "Historical decided cases"),
]
PRESETS = [
    ("", "fairhearing's own columns"),
    ("civicrm", "CiviCRM contact export"),
    ("nationbuilder", "NationBuilder people export"),
]
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def parse_mapping(lines: list[str]) -> dict[str, str]:
    """`source=target` pairs (one per line, or repeated `--map`); raises ValueError naming a line without '='."""
    mapping: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            continue
        source, equals, target = line.partition("=")
        if not equals or not source.strip() or not target.strip():
            raise ValueError(f"'{line.strip()}' is not written as source=target, such as Member ID=membership_number")
        mapping[source.strip()] = target.strip()
    return mapping


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=KINDS,
        widget=forms.RadioSelect,
        initial="members",
        error_messages={"required": "Choose what the file holds."},
    )
    file = forms.FileField(
        label="The file",
        help_text="CSV (UTF-8 or Windows-1252; commas, semicolons or tabs) or XLSX. The columns are in the guide.",
        error_messages={"required": "Choose the file to import.", "empty": "The file is empty."},
    )
    preset = forms.ChoiceField(
        label="Column names (members only)",
        choices=PRESETS,
        required=False,
        help_text="Pick your CRM if the file is its standard export.",
    )
    mapping = forms.CharField(
        label="Other column names (members only)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, as the file's column=fairhearing's column, e.g. Member ID=membership_number.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
        return upload

    def clean_mapping(self) -> dict[str, str]:
        try:
            return parse_mapping(self.cleaned_data["mapping"].splitlines())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") != "members":
            if data.get("preset"):
                self.add_error("preset", "Column presets are for member files only.")
            if data.get("mapping"):
                self.add_error("mapping", "Column names can be mapped for member files only.")
        return data
