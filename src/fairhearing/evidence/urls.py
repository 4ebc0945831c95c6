from django.urls import path

from fairhearing.evidence import views

app_name = "evidence"

urlpatterns = [
    path("dpo/evidence/", views.queue, name="queue"),
    path("dpo/evidence/<int:pk>/rule/", views.rule, name="rule"),
    path("evidence/<int:pk>/file/", views.file, name="file"),
    path("cases/<str:reference>/evidence/add/", views.add, name="add"),
]
