"""The audit log's Merkle tree: published RFC 6962/9162 test vectors, then properties over every small tree.

Vector sources (RFC 9162 keeps RFC 6962's hashing, so its vectors apply unchanged):
- TD_CONSTANTS: github.com/transparency-dev/merkle, testonly/constants.go (leaf inputs, every perfect subtree of
  the 8-leaf tree, the roots of sizes 0..8, the compact ranges of sizes 0..8).
- TD_VERIFY: github.com/transparency-dev/merkle, proof/verify_test.go (inclusion and consistency proofs, the
  corruptions a verifier must reject, and the edge cases of VerifyConsistency).
- CT_PYTHON: github.com/google/certificate-transparency, python/ct/crypto/merkle_test.py (hasher vectors, proofs
  in small trees, and an inclusion proof taken from a real CT log: leaf 848049 of 3630887).
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairhearing.procedure import merkle
from fairhearing.procedure.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemoryTree,
    Subtree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    right_border,
    root,
    root_of_entries,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

# --- TD_CONSTANTS: transparency-dev/merkle testonly/constants.go ------------------------------------------------------

LEAF_INPUTS = [
    h(""),
    h("00"),
    h("10"),
    h("2021"),
    h("3031"),
    h("40414243"),
    h("5051525354555657"),
    h("606162636465666768696a6b6c6d6e6f"),
]

# NODE_HASHES[level][index]: every perfect subtree of the tree of LEAF_INPUTS.
NODE_HASHES = [
    [
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ],
    [
        h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    ],
    [
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    [
        h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    ],
]

# ROOTS[n]: the root of the tree of the first n LEAF_INPUTS.
ROOTS = [
    h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]

NH = NODE_HASHES
# CompactTrees(): the right border kept by a compact range after n appends.
COMPACT_TREES = [
    [],
    [NH[0][0]],
    [NH[1][0]],
    [NH[1][0], NH[0][2]],
    [NH[2][0]],
    [NH[2][0], NH[0][4]],
    [NH[2][0], NH[1][2]],
    [NH[2][0], NH[1][2], NH[0][6]],
    [NH[3][0]],
]

# --- TD_VERIFY: transparency-dev/merkle proof/verify_test.go ----------------------------------------------------------

SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")

# (leaf, size, proof) with leaf numbered from 1, as in the Go file.
INCLUSION_PROOFS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (3, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (
        2,
        5,
        [
            h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
]

# (size1, size2, proof)
CONSISTENCY_PROOFS = [
    (1, 1, []),
    (
        1,
        8,
        [
            h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        ],
    ),
    (
        6,
        8,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
    (
        2,
        5,
        [
            h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
            h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        ],
    ),
    (
        6,
        7,
        [
            h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
            h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
            h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        ],
    ),
]

# --- CT_PYTHON: google/certificate-transparency python/ct/crypto/merkle_test.py ---------------------------------------

CT_LEAF_VECTORS = [
    ("", "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    ("101112131415161718191a1b1c1d1e1f", "3bfb960453ebaebf33727da7a1f4db38acc051d381b6da20d6d4e88f0eabfd7a"),
]
CT_NODE_VECTORS = [
    (
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
        "1a378704c17da31e2d05b6d121c2bb2c7d76f6ee6fa8f983e596c2d034963c57",
    )
]

# An inclusion proof served by a production CT log (MerkleVerifierTest.sha256_audit_path and its fields).
CT_LOG_AUDIT_PATH = [
    h("1a208aeebcd1b39fe2de247ee8db9454e1e93a312d206b87f6ca9cc6ec6f1ddd"),
    h("0a1b78b383f580856f433c01a5741e160d451c185910027f6cc9f828687a40c4"),
    h("3d1745789bc63f2da15850de1c12a5bf46ed81e1cc90f086148b1662e79aab3d"),
    h("9095b61e14d8990acf390905621e62b1714fb8e399fbb71de5510e0aef45affe"),
    h("0a332b91b8fab564e6afd1dd452449e04619b18accc0ff9aa8393cd4928451f2"),
    h("2336f0181d264aed6d8f3a6507ca14a8d3b3c3a23791ac263e845d208c1ee330"),
    h("b4ce56e300590500360c146c6452edbede25d4ed83919278749ee5dbe178e048"),
    h("933f6ddc848ea562e4f9c5cfb5f176941301dad0c6fdb9d1fbbe34fac1be6966"),
    h("b95a6222958a86f74c030be27c44f57dbe313e5e7c7f4ffb98bcbd3a03bb52f2"),
    h("daeeb3ce5923defd0faeb8e0c210b753b85b809445d7d3d3cd537a9aabaa9c45"),
    h("7fadd0a13e9138a2aa6c3fdec4e2275af233b94812784f66bcca9aa8e989f2bc"),
    h("1864e6ba3e32878610546539734fb5eeae2529991f130c575c73a7e25a2a7c56"),
    h("12842d1202b1dc6828a17ab253c02e7ce9409b5192430feba44189f39cc02d66"),
    h("29af64b16fa3053c13d02ac63aa75b23aa468506e44c3a2315edc85d2dc22b11"),
    h("b527b99934a0bd9edd154e449b0502e2c499bba783f3bc3dfe23364b6b532009"),
    h("4584db8ae8e351ace08e01f306378a92bfd43611714814f3d834a2842d69faa8"),
    h("86a9a41573b0d6e4292f01e93243d6cc65b30f06606fc6fa57390e7e90ed580f"),
    h("a88b98fbe84d4c6aae8db9d1605dfac059d9f03fe0fcb0d5dff1295dacba09e6"),
    h("06326dc617a6d1f7021dc536026dbfd5fffc6f7c5531d48ef6ccd1ed1569f2a1"),
    h("f41fe8fdc3a2e4e8345e30216e7ebecffee26ff266eeced208a6c2a3cf08f960"),
    h("40cf5bde8abb76983f3e98ba97aa36240402975674e120f234b3448911090f8d"),
    h("b3222dc8658538079883d980d7fdc2bef9285344ea34338968f736b04aeb387a"),
]
CT_LOG_LEAF_HASH = h("7a395c866d5ecdb0cccb623e011dbc392cd348d1d1d72776174e127a24b09c78")
CT_LOG_LEAF_INDEX = 848049
CT_LOG_TREE_SIZE = 3630887
CT_LOG_ROOT = h("78316a05c9bcf14a3a4548f5b854a9adfcd46a4c034401b3ce7eb7ac2f1d0ecb")

ZEROS = bytes(32)
ONES = h("11" * 32)


# --- An oracle: RFC 9162 section 2.1 transcribed recursively, independent of the module's bottom-up code --------------


def _split(n: int) -> int:
    """The largest power of two smaller than n."""
    return 1 << ((n - 1).bit_length() - 1)


def rfc_mth(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) over leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return hashlib.sha256(b"\x01" + rfc_mth(leaves[:k]) + rfc_mth(leaves[k:])).digest()


def rfc_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162 section 2.1.3.1)."""
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if m < k:
        return [*rfc_path(m, leaves[:k]), rfc_mth(leaves[k:])]
    return [*rfc_path(m - k, leaves[k:]), rfc_mth(leaves[:k])]


