from django.urls import path

from fairhearing.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", views.rules, name="rules"),
    path("healthz", views.health, name="health"),
]
