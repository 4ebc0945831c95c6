from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "fairhearing.workspace"
    verbose_name = "Staff workspace"
