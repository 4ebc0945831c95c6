from django.urls import path

from fairhearing.cases import views
from fairhearing.cases.actions import views as actions

app_name = "cases"

urlpatterns = [
    # Before the case page: "new" is not a case reference.
    path("cases/new/", views.new_case, name="new"),
    path("cases/<str:reference>/", views.case_page, name="case"),
    path("cases/<str:reference>/act/record_decision/guideline/", actions.guideline, name="guideline"),
    path("cases/<str:reference>/act/<str:action>/", actions.act, name="act"),
]
