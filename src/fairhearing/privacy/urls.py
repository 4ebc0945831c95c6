from django.urls import path

from fairhearing.privacy import views

app_name = "privacy"

urlpatterns = [
    path("dpo/", views.overview, name="overview"),
    path("dpo/holds/", views.holds, name="holds"),
    path("dpo/holds/<int:pk>/release/", views.release_hold, name="release_hold"),
    path("dpo/erasure/", views.erasure, name="erasure"),
    path("dpo/erasure/<int:pk>/decide/", views.decide_erasure, name="decide_erasure"),
    path("dpo/subject-access/", views.subject_access, name="subject_access"),
    path("dpo/subject-access/<int:pk>/export/", views.export_request, name="export_request"),
    path("dpo/subject-access/<int:pk>/extend/", views.extend_request, name="extend_request"),
]
