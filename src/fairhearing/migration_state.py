"""Whether the database is ready, so commands can say what to do instead of failing with a traceback."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

NOT_MIGRATED = "the database has unapplied migrations: run `fairhearing manage migrate` first"


def has_pending_migrations() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
