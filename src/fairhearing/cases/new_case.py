"""The form for a new complaint: who it is about, who complains, how it came in, and one or more allegations.

The form parses; `services.open_case` judges the complaint under the rulebook in force when the conduct happened
and routes it by the published rules, or refuses with its reasons (shown at the top of the form).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.cases import services
from fairhearing.cases.actions.fields import day, text
from fairhearing.cases.actions.problems import in_words
from fairhearing.cases.models import Case, CaseSource, ComplainantKind
from fairhearing.organisation.models import Member, RulebookVersion
from fairhearing.organisation.selectors import current_rulebook_version
from fairhearing.procedure.errors import ActionRefused

# Which field each refusal of `open_case` is about; the rest are shown for the whole form.
GUARD_FIELDS = {"complainant": "complainant_member"}


def _member(number: str) -> Member | None:
    return Member.objects.filter(membership_number__iexact=number.strip()).first() if number.strip() else None


class ComplaintForm(forms.Form):
    respondent = forms.CharField(
        label="Respondent's membership number",
        max_length=32,
        help_text="The member the complaint is about.",
        error_messages={"required": "Enter the respondent's membership number."},
    )
    complainant_kind = forms.ChoiceField(
        label="Who complains",
        choices=ComplainantKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who complains."},
    )
    complainant_member = forms.CharField(
        label="Complainant's membership number",
        max_length=32,
        required=False,
        help_text="When the complainant is a member.",
    )
    complainant_name = forms.CharField(
        label="Complainant's name", max_length=200, required=False, help_text="When the complainant is not a member."
    )
    complainant_email = forms.EmailField(
        label="Complainant's email address",
        required=False,
        error_messages={"invalid": "The complainant's email address must be written like name@example.org."},
    )
    source = forms.ChoiceField(
        label="How the complaint came in",
        # Imported historical records come in through the import, not this form.
        choices=[(value, label) for value, label in CaseSource.choices if value != CaseSource.IMPORT],
        error_messages={"required": "Choose how the complaint came in."},
    )

    def clean_respondent(self) -> Member:
        number = self.cleaned_data["respondent"]
        member = _member(number)
        if member is None:
            raise forms.ValidationError(f"No member has the membership number {number}.")
        return member

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, number = data.get("complainant_kind"), data.get("complainant_member", "")
        if kind == ComplainantKind.MEMBER:
            if not number:
                self.add_error("complainant_member", "Enter the complainant's membership number.")
            elif (member := _member(number)) is None:
                self.add_error("complainant_member", f"No member has the membership number {number}.")
            else:
                data["complainant_member"] = member
        elif number:
            self.add_error("complainant_member", "Give a membership number only when the complainant is a member.")
        if kind == ComplainantKind.NON_MEMBER and not data.get("complainant_name", "").strip():
            self.add_error("complainant_name", "Enter the complainant's name.")
        return data


def clause_choices() -> list[tuple[str, str]]:
    """The clauses of the rulebook in force today (or the latest loaded), by category; a complaint about older
    conduct is checked against the version in force then, and a clause it lacks is refused with that reason."""
    version = current_rulebook_version() or RulebookVersion.objects.order_by("-effective_from").first()
    if version is None:
        return []
    rb = version.rulebook
    return [(c.id, f"{c.id} {c.title}") for c in rb.clauses]


class AllegationForm(forms.Form):
    clause = forms.ChoiceField(label="Clause", error_messages={"required": "Choose the clause alleged."})
    particulars = text("Particulars", missing="Write down what the respondent is alleged to have done.", rows=3)
    conduct_date = day("Date of the conduct")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clause"].choices = [("", "Choose a clause"), *clause_choices()]

    def clean_conduct_date(self) -> date:
        conduct = self.cleaned_data["conduct_date"]
        if conduct > timezone.localdate():
            raise forms.ValidationError("The date of the conduct cannot be in the future.")
        return conduct


class _Allegations(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": "Give at least one allegation.",
        "too_many_forms": "A case can have at most %(num)d allegations: open another case for the rest.",
    }

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        number = (index or 0) + 1
        for name in ("clause", "particulars", "conduct_date"):
            form.fields[name].label = f"{form.fields[name].label} (allegation {number})"


AllegationFormSet = forms.formset_factory(
    AllegationForm, formset=_Allegations, extra=0, min_num=1, validate_min=True, max_num=20, validate_max=True
)


def allegation_formset(data: Any = None, *, more: bool = False) -> forms.BaseFormSet:
    """The allegations; `more` adds an empty one (the 'Add another allegation' button, which works without
    JavaScript: the form comes back with one more row and nothing is saved)."""
    formset = AllegationFormSet(data, prefix="allegations")
    if more and data is not None:
        data = data.copy()
        data["allegations-TOTAL_FORMS"] = str(min(formset.total_form_count() + 1, 20))
        formset = AllegationFormSet(data, prefix="allegations")
    return formset


def open_from(complaint: ComplaintForm, allegations: forms.BaseFormSet, user: User) -> Case:
    """Open the case from valid forms (the web page's and the API's); raises ActionRefused, having saved nothing."""
    data = complaint.cleaned_data
    kind = data["complainant_kind"]
    return services.open_case(
        user=user,
        respondent=data["respondent"],
        allegations=[
            services.AllegationInput(a["clause"], a["particulars"], a["conduct_date"])
            for a in allegations.cleaned_data
            if a
        ],
        source=data["source"],
        complainant_kind=kind,
        complainant_member=data["complainant_member"] if kind == ComplainantKind.MEMBER else None,
        complainant_name=data["complainant_name"],
        complainant_email=data["complainant_email"],
    )


def open_complaint(complaint: ComplaintForm, allegations: forms.BaseFormSet, user: User) -> Case | None:
    """Open the case; on a refusal put the reasons on the forms and return None (nothing was saved)."""
    try:
        return open_from(complaint, allegations, user)
    except ActionRefused as refused:
        for guard, message in in_words(refused):
            complaint.add_error(GUARD_FIELDS.get(guard), message)
        return None
