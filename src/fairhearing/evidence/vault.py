"""Evidence files encrypted at rest, under generated names.

Each file is sealed with AES-256-GCM under the installation's evidence key, with a fresh random nonce, and the
file's generated name as associated data, so a blob renamed or swapped on disk fails to open rather than showing
the wrong evidence. The key comes from `FAIRHEARING_EVIDENCE_KEY` or is generated once in the data directory; a
blob written under one key cannot be read under another (`key_id` says which key sealed it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"FHE1"
NONCE_BYTES = 12


class VaultError(Exception):
    """A blob is missing, damaged, or sealed under another key."""


def decode_key(text: str) -> bytes:
    """A key is 32 random bytes written in URL-safe base64 (as `fairhearing` generates them)."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode() + b"==")
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the evidence key must be 32 bytes in URL-safe base64") from exc
    if len(key) != 32:
        raise ValueError("the evidence key must be 32 bytes in URL-safe base64")
    return key


def new_key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def key_id(key: bytes) -> str:
    """A short, non-secret name for a key, stored beside each blob."""
    return hashlib.sha256(b"fairhearing key id" + key).hexdigest()[:16]


class Vault:
    def __init__(self, root: Path, key: bytes):
        self.root = root
        self._aead = AESGCM(key)
        self.key_id = key_id(key)

    def _path(self, blob_name: str) -> Path:
        # Generated names only: anything else could point outside the vault.
        if len(blob_name) != 32 or not all(c in "0123456789abcdef" for c in blob_name):
            raise VaultError(f"not a blob name: {blob_name!r}")
        return self.root / blob_name[:2] / blob_name

    def seal(self, data: bytes, associated: bytes) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return MAGIC + nonce + self._aead.encrypt(nonce, data, associated)

    def unseal(self, sealed: bytes, associated: bytes) -> bytes:
        if not sealed.startswith(MAGIC) or len(sealed) < len(MAGIC) + NONCE_BYTES:
            raise VaultError("not sealed by fairhearing")
        nonce = sealed[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[len(MAGIC) + NONCE_BYTES :], associated)
        except InvalidTag as exc:
            raise VaultError("cannot be opened: damaged, or sealed under another key") from exc

    def put(self, data: bytes) -> str:
        """Seal `data` under a new generated name and return the name. The write is atomic."""
        blob_name = secrets.token_hex(16)
        path = self._path(blob_name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_name(f".{blob_name}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.seal(data, blob_name.encode()))
                f.flush()
                os.fsync(f.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return blob_name

    def get(self, blob_name: str) -> bytes:
        try:
            sealed = self._path(blob_name).read_bytes()
        except FileNotFoundError as exc:
            raise VaultError(f"evidence file {blob_name} is missing") from exc
        return self.unseal(sealed, blob_name.encode())

    def delete(self, blob_name: str) -> None:
        self._path(blob_name).unlink(missing_ok=True)

    def exists(self, blob_name: str) -> bool:
        return self._path(blob_name).exists()


def default_vault() -> Vault:
    from django.conf import settings

    from fairhearing import config

    return Vault(Path(settings.FAIRHEARING_EVIDENCE_DIR), decode_key(config.evidence_key()))
