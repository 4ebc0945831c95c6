from django.urls import path

from fairhearing.cases import views

app_name = "cases"

urlpatterns = [path("cases/<str:reference>/", views.case_page, name="case")]
