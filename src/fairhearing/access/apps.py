from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "fairhearing.access"
    verbose_name = "Access rules"

    def ready(self) -> None:
        # Registering the permissions is a side effect of importing the module.
        from fairhearing.access import rules  # noqa: F401
