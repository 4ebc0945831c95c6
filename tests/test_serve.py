"""The README's first command: the demo is built, then served by a real web server."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from urllib.error import URLError

from tests.helpers import FAIRHEARING, cli_env, run_cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, deadline: float) -> tuple[int, bytes]:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
                return response.status, response.read()
        except (URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def test_demo_builds_and_serves_pages_and_static_files(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [*FAIRHEARING, "demo", "--members", "300", "--cases", "40", "--port", str(port)],
        env=cli_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        status, body = _get(f"http://127.0.0.1:{port}/", deadline)
        assert status == 200
        assert b"Example Party" in body
        status, css = _get(f"http://127.0.0.1:{port}/static/fairhearing/site.css", deadline)
        assert status == 200 and b"--accent" in css
        status, _ = _get(f"http://127.0.0.1:{port}/rules/", deadline)
        assert status == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"Log in at http://127.0.0.1:{port}/ with:" in output
    assert "caseofficer" in output
    assert (tmp_path / "fairhearing.sqlite3").exists()


def test_serve_refuses_an_unmigrated_database(tmp_path):
    result = run_cli("serve", "--port", str(_free_port()), data_dir=tmp_path)
    assert result.returncode == 1
    assert "unapplied migrations" in result.stderr


def test_serve_migrate_prepares_an_empty_database_and_serves(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [*FAIRHEARING, "serve", "--migrate", "--port", str(port)],
        env=cli_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, body = _get(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 60)
        assert (status, body) == (200, b'{"status": "ok"}')
        status, body = _get(f"http://127.0.0.1:{port}/", time.monotonic() + 10)
        assert b"No rulebook is in force yet" in body
    finally:
        server.terminate()
        server.wait(timeout=30)
