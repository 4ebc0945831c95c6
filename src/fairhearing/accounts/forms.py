from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm

from fairhearing.accounts.models import User
from fairhearing.audit import log as audit


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code the app shows now. It changes every 30 seconds.",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "none", "size": 8}
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) not in (6, 8):
            raise forms.ValidationError("Enter the 6 digits the app shows, with no letters.")
        return code


class PasswordResetForm(DjangoPasswordResetForm):
    def get_users(self, email: str):
        """Django skips accounts without a usable password, but here that means "not set yet": accounts made by an
        administrator or the demo get their first password through this form (fairhearing.accounts.services)."""
        return (
            u
            for u in User.objects.filter(email__iexact=email, is_active=True)
            if u.email.casefold() == email.casefold()
        )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs) -> None:
        user = context["user"]
        audit.record(
            None,
            "account.password_reset_sent",
            "user",
            user.pk,
            summary=f"A password reset link was emailed to the address of account {user.pk}.",
            subjects=[user.member_id],
            label="someone asking for a password reset",
        )
        super().send_mail(subject_template_name, email_template_name, context, from_email, to_email, **kwargs)
