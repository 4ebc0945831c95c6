"""Signed checkpoints: C2SP signed notes and tlog-checkpoint bodies, tested against published notes and keys.

Vector sources:
- GO_NOTE: github.com/golang/mod, sumdb/note/note_test.go (the reference implementation of signed notes): the
  PeterNeumann and EnochRoot keys, the signed text, its signatures, and the malformed notes Open must refuse.
- TD_FORMATS: github.com/transparency-dev/formats, log/note_test.go: a real checkpoint signed by sum.golang.org
  (the Go checksum database) with that log's public verifier key, and signer/verifier key pairs.
- C2SP: github.com/C2SP/C2SP, signed-note.md and tlog-checkpoint.md: the example note and checkpoint in the specs
  (their keys are not published, so only their syntax is checked).
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairhearing.procedure.checkpoint import (
    Checkpoint,
    InvalidSignature,
    MalformedNote,
    Note,
    NoteError,
    NoteSignature,
    Signer,
    UnverifiedNote,
    Verifier,
    key_id,
    open_checkpoint,
    open_note,
    parse_note,
    sign_checkpoint,
    sign_note,
)
from fairhearing.procedure.merkle import EMPTY_ROOT, MemoryTree

# --- GO_NOTE: golang/mod sumdb/note/note_test.go ----------------------------------------------------------------------

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
PETER_SIG_B64 = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
PETER_SIG = f"— PeterNeumann {PETER_SIG_B64}\n"
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

# --- TD_FORMATS: transparency-dev/formats log/note_test.go ------------------------------------------------------------

SUMDB_VKEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
SUMDB_CHECKPOINT = (
    "go.sum database tree\n"
    "6476701\n"
    "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n"
    "\n"
    "— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n"
)
TD_KEY_PAIRS = [
    (
        "Log+2271c621+AemuH5ooBpEPcr+W8onrjA1NfuzBVHdezakU81Ekarvs",
        "PRIVATE+KEY+Log+2271c621+AdEIq9FLRQni54Wg68T96VJO+iayOaulswav2DUMKgvQ",
    ),
    (
        "Known+451c786d+AXAQ0T7lbwuY4ABJ9/MYY9bWV3hmSyOGVt2x42NkmdUH",
        "PRIVATE+KEY+Known+451c786d+AQPRoE2+Z+Ed1HaHBA9F/FfracvcZ2rDU39kCecMEoci",
    ),
    (
        "KnownAgain+4893b26c+AQ+LR7BFF/F/dkpIBjBpSvT0crkteizuUkavAoGeaYMj",
        "PRIVATE+KEY+KnownAgain+4893b26c+ARhZda/l25zjGZswYLDZsLNRzNpmv5wYTN9IoTr1OJ2+",
    ),
    (
        "Unknown+fdbb2e08+AWgRIYZ+8x1Vl+1Q+sR8zciNHiYI1SdlBjNw+RV0rots",
        "PRIVATE+KEY+Unknown+fdbb2e08+Aav2knTC6orbhXX8pMWuNiWgO+Wwk2DB+h1eU2Q1W1nU",
    ),
]

# --- C2SP: signed-note.md and tlog-checkpoint.md ----------------------------------------------------------------------

C2SP_NOTE = (
    "Ognuno sta solo sul cuor della terra\n"
    "trafitto da un raggio di sole:\n"
    "\n"
    "ed è subito sera.\n"
    "\n"
    "— quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
)
C2SP_CHECKPOINT = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)


# --- Keys -------------------------------------------------------------------------------------------------------------


def test_go_verifier_key():
    verifier = Verifier.parse(PETER_VKEY)
    assert verifier.name == "PeterNeumann"
    assert verifier.key_id == 0xC74F20A3
    assert verifier.verifier_key == str(verifier) == PETER_VKEY
    # The key ID is SHA-256(name || 0x0A || 0x01 || public key)[:4], big-endian.
    digest = hashlib.sha256(b"PeterNeumann\n\x01" + verifier.public_key).digest()
    assert key_id("PeterNeumann", verifier.public_key) == int.from_bytes(digest[:4], "big") == 0xC74F20A3


def test_go_signer_key():
    signer = Signer.parse(PETER_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.key_id == 0xC74F20A3
    assert signer.signer_key == PETER_SKEY
    assert signer.verifier.verifier_key == PETER_VKEY
    assert "AYEKFALV" not in repr(signer)


@pytest.mark.parametrize(("vkey", "skey"), TD_KEY_PAIRS)
def test_transparency_dev_key_pairs(vkey, skey):
    signer = Signer.parse(skey)
    assert signer.verifier.verifier_key == vkey
    assert Verifier.parse(vkey) == signer.verifier
    assert signer.signer_key == skey


def _manglings(key: str) -> list[str]:
    """As TestNewVerifier/TestNewSigner in golang/mod do: every proper substring, and every byte incremented."""
    out = [key[i:j] for i in range(len(key) + 1) for j in range(i + 1, len(key) + 1) if (i, j) != (0, len(key))]
    out += [key[:i] + chr(ord(key[i]) + 1) + key[i + 1 :] for i in range(len(key))]
    return out


def test_mangled_verifier_keys_are_refused():
    for mangled in _manglings(PETER_VKEY):
        with pytest.raises(MalformedNote):
            Verifier.parse(mangled)
    # golang/mod: a wrong-length key and an unknown algorithm, each with its key ID adjusted to match.
    with pytest.raises(MalformedNote):
        Verifier.parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(MalformedNote, match="unknown signature type"):
        Verifier.parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_mangled_signer_keys_are_refused():
    for mangled in _manglings(PETER_SKEY):
        with pytest.raises(MalformedNote):
            Signer.parse(mangled)


def test_generated_keys_round_trip():
    signer = Signer.generate("fairhearing.example/audit")
    assert Signer.parse(signer.signer_key).verifier == signer.verifier
    assert Verifier.parse(signer.verifier.verifier_key) == signer.verifier
    assert signer.verifier.verify(b"hi", signer.sign("hi\n").signature) is False  # signed "hi\n", not "hi"
    assert signer.verifier.verify(b"hi\n", signer.sign("hi\n").signature)


@pytest.mark.parametrize("name", ["", "two words", "a+b", "tab\there", "nbsp\u00a0here", "bell\x07"])
def test_bad_key_names_are_refused(name):
    with pytest.raises(MalformedNote):
        Signer(name, bytes(32))


def test_wrong_key_sizes_are_refused():
    with pytest.raises(MalformedNote):
        Signer("log", bytes(31))
    with pytest.raises(MalformedNote):
        Verifier("log", bytes(33))


# --- Notes ------------------------------------------------------------------------------------------------------------


def test_go_note_is_signed_byte_for_byte():
    # Ed25519 is deterministic (RFC 8032), so the same key and text must give exactly Go's note.
    assert sign_note(TEXT, Signer.parse(PETER_SKEY)) == TEXT + "\n" + PETER_SIG


def test_go_note_opens():
    peter, enoch = Verifier.parse(PETER_VKEY), Verifier.parse(ENOCH_VKEY)
    message = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    opened = open_note(message, [peter])
    assert opened.text == TEXT
    assert [s.name for s in opened.verified] == ["PeterNeumann"]
    assert [(s.name, s.key_id) for s in opened.unverified] == [("EnochRoot", 0xAF0CFE78)]
    both = open_note(message.encode("utf-8"), [peter, enoch])
    assert [s.name for s in both.verified] == ["PeterNeumann", "EnochRoot"]
    assert both.unverified == ()


def test_go_note_with_no_trusted_signature_is_refused():
    with pytest.raises(UnverifiedNote):
        open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [])


def test_go_note_with_an_altered_text_or_signature_is_refused():
    peter = Verifier.parse(PETER_VKEY)
    with pytest.raises(InvalidSignature, match=r"PeterNeumann\+c74f20a3"):
        open_note(TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:], [peter])
    with pytest.raises(InvalidSignature):
        open_note(TEXT.replace("cryptography", "cryptographY") + "\n" + PETER_SIG, [peter])


def test_go_note_repeated_signatures():
    # golang/mod TestOpen "Duplicated verified and unverified signatures".
    enoch_abcd = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    message = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG + enoch_abcd
    opened = open_note(message, [Verifier.parse(PETER_VKEY)])
    assert len(opened.verified) == 1
    assert [s.line for s in opened.unverified] == [ENOCH_SIG, enoch_abcd]


def test_go_note_too_many_signatures():
    with pytest.raises(MalformedNote):
        open_note(TEXT + "\n" + PETER_SIG * 101, [Verifier.parse(PETER_VKEY)])
    # The spec asks verifiers to accept at least 16.
    assert open_note(TEXT + "\n" + PETER_SIG * 16, [Verifier.parse(PETER_VKEY)]).text == TEXT


def test_ambiguous_trusted_keys_are_refused():
    # golang/mod TestOpen "Check duplicated verifier": two different keys under one name and ID cannot both be
    # trusted. (Identical duplicates are harmless.)
    enoch = Verifier.parse(ENOCH_VKEY)
    assert open_note(TEXT + "\n" + ENOCH_SIG, [enoch, enoch]).text == TEXT
    impostor = Verifier.__new__(Verifier)
    object.__setattr__(impostor, "name", enoch.name)
    object.__setattr__(impostor, "public_key", bytes(32))
    object.__setattr__(impostor, "key_id", enoch.key_id)
    with pytest.raises(NoteError, match="ambiguous"):
        open_note(TEXT + "\n" + ENOCH_SIG, [enoch, impostor])


@pytest.mark.parametrize(
    "message",
    [
        # golang/mod TestOpen "Invalid encoded message syntax".
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        b"\xff" + (TEXT + "\n" + PETER_SIG).encode(),
        TEXT + "\n" + f"— Bad Name {PETER_SIG_B64}",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        # And ours: a hyphen for the em dash, two spaces, no signature, a short or non-base64 signature.
        TEXT + "\n" + PETER_SIG.replace("—", "-"),
        TEXT + "\n" + PETER_SIG.replace(" ", "  ", 1),
        TEXT + "\n" + "— PeterNeumann\n",
        TEXT + "\n" + "— PeterNeumann AAAA\n",
        TEXT + "\n" + "— PeterNeumann x08go!ZJ\n",
        TEXT + "\n" + PETER_SIG + "\n",
        TEXT + "\r\n" + PETER_SIG,
    ],
)
def test_malformed_notes_are_refused(message):
    with pytest.raises(MalformedNote):
        open_note(message, [Verifier.parse(PETER_VKEY)])


def test_c2sp_example_note_syntax():
    # The text runs to the LAST blank line, so it may itself contain one.
    note = parse_note(C2SP_NOTE)
    assert note.text == "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
    (signature,) = note.signatures
    assert signature.name == "quasimodo.example/salvatore"
    assert len(signature.signature) == 64
    assert str(note) == C2SP_NOTE


def test_note_round_trip():
    note = Note("hello\n", (NoteSignature("a.example", 1, b"\x02" * 64), NoteSignature("b.example", 2, b"\x03" * 64)))
    assert parse_note(str(note)) == note


def test_signing_refuses_bad_text():
    signer = Signer.generate("log.example")
    for text in ["no newline", "tab\there\n", "\ud800\n"]:
        with pytest.raises(MalformedNote):
            sign_note(text, signer)
    with pytest.raises(ValueError):
        sign_note("text\n")


@settings(max_examples=50, deadline=None)
@given(st.text(st.characters(blacklist_categories=["Cs"], min_codepoint=0x20), max_size=200))
def test_any_text_signs_and_opens(line):
    signer = Signer.parse(PETER_SKEY)
    text = line + "\n"
    assert open_note(sign_note(text, signer), [signer.verifier]).text == text


# --- Checkpoints ------------------------------------------------------------------------------------------------------


def test_real_sum_golang_org_checkpoint_verifies():
    checkpoint = open_checkpoint(SUMDB_CHECKPOINT, Verifier.parse(SUMDB_VKEY), origin="go.sum database tree")
    assert checkpoint.origin == "go.sum database tree"
    assert checkpoint.size == 6476701
    assert checkpoint.root_hash.hex() == "99bf102d022cd19d323f90acb6aea0ba3f3ba1759e0bd80433ca158a49a6f569"
    assert checkpoint.extensions == ()
    assert checkpoint.text == SUMDB_CHECKPOINT.split("\n\n")[0] + "\n"


def test_real_checkpoint_refused_with_another_origin_key_or_size():
    vkey = Verifier.parse(SUMDB_VKEY)
    with pytest.raises(NoteError, match="not 'Go rocks"):
        open_checkpoint(SUMDB_CHECKPOINT, vkey, origin="Go rocks but I might have the wrong ID")
    with pytest.raises(UnverifiedNote):
        open_checkpoint(SUMDB_CHECKPOINT, Verifier.parse(PETER_VKEY))
    with pytest.raises(InvalidSignature):
        open_checkpoint(SUMDB_CHECKPOINT.replace("6476701", "6476702"), vkey)


def test_c2sp_example_checkpoint_syntax():
    note = parse_note(C2SP_CHECKPOINT)
    checkpoint = Checkpoint.parse(note.text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert len(checkpoint.root_hash) == 32
    assert note.signatures[0].name == checkpoint.origin


def test_our_checkpoint_signs_and_verifies():
    tree = MemoryTree.of_entries([b"a", b"b", b"c"])
    signer = Signer.generate("fairhearing.example/audit")
    checkpoint = Checkpoint("fairhearing.example/audit", tree.size, tree.root())
    signed = sign_checkpoint(checkpoint, signer)
    assert signed.startswith(f"fairhearing.example/audit\n3\n{checkpoint.text.split(chr(10))[2]}\n\n— ")
    assert open_checkpoint(signed, signer.verifier, origin="fairhearing.example/audit") == checkpoint
    # A witness's cosignature does not get in the way.
    witness = Signer.generate("witness.example")
    cosigned = signed + witness.sign(checkpoint.text).line
    assert open_checkpoint(cosigned, signer.verifier) == checkpoint
    with pytest.raises(UnverifiedNote):
        open_checkpoint(signed, Signer.generate("fairhearing.example/audit").verifier)


def test_checkpoint_text_and_extensions():
    checkpoint = Checkpoint("log.example", 0, EMPTY_ROOT, ("ext one", "ext two"))
    assert checkpoint.text == "log.example\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next two\n"
    assert Checkpoint.parse(checkpoint.text) == checkpoint


@pytest.mark.parametrize(
    "text",
    [
        "Head\n9944\n",  # transparency-dev/formats: insufficient lines
        "\n9944\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",  # empty origin
        "Log\n123\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",  # no final newline
        "Log\nbananas\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "Log\n-34\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "Log\n3438945738945739845734895735\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "Log\n123\nThisIsn'tBase64\n",
        # And ours: leading zeros, a sign, non-ASCII digits, a root that is not 32 bytes, an empty extension line.
        "Log\n0123\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "Log\n+123\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "Log\n\u0661\u0662\u0663\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
        "Log\n123\nYmFuYW5hcw==\n",
        "Log\n123\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n",
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(MalformedNote):
        Checkpoint.parse(text)


def test_checkpoint_fields_are_checked():
    with pytest.raises(MalformedNote):
        Checkpoint("two\nlines", 1, EMPTY_ROOT)
    with pytest.raises(MalformedNote):
        Checkpoint("log", -1, EMPTY_ROOT)
    with pytest.raises(MalformedNote):
        Checkpoint("log", 2**64, EMPTY_ROOT)
    with pytest.raises(MalformedNote):
        Checkpoint("log", 1, b"short")
    with pytest.raises(MalformedNote):
        Checkpoint("log", 1, EMPTY_ROOT, ("",))


def test_worked_example_in_the_documentation():
    # docs/audit-log.md quotes these values; keep them true.
    entries = [
        b'{"action":"case.opened","seq":0}',
        b'{"action":"evidence.added","seq":1}',
        b'{"action":"panel.appointed","seq":2}',
    ]
    tree = MemoryTree.of_entries(entries)
    assert [leaf.hex() for leaf in tree.levels[0]] == [
        "7715cf340d4d4f996619adfc8f17ece6faedd20a3af8ff586bedeb653769d073",
        "1bff1b0d337ef218f20832a72bff2742e6ca90dbca87473d936f26a3bd8b6f70",
        "d7017561361df631a3154cbc79be33ef7a1e8ade46c42efce160d92ea1143a9f",
    ]
    n01, l1, l2 = tree.subtree(1, 0), tree.leaf(1), tree.leaf(2)
    assert n01.hex() == "1b84558c73131c6bf985e6a5581bc410174ff2be599d3c6c900ec409aecbd910"
    assert tree.root().hex() == "80b1b2ca0f93c2f2510ff6771dfadbb91349764a1193799b71ea10e2b6037b88"
    assert tree.inclusion_proof(0) == [l1, l2]
    assert tree.inclusion_proof(2) == [n01]
    assert tree.consistency_proof(2) == [l2]
    assert tree.consistency_proof(1) == [l1, l2]
    signer = Signer(
        "fairhearing.example/audit", hashlib.sha256(b"fairhearing documentation example key - never use").digest()
    )
    assert (
        signer.verifier.verifier_key
        == "fairhearing.example/audit+a596a279+AeEa/dCaQCHYEZt7A6KTO7smiShBUI+a3eb0gO4I/3/3"
    )
    assert (
        signer.signer_key
        == "PRIVATE+KEY+fairhearing.example/audit+a596a279+AXN8K5HxHF6VrwB/fpe9koE1LLbjLxg0bhHucDNlwnHn"
    )
    signed = sign_checkpoint(Checkpoint("fairhearing.example/audit", 3, tree.root()), signer)
    assert signed == (
        "fairhearing.example/audit\n3\ngLGyyg+TwvJRD/Z3HfrbuRNJdkoRk3mbceoQ4rYDe4g=\n\n"
        "— fairhearing.example/audit "
        "pZaieZXOcSSnyTdNw34hNnJqGRwxragE2OZQUpOYd9eMKjqA8xFNfIJIWG+E/PEJON/PzQTeP9+1qLpcImwWztk/bAg=\n"
    )
