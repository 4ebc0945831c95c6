from django.urls import path

from fairhearing.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/checkpoint", views.checkpoint, name="checkpoint"),
    path("audit/key", views.key, name="key"),
    path("audit/consistency", views.consistency, name="consistency"),
    path("audit/entries/<int:index>/proof", views.inclusion, name="inclusion"),
]
