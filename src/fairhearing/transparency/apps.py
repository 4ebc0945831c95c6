from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "fairhearing.transparency"
    label = "transparency"
    verbose_name = "Transparency reports"
