"""The audit log's Merkle tree: RFC 9162 (Certificate Transparency 2.0) hashing, roots, proofs and their checks.

Pure Python on `hashlib`, so that anyone can check a proof or a checkpoint without Django, a database or this
project: the functions here are the whole of what a verifier needs.

Terms used throughout:

- A *leaf hash* is SHA-256(0x00 || entry) and an *interior node* is SHA-256(0x01 || left || right) (RFC 9162
  section 2.1.1). The different first byte keeps a leaf from ever being passed off as an interior node (the
  second-preimage attack on plain Merkle trees).
- A *perfect subtree* `(level, index)` is the complete binary tree over the 2**level leaves starting at leaf
  `index * 2**level`. Once the log holds all of its leaves its hash never changes, so the database stores each one
  as it is made and every proof is then assembled from O(log n) stored hashes.
- The tree of `n` leaves (RFC 9162 section 2.1.1: split at the largest power of two smaller than n) is made of
  the perfect subtrees of the binary digits of n, largest first: its *right border*. 13 = 8 + 4 + 1 leaves are
  the subtrees (3, 0), (2, 2) and (0, 12). Every node of the tree that is not a perfect subtree (the *imperfect*
  nodes on its right edge) hashes a tail of that border, so those are computed, never stored.

Proofs are lists of 32-byte hashes, ordered from the leaf (or the old tree) up to the root, exactly as in RFC 9162
sections 2.1.3 and 2.1.4, so they can be checked by any implementation of the RFC (Go's transparency-dev/merkle,
the Certificate Transparency libraries) and the other way round.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

HASH_SIZE = 32

_LEAF = b"\x00"
_NODE = b"\x01"
# hashlib's constructor, bound once: the hot loops below call it millions of times.
_sha256 = hashlib.sha256

# RFC 9162 section 2.1.1: the hash of an empty list is the hash of an empty string.
EMPTY_ROOT: bytes = hashlib.sha256(b"").digest()

# How the database layer answers for a perfect subtree: (level, index) -> its 32-byte hash.
SubtreeLookup = Callable[[int, int], bytes]


class Subtree(NamedTuple):
    """A perfect subtree: 2**level leaves from leaf index * 2**level; level 0 is a single leaf."""

    level: int
    index: int
    hash: bytes


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 MTH({d0}) = SHA-256(0x00 || d0)."""
    return _sha256(_LEAF + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node: SHA-256(0x01 || left || right)."""
    return _sha256(_NODE + left + right).digest()


def right_border(size: int) -> list[tuple[int, int]]:
    """The perfect subtrees `(level, index)` that make up the tree of `size` leaves, largest (leftmost) first.

    One per binary digit 1 of `size`: the tree of 13 leaves is (3, 0), (2, 2), (0, 12).
    """
    if size < 0:
        raise ValueError(f"a tree cannot have {size} leaves")
    return [(level, (size >> level) - 1) for level in range(size.bit_length() - 1, -1, -1) if size >> level & 1]


def _fold(hashes: Sequence[bytes]) -> bytes:
    """The root of a tree whose right border is `hashes` (largest first): each subtree is the left child of the
    node joining it to everything smaller after it, which is RFC 9162's split at the largest power of two."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = _sha256(_NODE + left + result).digest()
    return result


def _fold_levels(level: list[bytes]) -> bytes:
    """The root over a non-empty list of sibling subtree hashes of one level, computed bottom-up.

    Neighbours are paired level by level and an unpaired last node is carried up unchanged, which gives exactly
    the RFC's tree (its split at the largest power of two, seen from below). Two levels are done per pass, in
    groups of four: at 32-byte inputs the time goes on Python's per-hash overhead, not on SHA-256, and each pass
    saved is a list of n/2 hashes never built.
    """
    sha256, node = _sha256, _NODE
    while len(level) > 3:
        # zip over one iterator takes four consecutive items at a time without building slices.
        quads = iter(level)
        upper = [
            sha256(node + sha256(node + a + b).digest() + sha256(node + c + d).digest()).digest()
            for a, b, c, d in zip(quads, quads, quads, quads, strict=False)
        ]
        rest = len(level) & 3
        if rest:
            # The last one to three nodes: their own little tree, which is the last node two levels up.
            upper.append(_fold_levels(level[-rest:]))
        level = upper
    if len(level) == 3:
        return sha256(node + sha256(node + level[0] + level[1]).digest() + level[2]).digest()
    if len(level) == 2:
        return sha256(node + level[0] + level[1]).digest()
    return level[0]


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """RFC 9162 Merkle Tree Hash (MTH) of a list of leaf hashes; EMPTY_ROOT for none."""
    if not leaf_hashes:
        return EMPTY_ROOT
    return _fold_levels(list(leaf_hashes))


def root_of_entries(entries: Sequence[bytes]) -> bytes:
    """RFC 9162 MTH of the entries themselves: what a full verification of the log recomputes.

    The leaves are hashed and paired in the same pass, so the million leaf hashes of a big log are never held in
    a list at once.
    """
    if not entries:
        return EMPTY_ROOT
    sha256, leaf, node = _sha256, _LEAF, _NODE
    pairs = iter(entries)
    level = [
        sha256(node + sha256(leaf + a).digest() + sha256(leaf + b).digest()).digest()
        # An odd last entry is left out by zip and hashed on its own below.
        for a, b in zip(pairs, pairs, strict=False)
    ]
    if len(entries) & 1:
        level.append(sha256(leaf + entries[-1]).digest())
    return _fold_levels(level)


def leaf_hashes(entries: Iterable[bytes]) -> list[bytes]:
    """The leaf hash of each entry, in order."""
    sha256, leaf = _sha256, _LEAF
    return [sha256(leaf + entry).digest() for entry in entries]


class CompactRange:
    """The state needed to keep appending to the log: the hashes of its right border, one per binary digit 1 of
    its size (at most 64 for any log that fits in 2**64 leaves).

    Appending a leaf costs one hash per trailing binary 1 of the old size (amortised one) and reports every
    perfect subtree it completes, for the database to store; the root of the current tree costs one hash per
    border subtree, O(log n). Nothing else about the past is needed, so the log never re-reads old entries.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._size = 0
        # Largest subtree first, so that the subtrees an append merges are popped off the end.
        self._hashes: list[bytes] = []

    @classmethod
    def load(cls, size: int, subtree: SubtreeLookup) -> CompactRange:
        """Resume a log of `size` leaves from its stored perfect subtrees (one lookup per border subtree)."""
        compact = cls()
        compact._hashes = [subtree(level, index) for level, index in right_border(size)]
        compact._size = size
        return compact

    @property
    def size(self) -> int:
        return self._size

    @property
    def border(self) -> list[Subtree]:
        """The right border as stored subtrees, largest first."""
        return [
            Subtree(level, index, digest)
            for (level, index), digest in zip(right_border(self._size), self._hashes, strict=True)
        ]

    def append(self, leaf_hash: bytes) -> list[Subtree]:
        """Add a leaf; return the perfect subtrees this completes: the leaf itself (level 0), then each merge."""
        if len(leaf_hash) != HASH_SIZE:
            raise ValueError(f"a leaf hash is {HASH_SIZE} bytes, not {len(leaf_hash)}")
        hashes = self._hashes
        index = self._size
        level = 0
        digest = leaf_hash
        made = [Subtree(0, index, digest)]
        # Each trailing binary 1 of the old size is a border subtree of the same size as the one just completed,
        # immediately to its left: join them, as a carry ripples through a binary counter.
        while index & 1:
            digest = _sha256(_NODE + hashes.pop() + digest).digest()
            index >>= 1
            level += 1
            made.append(Subtree(level, index, digest))
        hashes.append(digest)
        self._size += 1
        return made

    def root(self) -> bytes:
        """The root of the tree as it stands: O(log n) hashes."""
        return _fold(self._hashes) if self._hashes else EMPTY_ROOT


def tree_root(size: int, subtree: SubtreeLookup) -> bytes:
    """The root of the tree of the first `size` leaves, from stored perfect subtrees: O(log n) lookups.

    Any earlier tree head of the log can be recomputed this way, for a consistency proof or an audit.
    """
    border = [subtree(level, index) for level, index in right_border(size)]
    return _fold(border) if border else EMPTY_ROOT


def _imperfect(level: int, size: int, subtree: SubtreeLookup) -> bytes:
    """The hash of the last node at `level` of the tree of `size` leaves when it is not a perfect subtree: it
    spans the leaves after the last multiple of 2**level, i.e. the border subtrees below `level`."""
    border = [subtree(lower, index) for lower, index in right_border(size) if lower < level]
    return _fold(border)


def _path(level: int, index: int, size: int, subtree: SubtreeLookup) -> list[bytes]:
    """The sibling hashes from the perfect subtree (level, index) up to the root of the tree of `size` leaves.

    Walking up the levels, each node's sibling is index ^ 1. A sibling wholly inside the tree is a stored perfect
    subtree; the last node of a level may be imperfect (it is then always the right sibling, and at most one is
    met on any path, so a proof costs O(log n) lookups); a sibling past the end does not exist, and RFC 9162 then
    carries the node up unchanged, so nothing is added at that level.
    """
    proof: list[bytes] = []
    last = (size - 1) >> level  # index of the last node at this level
    while last:
        sibling = index ^ 1
        if sibling < last or (sibling == last and not size & ((1 << level) - 1)):
            proof.append(subtree(level, sibling))
        elif sibling == last:
            proof.append(_imperfect(level, size, subtree))
        index >>= 1
        last >>= 1
        level += 1
    return proof


def inclusion_proof(index: int, size: int, subtree: SubtreeLookup) -> list[bytes]:
    """RFC 9162 section 2.1.3.1 PATH(index, D[size]): the audit path of leaf `index` in the tree of `size`."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    return _path(0, index, size, subtree)


def consistency_proof(old_size: int, new_size: int, subtree: SubtreeLookup) -> list[bytes]:
    """RFC 9162 section 2.1.4.1 PROOF(old_size, D[new_size]): that the tree of `old_size` leaves is a prefix of
    the tree of `new_size` leaves. Empty when the old tree is empty or the same size (nothing to prove)."""
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} leaves to {new_size}")
    if old_size == 0 or old_size == new_size:
        return []
    # The largest perfect subtree ending at the old size: its hash and its path to the new root prove both roots.
    level = (old_size & -old_size).bit_length() - 1
    index = (old_size - 1) >> level
    path = _path(level, index, new_size, subtree)
    # When the old size is a power of two that subtree is the old root itself, which the verifier already holds.
    return path if index == 0 else [subtree(level, index), *path]


