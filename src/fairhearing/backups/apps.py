from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "fairhearing.backups"
    label = "backups"
    verbose_name = "Backups"
