from django.urls import path

from fairhearing.workspace import views

app_name = "workspace"

urlpatterns = [
    path("work/", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="case_list"),
    path("oversight/", views.oversight, name="oversight"),
    path("cases/<str:reference>/flags/", views.raise_flag, name="raise_flag"),
    path("cases/<str:reference>/notes/", views.add_note, name="add_note"),
    path("flags/<int:pk>/answer/", views.resolve_flag, name="resolve_flag"),
]
