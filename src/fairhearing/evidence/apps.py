from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "fairhearing.evidence"
    label = "evidence"
    verbose_name = "Evidence files"
