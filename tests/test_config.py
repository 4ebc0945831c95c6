"""Settings come from the environment; secrets are generated on first run and kept private."""

from __future__ import annotations

import stat

from fairhearing import config


def test_secret_key_is_generated_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRHEARING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FAIRHEARING_SECRET_KEY", raising=False)
    first = config.secret_key()
    assert len(first) >= 50
    assert config.secret_key() == first
    mode = (tmp_path / "data" / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_secret_key_from_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRHEARING_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FAIRHEARING_SECRET_KEY", "from-the-environment")
    assert config.secret_key() == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_database_defaults_to_sqlite_in_the_data_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRHEARING_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url() == f"sqlite:///{tmp_path}/fairhearing.sqlite3"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert config.database_url() == "postgresql://u@h/db"


def test_lists_and_flags_from_the_environment(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.example , b.example ,")
    assert config.env_list("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_FLAG", "yes")
    assert config.env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "0")
    assert config.env_bool("X_FLAG") is False
    assert config.env_bool("X_UNSET", default=True) is True


def _is_secure_behind_proxy(tmp_path, behind_proxy: str | None) -> str:
    """Whether a plain-HTTP request carrying `X-Forwarded-Proto: https` counts as HTTPS, in a fresh process that
    reads the settings from this environment."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("FAIRHEARING_") and k != "DJANGO_SETTINGS_MODULE"}
    env |= {"FAIRHEARING_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "fairhearing.settings"}
    if behind_proxy is not None:
        env["FAIRHEARING_BEHIND_PROXY"] = behind_proxy
    script = (
        "import django; django.setup();"
        "from django.test import RequestFactory;"
        "print(RequestFactory().get('/', headers={'X-Forwarded-Proto': 'https'}).is_secure())"
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_forwarded_scheme_is_trusted_only_behind_a_proxy(tmp_path):
    # A client talking to the server directly must not be able to claim HTTPS with a header.
    assert _is_secure_behind_proxy(tmp_path, None) == "False"
    assert _is_secure_behind_proxy(tmp_path, "1") == "True"
