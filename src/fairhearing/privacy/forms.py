"""The data protection officer's forms. They only parse and look up; the services decide what is allowed.

Reasons are optional here so that a blank one reaches the service, whose message says what is missing.
"""

from __future__ import annotations

from django import forms

from fairhearing.cases.models import Case
from fairhearing.organisation.models import Member
from fairhearing.privacy import selectors


def _reason(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(label=label, help_text=help_text, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class _MemberForm(forms.Form):
    membership_number = forms.CharField(
        label="Membership number",
        max_length=32,
        error_messages={"required": "give the member's membership number"},
    )
    member: Member

    def clean_membership_number(self) -> str:
        number = self.cleaned_data["membership_number"].strip()
        member = selectors.member_by_number(number)
        if member is None:
            raise forms.ValidationError(f"no member has membership number {number}")
        self.member = member
        return member.membership_number


class PlaceHoldForm(forms.Form):
    reference = forms.CharField(
        label="Case reference",
        max_length=32,
        help_text="For example FH-2026-00005.",
        error_messages={"required": "give the reference of the case to hold"},
    )
    reason = _reason(
        "Reason for the hold",
        "The claim, complaint or inquiry that needs the records. Kept on the hold only: the timeline and the "
        "audit log say that a hold was placed, not why.",
    )
    case: Case

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        case = selectors.case_by_reference(reference)
        if case is None:
            raise forms.ValidationError(f"no case has the reference {reference}")
        self.case = case
        return case.reference


class ReleaseHoldForm(forms.Form):
    reason = _reason("Reason for releasing the hold", "For example: the claim was settled on 1 September 2026.")


class ErasureRequestForm(_MemberForm):
    details = forms.CharField(
        label="Details of the request",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How and when the member asked, and what they asked for.",
    )


GRANT, REFUSE = "grant", "refuse"


class ErasureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[(GRANT, "Grant: erase the member's data now"), (REFUSE, "Refuse the request")],
        widget=forms.RadioSelect,
        error_messages={"required": "choose whether to grant or refuse the request"},
    )
    reason = _reason(
        "Reasons",
        "Granting anonymises every case the member is a party to, erases its evidence, deletes their "
        "special-category data and anonymises their membership record, at once and for good.",
    )


class SubjectAccessForm(_MemberForm):
    pass


class ExtensionForm(forms.Form):
    extend_to = forms.DateField(
        label="New due date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="At most two further months after the first.",
        error_messages={"required": "give the new due date", "invalid": "give the new due date as a date"},
    )
    reason = _reason("Reasons for the extension", "Why the request is complex or numerous. Tell the member.")
