from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "fairhearing.outbox"
    label = "outbox"
    verbose_name = "Email outbox"
