from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "fairhearing.imports"
    label = "imports"
    verbose_name = "Imports"
