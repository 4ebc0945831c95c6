from django.contrib.auth.views import LogoutView
from django.urls import path

from fairhearing.web import portal, portal_actions, portal_cases, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", views.rules, name="rules"),
    path("healthz", views.health, name="health"),
    path("accounts/login/", portal.SignInView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("portal/", portal.portal, name="portal"),
    path("portal/my-data/", portal.my_data, name="my_data"),
    path("portal/cases/<str:reference>/", portal_cases.case_page, name="portal_case"),
    path("portal/cases/<str:reference>/notice/", portal_cases.notice_bundle, name="portal_notice"),
    path("portal/cases/<str:reference>/bundle.zip", portal_cases.notice_bundle_zip, name="portal_bundle_zip"),
    path("portal/cases/<str:reference>/respond/", portal_actions.respond, name="portal_respond"),
    path("portal/cases/<str:reference>/appeal/", portal_actions.appeal, name="portal_appeal"),
]
