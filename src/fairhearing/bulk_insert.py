"""Inserting many rows fast, for bulk work (imports, the audit log's batch append): COPY on PostgreSQL, one prepared
statement run with `executemany` elsewhere.

`bulk_create` compiles a fresh multi-row INSERT for every batch, converting each value through the ORM's
compiler: at a million rows that is most of the time spent. Here nothing is validated and no ids are read back:
use it for rows already checked that nothing refers to in the same breath (use `bulk_create` for those that are).
It runs inside the caller's transaction, so a failure leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from itertools import batched

from django.db import DatabaseError, connection, transaction
from django.db.models import Model

logger = logging.getLogger(__name__)

BATCH = 50_000  # rows per statement: big enough to be fast, small enough to report progress


def insert_tuples(
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple],
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Insert plain tuples, in the order of `columns`, already in the database's own types."""
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for its COPY support
            with raw.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for done, row in enumerate(rows, start=1):
                    copy.write_row(row)
                    if progress is not None and done % BATCH == 0:
                        progress(done)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"  # noqa: S608 - names from the model
            for start in range(0, len(rows), BATCH):
                cursor.executemany(sql, rows[start : start + BATCH])
                if progress is not None:
                    progress(min(start + BATCH, len(rows)))


def insert_rows(model: type[Model], objects: Iterable[Model], *, batch_size: int = 5000, keep_pk: bool = False) -> int:
    """Insert unsaved instances of `model`; returns how many. Each value goes through its field's own
    `get_db_prep_save`, exactly as Django converts it for an insert, so what lands in the database is the same.
    `keep_pk`: the instances carry ids chosen by the caller (so other rows can refer to them without reading ids
    back); the caller then resets the table's sequence on PostgreSQL (`reset_sequences`)."""
    fields = [f for f in model._meta.concrete_fields if keep_pk or not f.primary_key]
    columns = [f.column for f in fields]
    count = 0
    for batch in batched(objects, batch_size):
        rows = [tuple(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields) for obj in batch]
        insert_tuples(model._meta.db_table, columns, rows)
        count += len(batch)
    return count


def reset_sequences(models: Sequence[type[Model]]) -> None:
    """After inserting rows with ids chosen by the caller: move PostgreSQL's id sequences past them, so the next
    ordinary insert does not collide. (SQLite's AUTOINCREMENT follows the largest id by itself.)"""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# Rows written at once above which the planner's statistics are refreshed straight away rather than left to autovacuum.
BIG_LOAD = 10_000


def refresh_statistics(models: Sequence[type[Model]] = ()) -> None:
    """After a bulk load on PostgreSQL: gather the planner's statistics now (on all of the project's tables when
    `models` is empty).

    Autovacuum gets to a freshly loaded table only minutes later; until then PostgreSQL plans as if the table were
    as small as before the load (nested loops over what are now hundreds of thousands of rows), and without a vacuum
    its visibility map is empty, so counts cannot be answered from an index alone. VACUUM cannot run inside a
    transaction, so inside one only ANALYZE runs. On SQLite nothing is done: it keeps no statistics unless asked, and
    the plans it makes without them are the ones the benchmarks measured.

    The data is already written when this runs, and statistics only make it faster to read: a failure here (a lock
    wait cancelled, say) is logged, never raised, so it cannot undo or fail the load it follows."""
    if connection.vendor != "postgresql":
        return
    names = [m._meta.db_table for m in models] or connection.introspection.django_table_names(only_existing=True)
    tables = ", ".join(connection.ops.quote_name(name) for name in sorted(set(names)))
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    try:
        # Inside a transaction, in a savepoint of its own, so that a failure leaves the caller's transaction usable.
        with transaction.atomic() if in_transaction else nullcontext(), connection.cursor() as cursor:
            cursor.execute(f"{'ANALYZE' if in_transaction else 'VACUUM (ANALYZE)'} {tables}")
    except DatabaseError:
        logger.warning("the planner's statistics could not be gathered after a bulk load", exc_info=True)
