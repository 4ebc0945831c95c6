from django.urls import path

from fairhearing.accounts import token_views, views

app_name = "accounts"

urlpatterns = [
    path("accounts/two-factor/", views.two_factor_page, name="two_factor"),
    path("accounts/password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/tokens/", token_views.tokens_page, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", token_views.revoke, name="revoke_token"),
]
