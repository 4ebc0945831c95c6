"""Signed checkpoints of the audit log: C2SP tlog-checkpoint bodies in C2SP signed notes, signed with Ed25519.

A checkpoint commits the log to its size and root hash (c2sp.org/tlog-checkpoint):

    <origin>
    <tree size, decimal>
    <root hash, base64>
    [extension lines]

and is published as a signed note (c2sp.org/signed-note): that text, a blank line, then one line per signature,
"— <key name> <base64(4-byte key ID || signature)>" (the dash is U+2014 EM DASH). Using the formats of the
transparency-log ecosystem rather than our own means that existing tools (Go's golang.org/x/mod/sumdb/note,
transparency-dev, witnesses) can check our checkpoints, and that these functions are tested against theirs.

Keys are written as signed-note text keys: the public *verifier key* "<name>+<hex key ID>+<base64(0x01 || public
key)>" is what the organisation publishes, and the *signer key* "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ||
Ed25519 seed)>" is the secret the log's server holds. The key ID is the first four bytes of SHA-256(name || 0x0A
|| 0x01 || public key), so a key ID names both the key and the algorithm.

Pure apart from `cryptography` (for Ed25519): nothing here touches Django or the rest of the project.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature as _CryptoInvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# The signature type byte for Ed25519 in signed notes (c2sp.org/signed-note, "Signature types").
ED25519 = 0x01
SIGNATURE_PREFIX = "\u2014 "  # EM DASH, then one space
# Go's note.Open refuses notes with more than 100 signatures; the spec asks verifiers to accept at least 16.
MAX_SIGNATURES = 100
ROOT_HASH_SIZE = 32
MAX_TREE_SIZE = 2**64 - 1  # sizes are uint64 in every implementation we must interoperate with

_HEX_KEY_ID = re.compile(r"[0-9a-fA-F]{8}")
# No leading zeros except for the empty tree: one number, one spelling, so a signature covers one meaning.
_TREE_SIZE = re.compile(r"0|[1-9][0-9]*")
_PRIVATE_PREFIX = "PRIVATE+KEY+"


class NoteError(ValueError):
    """A note, checkpoint or key that cannot be accepted; the message says why."""


class MalformedNote(NoteError):
    """The text is not a well-formed signed note, checkpoint or key."""


class UnverifiedNote(NoteError):
    """No signature on the note is by a key the verifier trusts."""


class InvalidSignature(NoteError):
    """A signature by a trusted key does not verify: the note has been altered or forged."""


def _b64decode(text: str, what: str) -> bytes:
    """Strict standard base64: the alphabet, correct padding, and only the canonical spelling of the bytes."""
    try:
        raw = binascii.a2b_base64(text.encode("ascii"), strict_mode=True)
    except (UnicodeEncodeError, binascii.Error) as error:
        raise MalformedNote(f"{what} is not valid base64") from error
    if base64.b64encode(raw).decode("ascii") != text:
        raise MalformedNote(f"{what} is not in canonical base64")
    return raw


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _check_name(name: str, what: str = "key name") -> None:
    # c2sp.org/signed-note: non-empty, no Unicode spaces, no "+" (it separates the fields of a text key).
    if not name:
        raise MalformedNote(f"the {what} is empty")
    if any(ch.isspace() for ch in name) or "+" in name:
        raise MalformedNote(f"the {what} {name!r} contains a space or a '+'")
    _check_characters(name, what)


def _check_characters(text: str, what: str) -> None:
    # c2sp.org/signed-note: valid UTF-8 with no ASCII control characters other than newline.
    if any(ch < " " and ch != "\n" for ch in text):
        raise MalformedNote(f"the {what} contains a control character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise MalformedNote(f"the {what} is not valid UTF-8") from error


def key_id(name: str, public_key: bytes, signature_type: int = ED25519) -> int:
    """The signed-note key ID: the first 4 bytes, big-endian, of SHA-256(name || 0x0A || type || public key)."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([signature_type]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: the key's name and ID, and the algorithm's signature over the note text."""

    name: str
    key_id: int
    signature: bytes

    @property
    def line(self) -> str:
        return f"{SIGNATURE_PREFIX}{self.name} {_b64encode(self.key_id.to_bytes(4, 'big') + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    """A note as written: its text (ending in a newline) and its signature lines, none of them checked yet."""

    text: str
    signatures: tuple[NoteSignature, ...]

    def __str__(self) -> str:
        return self.text + "\n" + "".join(signature.line for signature in self.signatures)


@dataclass(frozen=True)
class OpenedNote:
    """A note whose text is vouched for by at least one trusted key."""

    text: str
    verified: tuple[NoteSignature, ...]
    # Signatures by keys the caller did not name (witnesses, a rotated key): kept, never trusted.
    unverified: tuple[NoteSignature, ...]


@dataclass(frozen=True)
class Verifier:
    """An Ed25519 public key with its signed-note name: what anyone checking the log needs."""

    name: str
    public_key: bytes
    key_id: int = field(init=False)

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise MalformedNote(f"an Ed25519 public key is 32 bytes, not {len(self.public_key)}")
        object.__setattr__(self, "key_id", key_id(self.name, self.public_key))

    @classmethod
    def parse(cls, verifier_key: str) -> Verifier:
        """Read a verifier key "<name>+<hex key ID>+<base64(0x01 || public key)>"."""
        name, plus, rest = verifier_key.partition("+")
        id_hex, plus2, key_b64 = rest.partition("+")
        if not plus or not plus2:
            raise MalformedNote("a verifier key reads <name>+<key ID>+<key>")
        _check_name(name)
        if not _HEX_KEY_ID.fullmatch(id_hex):
            raise MalformedNote(f"the key ID {id_hex!r} is not 8 hexadecimal digits")
        key = _b64decode(key_b64, "the verifier key")
        if not key:
            raise MalformedNote("the verifier key is empty")
        if key_id(name, key[1:], key[0]) != int(id_hex, 16):
            raise MalformedNote("the key ID does not match the key and name")
        if key[0] != ED25519:
            raise MalformedNote(f"unknown signature type {key[0]:#04x} (only Ed25519, 0x01, is supported)")
        return cls(name, key[1:])

    @property
    def verifier_key(self) -> str:
        return f"{self.name}+{self.key_id:08x}+{_b64encode(bytes([ED25519]) + self.public_key)}"

    def __str__(self) -> str:
        return self.verifier_key

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (_CryptoInvalidSignature, ValueError):
            return False
        return True


class Signer:
    """An Ed25519 private key with its signed-note name: the log's signing key. Its repr shows no secret."""

    __slots__ = ("_private", "_seed", "name", "verifier")

    def __init__(self, name: str, seed: bytes) -> None:
        _check_name(name)
        if len(seed) != 32:
            raise MalformedNote(f"an Ed25519 seed is 32 bytes, not {len(seed)}")
        self.name = name
        self._seed = bytes(seed)
        self._private = Ed25519PrivateKey.from_private_bytes(self._seed)
        self.verifier = Verifier(name, self._private.public_key().public_bytes_raw())

    @classmethod
    def generate(cls, name: str) -> Signer:
        return cls(name, Ed25519PrivateKey.generate().private_bytes_raw())

    @classmethod
    def parse(cls, signer_key: str) -> Signer:
        """Read a signer key "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>"."""
        if not signer_key.startswith(_PRIVATE_PREFIX):
            raise MalformedNote("a signer key starts with PRIVATE+KEY+")
        name, plus, rest = signer_key.removeprefix(_PRIVATE_PREFIX).partition("+")
        id_hex, plus2, key_b64 = rest.partition("+")
        if not plus or not plus2:
            raise MalformedNote("a signer key reads PRIVATE+KEY+<name>+<key ID>+<key>")
        _check_name(name)
        if not _HEX_KEY_ID.fullmatch(id_hex):
            raise MalformedNote(f"the key ID {id_hex!r} is not 8 hexadecimal digits")
        key = _b64decode(key_b64, "the signer key")
        if not key or key[0] != ED25519:
            raise MalformedNote("unknown signature type in the signer key (only Ed25519, 0x01, is supported)")
        signer = cls(name, key[1:])
        # The ID is of the public key, so it can only be checked once the public key is derived from the seed.
        if signer.key_id != int(id_hex, 16):
            raise MalformedNote("the key ID does not match the key and name")
        return signer

    @property
    def key_id(self) -> int:
        return self.verifier.key_id

    @property
    def signer_key(self) -> str:
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id:08x}+{_b64encode(bytes([ED25519]) + self._seed)}"

    def sign(self, text: str) -> NoteSignature:
        """The signature line for a note text (Ed25519 over the text's UTF-8 bytes, final newline included)."""
        _check_text(text)
        return NoteSignature(self.name, self.key_id, self._private.sign(text.encode("utf-8")))

    def __repr__(self) -> str:
        return f"Signer({self.verifier.verifier_key!r})"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedNote("a note text ends with a newline")
    _check_characters(text, "note text")