def _well_formed(hashes: Iterable[bytes]) -> bool:
    return all(isinstance(h, bytes | bytearray) and len(h) == HASH_SIZE for h in hashes)


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2: whether `proof` shows the leaf with `leaf_hash` at `index` in the tree of `size`
    leaves whose root is `root`. An index outside the tree never verifies."""
    if not 0 <= index < size or not _well_formed([leaf_hash, root, *proof]):
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in proof:
        if sn == 0:  # the proof is longer than the path
            return False
        if fn & 1 or fn == sn:
            r = _sha256(_NODE + p + r).digest()
            if not fn & 1:
                # A rightmost node with no sibling at these levels: RFC 9162 carries it up unchanged.
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(_NODE + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 section 2.1.4.2: whether `proof` shows the tree of `old_size` leaves with `old_root` to be a prefix
    of the tree of `new_size` leaves with `new_root`.

    The RFC defines the check for 0 < old_size < new_size; the edge cases follow transparency-dev/merkle: equal
    sizes need equal roots and an empty proof, and an empty old tree is a prefix of every tree with an empty
    proof. One deliberate difference: a tree of 0 leaves must then have EMPTY_ROOT as its root, since no other
    value is the root of an empty tree (transparency-dev accepts any).
    """
    if not 0 <= old_size <= new_size or not _well_formed([old_root, new_root, *proof]):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root and (old_size > 0 or old_root == EMPTY_ROOT)
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree of the new one: its root is the first node of the path.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _sha256(_NODE + c + fr).digest()
            sr = _sha256(_NODE + c + sr).digest()
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(_NODE + sr + c).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class MemoryTree:
    """A whole log held in memory: every perfect subtree hash, by level (level 0 being the leaf hashes).

    The reference for what the database layer stores, and convenient for tests and the benchmark. The hash of
    subtree (level, index) is `levels[level][index]`; each append completes subtrees strictly in index order at
    every level, so storing is a list append.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        self._compact = CompactRange()
        for digest in leaf_hashes:
            self.append(digest)

    @classmethod
    def of_entries(cls, entries: Iterable[bytes]) -> MemoryTree:
        return cls(leaf_hash(entry) for entry in entries)

    def append(self, leaf_hash: bytes) -> list[Subtree]:
        made = self._compact.append(leaf_hash)
        levels = self.levels
        for level, _index, digest in made:
            if level == len(levels):
                levels.append([])
            levels[level].append(digest)
        return made

    def append_entry(self, entry: bytes) -> list[Subtree]:
        return self.append(leaf_hash(entry))

    @property
    def size(self) -> int:
        return self._compact.size

    def __len__(self) -> int:
        return self._compact.size

    def leaf(self, index: int) -> bytes:
        return self.levels[0][index]

    def subtree(self, level: int, index: int) -> bytes:
        """The stored hash of perfect subtree (level, index); a SubtreeLookup for the proof functions."""
        if level < 0 or index < 0 or level >= len(self.levels) or index >= len(self.levels[level]):
            raise KeyError(f"no perfect subtree ({level}, {index}) in a tree of {self.size} leaves")
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        """The current root, or the root the log had at `size` leaves."""
        if size is None:
            return self._compact.root()
        self._check_size(size)
        return tree_root(size, self.subtree)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else self._check_size(size)
        return inclusion_proof(index, size, self.subtree)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        new_size = self.size if new_size is None else self._check_size(new_size)
        return consistency_proof(old_size, new_size, self.subtree)

    def _check_size(self, size: int) -> int:
        if not 0 <= size <= self.size:
            raise ValueError(f"the log has {self.size} leaves, not {size}")
        return size
