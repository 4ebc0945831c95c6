"""Proofs about the log, from the stored perfect subtrees: O(log n) lookups each, never a rehash of the log."""

from __future__ import annotations

from dataclasses import dataclass

from fairhearing.audit.log import canonical_entry, current_head
from fairhearing.audit.models import AuditEvent, MerkleNode
from fairhearing.procedure import merkle


class ProofUnavailable(ValueError):
    """The proof asked for does not exist (an index or size the log does not have); the message says why."""


def _lookup(level: int, index: int) -> bytes:
    node = MerkleNode.objects.filter(level=level, index=index).values_list("hash", flat=True).first()
    if node is None:
        raise ProofUnavailable(f"the log's tree has no node {level}/{index}: run `fairhearing audit verify`")
    return bytes(node)


def _size(size: int | None) -> int:
    current = current_head().size
    if size is None:
        return current
    if not 0 <= size <= current:
        raise ProofUnavailable(f"the log has {current} entries; there is no tree of size {size}")
    return size


def root_at(size: int | None = None) -> tuple[int, bytes]:
    size = _size(size)
    return size, merkle.tree_root(size, _lookup)


@dataclass(frozen=True)
class Inclusion:
    index: int
    size: int
    entry: bytes
    leaf_hash: bytes
    proof: list[bytes]
    root: bytes

    def as_json(self) -> dict:
        return {
            "index": self.index,
            "tree_size": self.size,
            "entry": self.entry.decode(),
            "leaf_hash": self.leaf_hash.hex(),
            "inclusion_proof": [h.hex() for h in self.proof],
            "root_hash": self.root.hex(),
        }


def inclusion(index: int, size: int | None = None) -> Inclusion:
    """That entry `index` is in the tree of `size` entries (by default the whole log)."""
    size = _size(size)
    if not 0 <= index < size:
        raise ProofUnavailable(f"there is no entry {index} in a tree of {size} entries")
    event = AuditEvent.objects.get(index=index)
    return Inclusion(
        index=index,
        size=size,
        entry=canonical_entry(event),
        leaf_hash=bytes(event.leaf_hash),
        proof=merkle.inclusion_proof(index, size, _lookup),
        root=merkle.tree_root(size, _lookup),
    )


@dataclass(frozen=True)
class Consistency:
    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    proof: list[bytes]

    def as_json(self) -> dict:
        return {
            "old_size": self.old_size,
            "new_size": self.new_size,
            "old_root_hash": self.old_root.hex(),
            "new_root_hash": self.new_root.hex(),
            "consistency_proof": [h.hex() for h in self.proof],
        }


def consistency(old_size: int, new_size: int | None = None) -> Consistency:
    """That the tree of `old_size` entries is a prefix of the tree of `new_size` (by default the whole log)."""
    new_size = _size(new_size)
    if not 0 <= old_size <= new_size:
        raise ProofUnavailable(f"the old size must be between 0 and {new_size}, not {old_size}")
    return Consistency(
        old_size=old_size,
        new_size=new_size,
        old_root=merkle.tree_root(old_size, _lookup),
        new_root=merkle.tree_root(new_size, _lookup),
        proof=merkle.consistency_proof(old_size, new_size, _lookup),
    )