def rfc_subproof(m: int, leaves: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) (RFC 9162 section 2.1.4.1)."""
    n = len(leaves)
    if m == n:
        return [] if b else [rfc_mth(leaves)]
    k = _split(n)
    if m <= k:
        return [*rfc_subproof(m, leaves[:k], b), rfc_mth(leaves[k:])]
    return [*rfc_subproof(m - k, leaves[k:], False), rfc_mth(leaves[:k])]


MAX = 64
ENTRIES = [f"entry {i}".encode() for i in range(MAX)]
TREE = MemoryTree.of_entries(ENTRIES)
LEAVES = list(TREE.levels[0])
ROOT_AT = [rfc_mth(LEAVES[:n]) for n in range(MAX + 1)]


# --- Hashing ----------------------------------------------------------------------------------------------------------


def test_empty_root_is_sha256_of_nothing():
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == ROOTS[0]
    assert root([]) == root_of_entries([]) == CompactRange().root() == EMPTY_ROOT


@pytest.mark.parametrize(("entry", "expected"), CT_LEAF_VECTORS)
def test_leaf_hash_ct_vectors(entry, expected):
    assert leaf_hash(h(entry)).hex() == expected


@pytest.mark.parametrize(("left", "right", "expected"), CT_NODE_VECTORS)
def test_node_hash_ct_vectors(left, right, expected):
    assert node_hash(h(left), h(right)).hex() == expected


def test_leaf_and_node_hashes_of_the_transparency_dev_tree():
    assert [leaf_hash(entry) for entry in LEAF_INPUTS] == NODE_HASHES[0]
    for level in range(1, 4):
        below = NODE_HASHES[level - 1]
        assert NODE_HASHES[level] == [node_hash(below[2 * i], below[2 * i + 1]) for i in range(len(below) // 2)]


@pytest.mark.parametrize("size", range(9))
def test_roots_of_the_transparency_dev_tree(size):
    entries = LEAF_INPUTS[:size]
    assert root([leaf_hash(e) for e in entries]) == ROOTS[size]
    assert root_of_entries(entries) == ROOTS[size]
    assert MemoryTree.of_entries(entries).root() == ROOTS[size]


def test_every_perfect_subtree_is_stored_as_transparency_dev_lists_them():
    tree = MemoryTree.of_entries(LEAF_INPUTS)
    assert tree.levels == NODE_HASHES


@pytest.mark.parametrize("size", range(9))
def test_compact_range_keeps_the_transparency_dev_border(size):
    compact = CompactRange()
    for entry in LEAF_INPUTS[:size]:
        compact.append(leaf_hash(entry))
    assert [s.hash for s in compact.border] == COMPACT_TREES[size]
    assert compact.root() == ROOTS[size]


def test_right_border():
    assert right_border(0) == []
    assert right_border(13) == [(3, 0), (2, 2), (0, 12)]
    assert right_border(8) == [(3, 0)]
    with pytest.raises(ValueError):
        right_border(-1)


def test_append_reports_every_perfect_subtree_it_completes():
    compact = CompactRange()
    made = [compact.append(leaf_hash(entry)) for entry in LEAF_INPUTS]
    assert made[0] == [Subtree(0, 0, NH[0][0])]
    assert made[1] == [Subtree(0, 1, NH[0][1]), Subtree(1, 0, NH[1][0])]
    assert made[2] == [Subtree(0, 2, NH[0][2])]
    assert made[7] == [
        Subtree(0, 7, NH[0][7]),
        Subtree(1, 3, NH[1][3]),
        Subtree(2, 1, NH[2][1]),
        Subtree(3, 0, NH[3][0]),
    ]


def test_append_refuses_something_that_is_not_a_hash():
    with pytest.raises(ValueError):
        CompactRange().append(b"entry")


def test_compact_range_resumes_from_stored_subtrees():
    for size in range(MAX + 1):
        resumed = CompactRange.load(size, TREE.subtree)
        assert resumed.size == size
        assert resumed.root() == ROOT_AT[size]
        for leaf in LEAVES[size:]:
            resumed.append(leaf)
        assert resumed.root() == TREE.root()


# --- Published proofs -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION_PROOFS)
def test_inclusion_proofs_transparency_dev(leaf, size, proof):
    tree = MemoryTree.of_entries(LEAF_INPUTS)
    assert tree.inclusion_proof(leaf - 1, size) == proof
    assert verify_inclusion(leaf_hash(LEAF_INPUTS[leaf - 1]), leaf - 1, size, proof, ROOTS[size])


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY_PROOFS)
def test_consistency_proofs_transparency_dev(size1, size2, proof):
    tree = MemoryTree.of_entries(LEAF_INPUTS)
    assert tree.consistency_proof(size1, size2) == proof
    assert verify_consistency(size1, size2, ROOTS[size1], ROOTS[size2], proof)


def _inclusion_probes(index, size, proof, root_hash, leaf):
    """corruptInclusionProof from transparency-dev/merkle proof/verify_test.go: none of these may verify."""
    probes = [
        (index - 1, size, root_hash, leaf, proof),
        (index + 1, size, root_hash, leaf, proof),
        (index ^ 2, size, root_hash, leaf, proof),
        (index, size * 2, root_hash, leaf, proof),
        (index, size // 2, root_hash, leaf, proof),
        (index, size, root_hash, b"WrongLeaf", proof),
        (index, size, EMPTY_ROOT, leaf, proof),
        (index, size, SOME_HASH, leaf, proof),
        (index, size, root_hash, leaf, [*proof, b""]),
        (index, size, root_hash, leaf, [*proof, root_hash]),
        (index, size, root_hash, leaf, [b"", *proof]),
        (index, size, root_hash, leaf, [root_hash, *proof]),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 8]) + wrong[i][1:]
        probes.append((index, size, root_hash, leaf, wrong))
    if proof:
        probes.append((index, size, root_hash, leaf, proof[:-1]))
    if len(proof) > 1:
        probes.append((index, size, root_hash, leaf, [proof[0], SOME_HASH, *proof[1:]]))
    return probes


def _consistency_probes(size1, size2, root1, root2, proof):
    """corruptConsistencyProof from transparency-dev/merkle proof/verify_test.go: none of these may verify."""
    probes = [
        (size1 - 1, size2, root1, root2, proof),
        (size1 + 1, size2, root1, root2, proof),
        (size1 ^ 2, size2, root1, root2, proof),
        (size1, size2 * 2, root1, root2, proof),
        (size1, size2 // 2, root1, root2, proof),
        (size1, size2, b"WrongRoot", root2, proof),
        (size1, size2, root1, b"WrongRoot", proof),
        (size1, size2, root2, root1, proof),
        (size1, size2, root1, root2, []),
        (size1, size2, root1, root2, [*proof, b""]),
        (size1, size2, root1, root2, [*proof, root1]),
        (size1, size2, root1, root2, [*proof, root2]),
        (size1, size2, root1, root2, [b"", *proof]),
        (size1, size2, root1, root2, [root1, *proof]),
        (size1, size2, root1, root2, [root2, *proof]),
        (size1, size2, root1, root2, [proof[0], *proof]),
        (size1, size2, root1, root2, proof[:-1]),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 16]) + wrong[i][1:]
        probes.append((size1, size2, root1, root2, wrong))
    return probes


@pytest.mark.parametrize(("leaf", "size", "proof"), INCLUSION_PROOFS[1:])
def test_corrupted_inclusion_proofs_transparency_dev(leaf, size, proof):
    leaf_digest = leaf_hash(LEAF_INPUTS[leaf - 1])
    for probe in _inclusion_probes(leaf - 1, size, proof, ROOTS[size], leaf_digest):
        index, size_, root_hash, leaf_, proof_ = probe
        assert not verify_inclusion(leaf_, index, size_, proof_, root_hash), probe


@pytest.mark.parametrize(("size1", "size2", "proof"), CONSISTENCY_PROOFS[1:])
def test_corrupted_consistency_proofs_transparency_dev(size1, size2, proof):
    for probe in _consistency_probes(size1, size2, ROOTS[size1], ROOTS[size2], proof):
        assert not verify_consistency(*probe), probe


def test_verify_inclusion_single_entry_transparency_dev():
    digest = leaf_hash(b"data")
    assert verify_inclusion(digest, 0, 1, [], digest)
    assert not verify_inclusion(b"", 0, 1, [], digest)
    assert not verify_inclusion(digest, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], b"")  # wrong hash size


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
def test_verify_inclusion_edges_transparency_dev(index, size):
    assert not verify_inclusion(SOME_HASH, index, size, [], b"")
    assert not verify_inclusion(b"", index, size, [], EMPTY_ROOT)
    assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


DONT_CARE_1 = hashlib.sha256(b"don't care 1").digest()
DONT_CARE_2 = hashlib.sha256(b"don't care 2").digest()


@pytest.mark.parametrize(
    ("size1", "size2", "root1", "root2", "proof", "valid"),
    [
        # TestVerifyConsistency in transparency-dev/merkle proof/verify_test.go.
        (0, 0, DONT_CARE_1, DONT_CARE_2, [], False),
        (1, 1, DONT_CARE_1, DONT_CARE_2, [], False),
        (1, 1, DONT_CARE_2, DONT_CARE_2, [], True),
        (1, 0, DONT_CARE_1, DONT_CARE_2, [], False),
        (2, 1, DONT_CARE_1, DONT_CARE_2, [], False),
        (1, 2, DONT_CARE_1, DONT_CARE_2, [], False),
        (0, 0, EMPTY_ROOT, DONT_CARE_2, [], False),
        (1, 1, EMPTY_ROOT, DONT_CARE_2, [], False),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        # transparency-dev accepts (0, 0) and (0, 1) whatever root1 is; we hold an empty tree to its only root.
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
        (0, 1, EMPTY_ROOT, DONT_CARE_2, [], True),
        (0, 0, DONT_CARE_1, DONT_CARE_1, [], False),
        (0, 1, DONT_CARE_1, DONT_CARE_2, [], False),
    ],
)
def test_verify_consistency_edges_transparency_dev(size1, size2, root1, root2, proof, valid):
    assert verify_consistency(size1, size2, root1, root2, proof) is valid


def test_real_ct_log_inclusion_proof():
    assert verify_inclusion(CT_LOG_LEAF_HASH, CT_LOG_LEAF_INDEX, CT_LOG_TREE_SIZE, CT_LOG_AUDIT_PATH, CT_LOG_ROOT)
    assert not verify_inclusion(CT_LOG_LEAF_HASH, CT_LOG_LEAF_INDEX, CT_LOG_TREE_SIZE, CT_LOG_AUDIT_PATH, ZEROS)
    # test_calculate_root_too_short_proof: an index past what the path can reach.
    too_far = CT_LOG_LEAF_INDEX + 2 ** (len(CT_LOG_AUDIT_PATH) + 1)
    assert not verify_inclusion(CT_LOG_LEAF_HASH, too_far, CT_LOG_TREE_SIZE, CT_LOG_AUDIT_PATH, CT_LOG_ROOT)


def test_ct_rightmost_nodes_and_wrong_proof_lengths():
    # MerkleVerifierTest: proofs made of zero hashes for the rightmost leaf of trees of 8, 5 and 6 leaves.
    leaf = leaf_hash(ONES)
    root8 = node_hash(ZEROS, node_hash(ZEROS, node_hash(ZEROS, leaf)))
    assert verify_inclusion(leaf, 7, 8, [ZEROS, ZEROS, ZEROS], root8)
    assert verify_inclusion(leaf, 4, 5, [ZEROS], node_hash(ZEROS, leaf))
    assert verify_inclusion(leaf, 5, 6, [ZEROS, ZEROS], node_hash(ZEROS, node_hash(ZEROS, leaf)))
    assert verify_inclusion(leaf, 4, 6, [ZEROS, ZEROS], node_hash(ZEROS, node_hash(leaf, ZEROS)))
    # test_verify_leaf_inclusion_incorrect_length_proof: too long, too short.
    assert not verify_inclusion(leaf_hash(ONES), 0, 4, [ZEROS, ZEROS, ZEROS], ZEROS)
    assert not verify_inclusion(leaf_hash(ONES), 0, 4, [ZEROS], ZEROS)
    assert not verify_inclusion(leaf, -3, 6, [], leaf)


def test_ct_all_proofs_in_trees_up_to_4():
    # test_verify_leaf_inclusion_all_nodes_all_tree_sizes_up_to_4, with its hand-written proofs.
    leaves = [leaf_hash(h(x)) for x in ("aa", "bb", "cc", "dd")]
    h01, h23 = node_hash(leaves[0], leaves[1]), node_hash(leaves[2], leaves[3])
    expected = {
        1: [[]],
        2: [[leaves[1]], [leaves[0]]],
        3: [[leaves[1], leaves[2]], [leaves[0], leaves[2]], [h01]],
        4: [[leaves[1], h23], [leaves[0], h23], [leaves[3], h01], [leaves[2], h01]],
    }
    tree = MemoryTree()
    for size in range(1, 5):
        tree.append(leaves[size - 1])
        for index in range(size):
            assert tree.inclusion_proof(index) == expected[size][index]
            assert verify_inclusion(leaves[index], index, size, expected[size][index], tree.root())


def test_ct_consistency_with_equal_sizes_and_empty_old_tree():
    # test_verify_tree_consistency_for_equal_tree_sizes / ..._always_accepts_empty_tree, made strict: a proof must
    # be empty when there is nothing to prove (CT ignored a bogus one; transparency-dev rejects it, as we do).
    assert verify_consistency(3, 3, ROOTS[3], ROOTS[3], [])
    assert not verify_consistency(3, 3, ROOTS[3], ROOTS[3], [ROOTS[1]])
    assert not verify_consistency(3, 3, ROOTS[3], ROOTS[1], [])
    assert verify_consistency(0, 1, EMPTY_ROOT, ROOTS[1], [])
    assert not verify_consistency(5, 2, ROOTS[5], ROOTS[2], CONSISTENCY_PROOFS[3][2])


# --- Every tree up to 64 leaves ---------------------------------------------------------------------------------------


def test_incremental_root_equals_the_recursive_definition_at_every_size():
    compact = CompactRange()
    assert compact.root() == ROOT_AT[0]
    for size, leaf in enumerate(LEAVES, start=1):
        compact.append(leaf)
        assert compact.root() == ROOT_AT[size]
        assert root(LEAVES[:size]) == ROOT_AT[size]
        assert root_of_entries(ENTRIES[:size]) == ROOT_AT[size]
        assert tree_root(size, TREE.subtree) == TREE.root(size) == ROOT_AT[size]


def test_inclusion_proofs_for_every_size_and_index():
    for size in range(1, MAX + 1):
        for index in range(size):
            proof = TREE.inclusion_proof(index, size)
            assert proof == rfc_path(index, LEAVES[:size])
            assert verify_inclusion(LEAVES[index], index, size, proof, ROOT_AT[size])
            for probe in _inclusion_probes(index, size, proof, ROOT_AT[size], LEAVES[index]):
                index_, size_, root_hash, leaf_, proof_ = probe
                assert not verify_inclusion(leaf_, index_, size_, proof_, root_hash), (index, size, probe)
            # Another leaf's hash, the proof for another leaf, the root of another size: all refused.
            for other in range(size):
                if other != index:
                    assert not verify_inclusion(LEAVES[other], index, size, proof, ROOT_AT[size])
                    assert not verify_inclusion(LEAVES[index], other, size, proof, ROOT_AT[size])
            for other_size in range(1, MAX + 1):
                if other_size != size:
                    assert not verify_inclusion(LEAVES[index], index, size, proof, ROOT_AT[other_size])


def test_consistency_proofs_for_every_pair_of_sizes():
    for size2 in range(1, MAX + 1):
        for size1 in range(1, size2 + 1):
            proof = TREE.consistency_proof(size1, size2)
            assert proof == rfc_subproof(size1, LEAVES[:size2], True)
            assert verify_consistency(size1, size2, ROOT_AT[size1], ROOT_AT[size2], proof)
            if proof:
                for probe in _consistency_probes(size1, size2, ROOT_AT[size1], ROOT_AT[size2], proof):
                    assert not verify_consistency(*probe), (size1, size2, probe)
            for other in range(MAX + 1):
                if other != size1:
                    assert not verify_consistency(size1, size2, ROOT_AT[other], ROOT_AT[size2], proof)
                if other != size2:
                    assert not verify_consistency(size1, size2, ROOT_AT[size1], ROOT_AT[other], proof)
        assert verify_consistency(0, size2, EMPTY_ROOT, ROOT_AT[size2], TREE.consistency_proof(0, size2))


def test_proof_arguments_out_of_range_are_refused():
    with pytest.raises(ValueError):
        inclusion_proof(4, 4, TREE.subtree)
    with pytest.raises(ValueError):
        inclusion_proof(-1, 4, TREE.subtree)
    with pytest.raises(ValueError):
        consistency_proof(5, 4, TREE.subtree)
    with pytest.raises(ValueError):
        TREE.consistency_proof(1, MAX + 1)
    with pytest.raises(KeyError):
        TREE.subtree(1, MAX)
    assert not verify_inclusion(LEAVES[0], 0, 0, [], EMPTY_ROOT)
    assert not verify_consistency(-1, 3, EMPTY_ROOT, ROOT_AT[3], [])


# --- Properties on larger trees ---------------------------------------------------------------------------------------

BIG = MemoryTree(hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(1500))


class CountingLookup:
    def __init__(self, tree: MemoryTree) -> None:
        self.tree = tree
        self.calls = 0

    def __call__(self, level: int, index: int) -> bytes:
        self.calls += 1
        return self.tree.subtree(level, index)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_inclusion_in_larger_trees(data):
    size = data.draw(st.integers(1, BIG.size))
    index = data.draw(st.integers(0, size - 1))
    lookup = CountingLookup(BIG)
    proof = inclusion_proof(index, size, lookup)
    # The database answers a proof with O(log n) lookups: one per level, plus the border below one level.
    assert lookup.calls <= 2 * size.bit_length()
    root_hash = BIG.root(size)
    assert verify_inclusion(BIG.leaf(index), index, size, proof, root_hash)
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1))
        byte = data.draw(st.integers(0, 31))
        bit = data.draw(st.integers(0, 7))
        wrong = list(proof)
        wrong[element] = wrong[element][:byte] + bytes([wrong[element][byte] ^ (1 << bit)]) + wrong[element][byte + 1 :]
        assert not verify_inclusion(BIG.leaf(index), index, size, wrong, root_hash)
    wrong_index = data.draw(st.integers(0, size - 1).filter(lambda i: i != index)) if size > 1 else size
    assert not verify_inclusion(BIG.leaf(index), wrong_index, size, proof, root_hash)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_consistency_in_larger_trees(data):
    new_size = data.draw(st.integers(1, BIG.size))
    old_size = data.draw(st.integers(1, new_size))
    lookup = CountingLookup(BIG)
    proof = consistency_proof(old_size, new_size, lookup)
    assert lookup.calls <= 2 * new_size.bit_length() + 1
    old_root, new_root = BIG.root(old_size), BIG.root(new_size)
    assert verify_consistency(old_size, new_size, old_root, new_root, proof)
    if proof:
        element = data.draw(st.integers(0, len(proof) - 1))
        byte = data.draw(st.integers(0, 31))
        wrong = list(proof)
        wrong[element] = wrong[element][:byte] + bytes([wrong[element][byte] ^ 1]) + wrong[element][byte + 1 :]
        assert not verify_consistency(old_size, new_size, old_root, new_root, wrong)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.binary(max_size=40), max_size=300))
def test_every_way_of_computing_the_root_agrees(entries):
    leaves = merkle.leaf_hashes(entries)
    expected = rfc_mth(leaves)
    assert root(leaves) == root_of_entries(entries) == MemoryTree(leaves).root() == expected


def test_memory_tree_answers_for_past_sizes():
    tree = MemoryTree()
    for size, leaf in enumerate(LEAVES, start=1):
        tree.append(leaf)
        assert tree.root() == ROOT_AT[size]
    assert len(tree) == MAX
    assert [tree.root(size) for size in range(MAX + 1)] == ROOT_AT
    with pytest.raises(ValueError):
        tree.root(MAX + 1)
