from django.contrib.auth.views import LogoutView
from django.urls import path

from fairhearing.web import portal, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", views.rules, name="rules"),
    path("healthz", views.health, name="health"),
    path("accounts/login/", portal.SignInView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("portal/", portal.portal, name="portal"),
    path("portal/my-data/", portal.my_data, name="my_data"),
]
