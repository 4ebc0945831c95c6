"""Configuration read from the environment, with the defaults a first run needs.

Kept apart from settings.py so the CLI can find the data directory without importing Django.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

DEFAULT_TIME_ZONE = "Europe/London"


def data_dir() -> Path:
    return Path(os.environ.get("FAIRHEARING_DATA_DIR", "fairhearing-data")).resolve()


def ensure_data_dir() -> Path:
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir() / 'fairhearing.sqlite3'}"


def _read_or_create_secret(name: str, make: Callable[[], str]) -> str:
    """Read a generated secret from the data directory, creating it (owner-only) on first use."""
    path = ensure_data_dir() / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    value = make()
    # O_EXCL: when two processes start at once, one writes and the other reads what it wrote.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    return value


def secret_key() -> str:
    return os.environ.get("FAIRHEARING_SECRET_KEY") or _read_or_create_secret(
        "secret_key", lambda: secrets.token_urlsafe(50)
    )


def evidence_key() -> str:
    """The key evidence files are encrypted with. Back it up with the data: without it the files cannot be read."""
    from fairhearing.evidence.vault import new_key_text

    return os.environ.get("FAIRHEARING_EVIDENCE_KEY") or _read_or_create_secret("evidence_key", new_key_text)


DEFAULT_AUDIT_ORIGIN = "fairhearing.localhost/audit-log"


def audit_signing_key() -> str:
    """The log's Ed25519 signing key in signed-note form (PRIVATE+KEY+...). Generated once, named after
    FAIRHEARING_AUDIT_ORIGIN: set that before the first run, as the name is part of every checkpoint."""
    from fairhearing.procedure.checkpoint import Signer

    origin = os.environ.get("FAIRHEARING_AUDIT_ORIGIN", DEFAULT_AUDIT_ORIGIN)
    return os.environ.get("FAIRHEARING_AUDIT_SIGNING_KEY") or _read_or_create_secret(
        "audit_signing_key", lambda: Signer.generate(origin).signer_key
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from exc


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [v.strip() for v in value.split(",") if v.strip()] if value else default
