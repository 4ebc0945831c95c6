from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "fairhearing.privacy"
    label = "privacy"
    verbose_name = "Data protection"
