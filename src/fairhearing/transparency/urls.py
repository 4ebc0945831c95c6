from django.urls import path

from fairhearing.transparency import views

app_name = "transparency"

urlpatterns = [
    path("statistics/", views.releases, name="releases"),
    path("statistics/<slug:slug>/", views.release, name="release"),
    path("statistics/<slug:slug>/report.pdf", views.release_pdf, name="release_pdf"),
    path("statistics/<slug:slug>/report.json", views.release_json, name="release_json"),
    path("statistics/<slug:slug>/report.html", views.release_document, name="release_document"),
    path("statistics/<slug:slug>/<slug:table>.csv", views.table_csv, name="table_csv"),
]
