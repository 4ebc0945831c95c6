"""Database triggers that refuse to change or delete what the audit log has recorded.

Django's own code never updates or deletes these rows; the triggers stop anyone else doing it quietly, through
the database, a shell or a bug. Erasing a whole database (`flush`, as the demo's `--reset` and the test runner
do) lifts them for the moment it takes and puts them back: that is a wipe anybody notices, not a quiet edit.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

PROTECTED_TABLES = ("audit_auditevent", "audit_merklenode", "audit_checkpoint")
MESSAGE = "the audit log is append-only: its entries, tree and checkpoints cannot be changed or deleted"


def _sqlite_statements(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{what} BEFORE {what.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        for what in ("update", "delete")
    ]


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION fairhearing_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}';
END;
$$ LANGUAGE plpgsql
"""


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_FUNCTION)
            for table in PROTECTED_TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION fairhearing_append_only()"
                )
        elif connection.vendor == "sqlite":
            for table in PROTECTED_TABLES:
                for statement in _sqlite_statements(table):
                    cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for table in PROTECTED_TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
