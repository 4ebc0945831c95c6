"""The two-factor page, password reset, and the page a locked account gets."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from fairhearing.accounts import two_factor
from fairhearing.accounts.forms import CodeForm, PasswordResetForm
from fairhearing.accounts.landing import landing_url
from fairhearing.accounts.signin import password_was_reset


def _next_url(request: HttpRequest) -> str:
    """Where to go after the code: `next` if it is on this site, else the user's landing page. Never another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return landing_url(request.user)


@login_required
@never_cache
@sensitive_post_parameters("code")
def two_factor_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    # Members are never asked; a session that already gave a code has nothing to do here.
    if not two_factor.needs_two_factor(user) or user.is_verified():
        return HttpResponseRedirect(next_url)
    device = two_factor.confirmed_device(user)
    setting_up = device is None
    if setting_up:
        device = two_factor.setup_device(user)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            result = two_factor.verify_code(request, device, form.cleaned_data["code"])
            if result.ok:
                return HttpResponseRedirect(next_url)
            if result.retry_at is not None:
                wait = max(1, int((result.retry_at - timezone.now()).total_seconds() + 0.999))
                form.add_error("code", f"Too many wrong codes in a row. Wait {wait} seconds, then enter the new code.")
            else:
                form.add_error("code", "That code is not right. Enter the code the app shows now.")
        status = 400
    context = {"form": form, "next": next_url, "setting_up": setting_up}
    if setting_up:
        context |= {"secret": two_factor.secret_text(device), "qr_code": two_factor.qr_code_data_uri(device)}
    return render(request, "accounts/two_factor.html", context, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            password_was_reset(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def _last_counted_failure(request: HttpRequest, credentials: dict | None) -> datetime:
    """The lock runs from the last failure axes counted (tries while locked are not counted, see settings)."""
    username = get_client_username(request, credentials)
    last = AccessAttempt.objects.filter(username=username).aggregate(last=Max("attempt_time"))["last"]
    return last or timezone.now()


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes calls this (AXES_LOCKOUT_CALLABLE) for a sign-in refused because the account is locked."""
    cool_off: timedelta | None = get_cool_off(request)
    context = {
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "retry_at": timezone.localtime(_last_counted_failure(request, credentials) + cool_off) if cool_off else None,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
