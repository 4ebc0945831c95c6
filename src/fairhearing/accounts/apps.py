from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fairhearing.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # Connects the receivers that put sign-ins, failures and lockouts on the audit log.
        from fairhearing.accounts import signin_log  # noqa: F401
