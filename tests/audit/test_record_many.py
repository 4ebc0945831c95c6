"""Appending many entries at once (`record_many`, for bulk imports) gives exactly the log that appending them one by
one would: the same entries, leaf hashes, stored tree nodes and head."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction

from fairhearing.audit.log import Entry, canonical_entry, record, record_many
from fairhearing.audit.models import AuditEvent, LogHead, MerkleNode
from fairhearing.audit.verify import verify_log
from fairhearing.procedure import merkle

pytestmark = pytest.mark.django_db

AT = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def entries(count: int, start: int = 0) -> list[Entry]:
    return [
        Entry(
            "test.bulk",
            "thing",
            i,
            summary=f"Entry number {i}.",
            case_reference=f"C-{i % 7}",
            subjects=[i % 3 or None, 5],
            data={"i": i, "when": AT.date()},
            at=AT + timedelta(seconds=i),
        )
        for i in range(start, start + count)
    ]


def snapshot() -> tuple:
    return (
        [(canonical_entry(e), bytes(e.leaf_hash)) for e in AuditEvent.objects.order_by("index")],
        sorted((n.level, n.index, bytes(n.hash)) for n in MerkleNode.objects.all()),
        [(h.size, bytes(h.root), bytes(h.border)) for h in LogHead.objects.all()],
    )


def one_by_one(items: list[Entry]) -> None:
    for e in items:
        record(
            None,
            e.action,
            e.object_type,
            e.object_id,
            summary=e.summary,
            case_reference=e.case_reference,
            subjects=e.subjects,
            data=e.data,
            at=e.at,
            label="importer",
        )


@pytest.mark.parametrize(("already", "count", "batch"), [(0, 1, 10), (0, 64, 10), (5, 100, 7), (13, 37, 1000)])
def test_many_at_once_is_the_same_log_as_one_by_one(already, count, batch):
    one_by_one(entries(already))
    with transaction.atomic():
        one_by_one(entries(count, already))
        expected = snapshot()
        transaction.set_rollback(True)
    assert record_many(None, entries(count, already), label="importer", batch_size=batch) == count
    assert snapshot() == expected
    tree = merkle.MemoryTree.of_entries([canonical_entry(e) for e in AuditEvent.objects.order_by("index")])
    assert bytes(LogHead.objects.get().root) == tree.root()
    assert verify_log().size == already + count


def test_nothing_to_append_leaves_the_log_as_it_was():
    one_by_one(entries(3))
    before = snapshot()
    assert record_many(None, []) == 0
    assert snapshot() == before


def test_entries_with_their_own_actors_are_the_same_log_as_recording_each_by_its_actor(django_user_model):
    # A history written in bulk has many actors: each entry may name its own, as `record` would record it.
    clerk = django_user_model.objects.create_user(username="clerk", first_name="Ada", last_name="Clerk")
    actors = [(None, "Ruth Baker (case officer)"), (clerk, "Ada Clerk"), (None, "fairhearing")]
    items = entries(9)
    with transaction.atomic():
        for i, e in enumerate(items):
            user, label = actors[i % 3]
            record(
                user,
                e.action,
                e.object_type,
                e.object_id,
                summary=e.summary,
                case_reference=e.case_reference,
                subjects=e.subjects,
                data=e.data,
                at=e.at,
                label=label,
            )
        expected = snapshot()
        transaction.set_rollback(True)
    own = [
        replace(e, actor_label=actors[i % 3][1], actor_id=actors[i % 3][0].pk if actors[i % 3][0] else None)
        for i, e in enumerate(items)
    ]
    assert record_many(None, own, label="ignored for entries naming their own actor") == 9
    assert snapshot() == expected
    assert verify_log().size == 9
