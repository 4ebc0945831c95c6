from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from fairhearing.migration_state import NOT_MIGRATED, has_pending_migrations
from fairhearing.web.server import run_server


class Command(BaseCommand):
    help = "Serve fairhearing with gunicorn, static files included."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--migrate", action="store_true", help="apply pending database migrations first")

    def handle(self, *args, host: str, port: int, workers: int, threads: int, migrate: bool, **options):
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if has_pending_migrations():
            raise CommandError(f"{NOT_MIGRATED} (or `fairhearing serve --migrate`)")
        connections.close_all()
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"fairhearing is serving on http://{host}:{port}/ (Ctrl+C stops it)")
        run_server(host=host, port=port, workers=workers, threads=threads)
