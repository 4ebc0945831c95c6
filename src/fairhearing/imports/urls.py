from django.urls import path

from fairhearing.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.import_page, name="import"),
]
