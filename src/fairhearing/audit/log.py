"""Appending to the audit log: one call per thing done, inside the transaction that does it.

Each entry becomes a leaf of an RFC 9162 Merkle tree (`fairhearing.procedure.merkle`). The leaf is the SHA-256 of
the entry's canonical bytes (see `canonical_entry` and docs/audit-log.md), so anyone holding the entries can
recompute the tree and check it against a signed checkpoint. Appends lock the log's head row, so two writers can
never both take the same index and fork the tree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from fairhearing.accounts.models import User
from fairhearing.audit.models import AuditEvent, LogHead, MerkleNode
from fairhearing.bulk_insert import insert_rows
from fairhearing.procedure import merkle

SYSTEM_LABEL = "fairhearing (scheduled job)"
ENTRY_VERSION = 1


def actor_label(user: User | None) -> str:
    if user is None:
        return SYSTEM_LABEL
    return user.get_full_name() or user.get_username()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_entry(event: AuditEvent) -> bytes:
    """The bytes a leaf hashes: the entry as JSON with sorted keys, no spaces, UTF-8 (docs/audit-log.md)."""
    return json.dumps(
        {
            "v": ENTRY_VERSION,
            "index": event.index,
            "at": _utc(event.at),
            "actor": event.actor_label,
            "actor_id": event.actor_user_id,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "case": event.case_reference,
            "subjects": event.subject_member_ids,
            "summary": event.summary,
            "data": event.data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode()


def content_digest(*parts: object) -> str:
    """SHA-256 of some content, for an entry that must vouch for what was recorded without keeping it."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class HeldHeadError(Exception):
    """Entries appended while the head was held did not all reach the database: the transaction must not commit."""


@dataclass
class _Held:
    head: LogHead
    compact: merkle.CompactRange


_held: ContextVar[_Held | None] = ContextVar("audit_head_held", default=None)


def current_head(*, lock: bool = False) -> LogHead:
    """The log's head row; `lock` holds it until the transaction ends, as every append does. While the head is
    held (`holding_head`), the held head as it stands, with every append so far."""
    held = _held.get()
    if held is not None:
        _sync(held.head, held.compact)
        return held.head
    rows = LogHead.objects.select_for_update() if lock else LogHead.objects
    head = rows.filter(pk=1).first()
    if head is None:
        LogHead.objects.get_or_create(pk=1, defaults={"size": 0, "root": merkle.EMPTY_ROOT, "border": b""})
        head = rows.get(pk=1)
    return head


def _compact(head: LogHead) -> merkle.CompactRange:
    border = bytes(head.border)
    hashes = {
        position: border[i * merkle.HASH_SIZE : (i + 1) * merkle.HASH_SIZE]
        for i, position in enumerate(merkle.right_border(head.size))
    }
    return merkle.CompactRange.load(head.size, lambda level, index: hashes[(level, index)])


@dataclass(frozen=True)
class Entry:
    """One entry for `record_many`: the arguments `record` takes, less the actor, who is the same for all unless
    the entry names its own (`actor_label`, `actor_id`: a history written in bulk has many actors)."""

    action: str
    object_type: str
    object_id: object = ""
    summary: str = ""
    case_reference: str = ""
    subjects: Iterable[int | None] = ()
    data: dict[str, Any] | None = None
    at: datetime | None = None
    actor_label: str | None = None
    actor_id: int | None = None


def _event(index: int, user: User | None, label: str | None, entry: Entry, now: datetime) -> AuditEvent:
    own_actor = entry.actor_label is not None or entry.actor_id is not None
    event = AuditEvent(
        index=index,
        at=(entry.at or now).astimezone(UTC),
        actor_user_id=entry.actor_id if own_actor else (user.pk if user is not None else None),
        actor_label=(entry.actor_label or actor_label(None)) if own_actor else (label or actor_label(user)),
        action=entry.action,
        object_type=entry.object_type,
        object_id=str(entry.object_id),
        case_reference=entry.case_reference,
        subject_member_ids=sorted({s for s in entry.subjects if s is not None}),
        summary=entry.summary,
        # Through JSON and back, so the stored value re-encodes to exactly the bytes hashed now.
        data=json.loads(json.dumps(entry.data or {}, sort_keys=True, default=str)),
    )
    event.leaf_hash = merkle.leaf_hash(canonical_entry(event))
    return event


def _sync(head: LogHead, compact: merkle.CompactRange) -> None:
    head.size = compact.size
    head.root = compact.root()
    head.border = b"".join(s.hash for s in compact.border)


def _take_head() -> tuple[LogHead, merkle.CompactRange]:
    """The head to append to, locked: the held one, or the row, locked until the transaction ends."""
    held = _held.get()
    if held is not None:
        return held.head, held.compact
    head = current_head(lock=True)
    return head, _compact(head)


