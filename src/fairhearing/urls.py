from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "fairhearing administration"
admin.site.site_title = "fairhearing"
# Bulk deletion writes its admin log in bulk, which the audit log cannot see (fairhearing.audit.admin_changes).
admin.site.disable_action("delete_selected")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("fairhearing.api.urls")),
    path("", include("fairhearing.accounts.urls")),
    path("", include("fairhearing.audit.urls")),
    path("", include("fairhearing.workspace.urls")),
    path("", include("fairhearing.analysis.urls")),
    path("", include("fairhearing.transparency.urls")),
    path("", include("fairhearing.cases.urls")),
    path("", include("fairhearing.evidence.urls")),
    path("", include("fairhearing.privacy.urls")),
    path("", include("fairhearing.imports.urls")),
    path("", include("fairhearing.web.urls")),
]
