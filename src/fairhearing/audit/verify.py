"""Checking the whole log from scratch: every entry against its leaf, the tree against the stored nodes, and
every checkpoint's signature, root and consistency with the next. The first problem found is named."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fairhearing.audit.checkpoints import signer
from fairhearing.audit.log import canonical_entry, current_head
from fairhearing.audit.models import AuditEvent, Checkpoint, MerkleNode
from fairhearing.procedure import checkpoint as notes
from fairhearing.procedure import merkle

CHUNK = 5000


class LogBroken(Exception):
    """The log does not verify; the message names the first bad entry or checkpoint."""


@dataclass(frozen=True)
class Verified:
    size: int
    root: bytes
    checkpoints: int


def _node(level: int, index: int) -> bytes:
    node = MerkleNode.objects.filter(level=level, index=index).values_list("hash", flat=True).first()
    if node is None:
        raise LogBroken(f"the tree has lost its node {level}/{index}: stored nodes were deleted")
    return bytes(node)


def _check_note(checkpoint: Checkpoint, verifier: notes.Verifier, origin: str) -> None:
    try:
        signed = notes.open_checkpoint(checkpoint.note, verifier, origin)
    except notes.NoteError as exc:
        raise LogBroken(f"checkpoint {checkpoint.pk} (size {checkpoint.size}) is not validly signed: {exc}") from exc
    if (signed.size, signed.root_hash) != (checkpoint.size, bytes(checkpoint.root)):
        raise LogBroken(f"checkpoint {checkpoint.pk} says size {signed.size} in its note but {checkpoint.size} stored")


def verify_log() -> Verified:
    key = signer()
    checkpoints = list(Checkpoint.objects.order_by("size", "pk"))
    for checkpoint in checkpoints:
        _check_note(checkpoint, key.verifier, key.name)
    pending = iter(checkpoints)
    next_checkpoint = next(pending, None)
    compact = merkle.CompactRange()

    def check_checkpoints_at(size: int) -> None:
        nonlocal next_checkpoint
        while next_checkpoint is not None and next_checkpoint.size == size:
            if bytes(next_checkpoint.root) != compact.root():
                raise LogBroken(
                    f"checkpoint {next_checkpoint.pk} (size {size}) does not match the entries: the log was "
                    "changed after it was signed"
                )
            next_checkpoint = next(pending, None)

    check_checkpoints_at(0)
    last = -1
    while True:
        chunk = list(AuditEvent.objects.filter(index__gt=last).order_by("index")[:CHUNK])
        if not chunk:
            break
        leaves = dict(
            MerkleNode.objects.filter(level=0, index__gte=chunk[0].index, index__lte=chunk[-1].index).values_list(
                "index", "hash"
            )
        )
        for event in chunk:
            expected = compact.size
            if event.index != expected:
                raise LogBroken(f"entry {expected} is missing: entries were deleted")
            leaf = merkle.leaf_hash(canonical_entry(event))
            if leaf != bytes(event.leaf_hash):
                raise LogBroken(f"entry {expected} has been changed: it no longer matches its leaf hash")
            stored = leaves.get(expected)
            if stored is None or bytes(stored) != leaf:
                raise LogBroken(f"entry {expected} does not match the tree: its leaf was replaced")
            compact.append(leaf)
            check_checkpoints_at(compact.size)
        last = chunk[-1].index
    if next_checkpoint is not None:
        raise LogBroken(
            f"checkpoint {next_checkpoint.pk} is for {next_checkpoint.size} entries but the log holds "
            f"{compact.size}: entries were removed or an older copy of the log was put back"
        )
    head = current_head()
    if head.size != compact.size or bytes(head.root) != compact.root():
        raise LogBroken(f"the log's head says {head.size} entries with another root: it was tampered with")
    for old, new in itertools.pairwise(checkpoints):
        proof = merkle.consistency_proof(old.size, new.size, _node)
        if not merkle.verify_consistency(old.size, new.size, bytes(old.root), bytes(new.root), proof):
            raise LogBroken(f"checkpoints {old.pk} and {new.pk} are not consistent: the log was rewritten")
    return Verified(compact.size, compact.root(), len(checkpoints))
