"""Django's admin, for administrators only - and "not found" for everyone else who is signed in.

The stock admin sends a signed-in member who types /admin/ to its own sign-in page, which tells them there is
something there. Everywhere else a refusal looks like a page that does not exist, so here too.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404


class FairhearingAdminSite(admin.AdminSite):
    site_header = "fairhearing administration"
    site_title = "fairhearing"

    def _refuse_signed_in_outsiders(self, request) -> None:
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        @wraps(view)
        def inner(request, *args, **kwargs):
            self._refuse_signed_in_outsiders(request)
            return guarded(request, *args, **kwargs)

        return inner

    def login(self, request, extra_context=None):
        self._refuse_signed_in_outsiders(request)
        return super().login(request, extra_context)


class FairhearingAdminConfig(AdminConfig):
    default_site = "fairhearing.admin_site.FairhearingAdminSite"