def sign_note(text: str, *signers: Signer) -> str:
    """The signed note: `text` (which must end in a newline), a blank line, and one signature line per signer."""
    if not signers:
        raise ValueError("a signed note needs at least one signer")
    return str(Note(text, tuple(signer.sign(text) for signer in signers)))


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into its text and signature lines, checking only the syntax (no signature is checked).

    Follows c2sp.org/signed-note and Go's note.Open: the text runs to the last blank line, so it may contain blank
    lines itself; every line after it must be a signature line, and the note must end with a newline.
    """
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError as error:
            raise MalformedNote("the note is not valid UTF-8") from error
    _check_characters(message, "note")
    if not message.endswith("\n"):
        raise MalformedNote("the note does not end with a newline")
    split = message.rfind("\n\n")
    if split < 0:
        raise MalformedNote("the note has no blank line before its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block:
        raise MalformedNote("the note has no signature lines")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNote(f"the note has more than {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def _parse_signature_line(line: str) -> NoteSignature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedNote(f"not a signature line (they start with an em dash and a space): {line[:40]!r}")
    name, space, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
    if not space or not encoded:
        raise MalformedNote(f"a signature line reads '— <name> <signature>': {line[:40]!r}")
    _check_name(name)
    raw = _b64decode(encoded, f"the signature by {name}")
    if len(raw) < 5:
        raise MalformedNote(f"the signature by {name} is too short")
    return NoteSignature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def open_note(message: str | bytes, verifiers: Iterable[Verifier]) -> OpenedNote:
    """Check a signed note against trusted keys, as Go's note.Open does, and return its text.

    Signatures by other keys are ignored (kept as unverified). A signature by a trusted key that fails to verify
    rejects the whole note (InvalidSignature), and so does a note with no signature by a trusted key
    (UnverifiedNote): the spec's "the text MUST be ignored unless" it is so signed.
    """
    note = parse_note(message)
    known: dict[tuple[str, int], set[bytes]] = {}
    for verifier in verifiers:
        known.setdefault((verifier.name, verifier.key_id), set()).add(verifier.public_key)
    text = note.text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, int]] = set()
    for signature in note.signatures:
        who = (signature.name, signature.key_id)
        keys = known.get(who)
        if keys is None:
            if signature not in unverified:  # repeated identical lines count once
                unverified.append(signature)
            continue
        if len(keys) > 1:
            raise NoteError(f"ambiguous key {signature.name}+{signature.key_id:08x}: two trusted keys share it")
        if who in seen:  # as in Go, one key's first signature decides; later ones are dropped
            continue
        seen.add(who)
        (public_key,) = keys
        if not Verifier(signature.name, public_key).verify(text, signature.signature):
            raise InvalidSignature(f"invalid signature for key {signature.name}+{signature.key_id:08x}")
        verified.append(signature)
    if not verified:
        raise UnverifiedNote("the note has no signature by a trusted key")
    return OpenedNote(note.text, tuple(verified), tuple(unverified))


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and the root hash at that size (c2sp.org/tlog-checkpoint)."""

    origin: str
    size: int
    root_hash: bytes
    # Opaque extra lines the log commits to; the spec discourages them as monitors cannot audit them.
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise MalformedNote("the checkpoint origin is empty or more than one line")
        _check_characters(self.origin, "checkpoint origin")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or not 0 <= self.size <= MAX_TREE_SIZE:
            raise MalformedNote(f"the tree size {self.size!r} is not a whole number from 0 to 2**64 - 1")
        if len(self.root_hash) != ROOT_HASH_SIZE:
            raise MalformedNote(f"the root hash is {len(self.root_hash)} bytes, not {ROOT_HASH_SIZE} (SHA-256)")
        for line in self.extensions:
            if not line or "\n" in line:
                raise MalformedNote("a checkpoint extension line is empty or more than one line")
            _check_characters(line, "checkpoint extension line")

    @property
    def text(self) -> str:
        """The note text, the exact bytes (as UTF-8) that the log signs."""
        lines = [self.origin, str(self.size), _b64encode(self.root_hash), *self.extensions]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Read a checkpoint note text (without its signatures)."""
        if not text.endswith("\n"):
            raise MalformedNote("a checkpoint ends with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedNote("a checkpoint has at least three lines: origin, tree size, root hash")
        origin, size, root_hash, *extensions = lines
        if not _TREE_SIZE.fullmatch(size) or int(size) > MAX_TREE_SIZE:
            raise MalformedNote(f"the tree size {size[:30]!r} is not a decimal number without leading zeros")
        return cls(origin, int(size), _b64decode(root_hash, "the root hash"), tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The checkpoint as a signed note, ready to publish."""
    return sign_note(checkpoint.text, signer)


def open_checkpoint(message: str | bytes, log_key: Verifier, origin: str | None = None) -> Checkpoint:
    """Check a signed checkpoint against the log's public key (and its origin, if given) and read it.

    Cosignatures by other keys (witnesses) are ignored here: this only answers whether the log signed it.
    """
    opened = open_note(message, [log_key])
    checkpoint = Checkpoint.parse(opened.text)
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"the checkpoint is for {checkpoint.origin!r}, not {origin!r}")
    return checkpoint