def _put_head(head: LogHead, compact: merkle.CompactRange) -> None:
    if _held.get() is None:
        _sync(head, compact)
        head.save(update_fields=["size", "root", "border"])


@contextmanager
def holding_head() -> Iterator[None]:
    """For one transaction that appends tens of thousands of entries one at a time (the national-size demo's
    replay): lock the head once, keep it in memory, and write it back once at the end.

    Every append otherwise updates the one head row, and PostgreSQL keeps each version of a row updated in an open
    transaction until it ends: the thousandth update walks past nine hundred and ninety-nine dead ones, so appends
    slow down as the transaction grows. Holding the lock for the whole transaction is what appending one by one
    does anyway, so no other writer is shut out for longer. Use it only where nothing inside catches a failure and
    carries on, as a rolled-back savepoint would take its entries with it while the held head kept them: the end
    checks that every entry appended is in the database, and refuses to let the transaction commit otherwise."""
    if not connection.in_atomic_block:
        raise RuntimeError("holding_head() must run inside a transaction")
    if _held.get() is not None:
        yield
        return
    head = current_head(lock=True)
    held = _Held(head, _compact(head))
    start = head.size
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    appended = held.compact.size - start
    if AuditEvent.objects.filter(index__gte=start).count() != appended:
        raise HeldHeadError(f"{appended} entries were appended while the head was held, not all of them saved")
    _put_head(head, held.compact)


@transaction.atomic
def record(
    user: User | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    summary: str,
    case_reference: str = "",
    subjects: Iterable[int | None] = (),
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Append an entry. `subjects` are the members the entry is about, so a subject access request finds it.

    Never put the content of personal data in `summary` or `data`: name what was touched, not what it said.
    `label` names an actor who is not a user, such as an administrator at the command line.
    """
    head, compact = _take_head()
    entry = Entry(action, object_type, object_id, summary, case_reference, subjects, data, at)
    event = _event(compact.size, user, label, entry, timezone.now())
    made = compact.append(event.leaf_hash)
    event.save()
    MerkleNode.objects.bulk_create(MerkleNode(level=s.level, index=s.index, hash=s.hash) for s in made)
    _put_head(head, compact)
    return event


@transaction.atomic
def record_many(
    user: User | None, entries: Iterable[Entry], *, label: str | None = None, batch_size: int = 2000
) -> int:
    """Append many entries by one actor, under one lock of the head: the same entries, leaves and tree as calling
    `record` for each in turn (entries without `at` share one timestamp), in a handful of bulk inserts instead of
    several statements per entry. For bulk work such as imports. Returns how many were appended."""
    head, compact = _take_head()
    now = timezone.now()
    events: list[AuditEvent] = []
    nodes: list[MerkleNode] = []
    appended = 0
    for entry in entries:
        event = _event(compact.size, user, label, entry, now)
        events.append(event)
        nodes.extend(MerkleNode(level=s.level, index=s.index, hash=s.hash) for s in compact.append(event.leaf_hash))
        if len(events) >= batch_size:
            appended += _flush(events, nodes)
    appended += _flush(events, nodes)
    _put_head(head, compact)
    return appended


def _flush(events: list[AuditEvent], nodes: list[MerkleNode]) -> int:
    count = len(events)
    insert_rows(AuditEvent, events)
    insert_rows(MerkleNode, nodes)
    events.clear()
    nodes.clear()
    return count


def timeline_entry(event: Any) -> Entry:
    """The log's entry for a case timeline entry (saved, so it has its id), with its own actor: what
    `record_timeline_event` appends, and what a bulk writer passes to `record_many` to append the same."""
    return Entry(
        f"timeline.{event.kind}",
        "timeline_event",
        event.pk,
        summary=f"{event.get_kind_display()} in {event.case.reference}.",
        case_reference=event.case.reference,
        subjects=[event.case.respondent_id, event.case.complainant_member_id],
        data={
            "stage_from": event.stage_from,
            "stage_to": event.stage_to,
            "content_sha256": content_digest(event.summary, event.data),
        },
        at=event.at,
        actor_label=event.actor_label,
        actor_id=event.actor_id,
    )


def record_timeline_event(event: Any) -> AuditEvent:
    """A case timeline entry, on the log. Only a digest of what it said: timeline text can be anonymised later,
    and the log must still verify, so the log vouches for the content without keeping it."""
    e = timeline_entry(event)
    return record(
        event.actor,
        e.action,
        e.object_type,
        e.object_id,
        summary=e.summary,
        case_reference=e.case_reference,
        subjects=e.subjects,
        data=e.data,
        at=e.at,
        label=event.actor_label,
    )
