"""Running the real `fairhearing` command in a child process, on its own SQLite data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FAIRHEARING = [sys.executable, "-m", "fairhearing.cli"]


def cli_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    # The child never shares the test run's database: with DATABASE_URL unset it uses SQLite in data_dir.
    env["FAIRHEARING_DATA_DIR"] = str(data_dir)
    return env


def run_cli(*args: str, data_dir: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*FAIRHEARING, *args], env=cli_env(data_dir), capture_output=True, text=True, timeout=timeout, check=False
    )
