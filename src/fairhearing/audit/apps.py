from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fairhearing.audit"
    label = "audit"
    verbose_name = "Audit log"
