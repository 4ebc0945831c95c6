"""Django's `flush`, which erases every table, with the audit log's append-only triggers lifted while it runs.

Only a whole-database wipe gets past the triggers this way (the demo's `--reset`, the test runner); nothing can
erase or edit part of the log. A wiped log starts again from nothing, which any published checkpoint exposes.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from fairhearing.audit import triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        triggers.remove(connection)
        try:
            return super().handle(**options)
        finally:
            triggers.install(connection)
