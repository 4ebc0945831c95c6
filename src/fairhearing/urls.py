from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "fairhearing administration"
admin.site.site_title = "fairhearing"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("fairhearing.evidence.urls")),
    path("", include("fairhearing.privacy.urls")),
    path("", include("fairhearing.web.urls")),
]
