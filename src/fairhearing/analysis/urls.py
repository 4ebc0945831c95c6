from django.urls import path

from fairhearing.analysis import views

app_name = "analysis"

urlpatterns = [
    path("oversight/analysis/", views.latest, name="latest"),
]
