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
