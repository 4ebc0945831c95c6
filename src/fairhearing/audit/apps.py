from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "fairhearing.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from fairhearing.audit.admin_changes import record_admin_change

        # The Django admin records its own changes as LogEntry rows; each also goes on the audit log.
        post_save.connect(record_admin_change, sender=LogEntry, dispatch_uid="fairhearing.audit.admin_changes")
