"""A real server and clients opening cases through its API as fast as it answers, for the reliability tests."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from http.client import HTTPException, RemoteDisconnected
from urllib.error import HTTPError, URLError

from tests.installation import Installation

CLIENTS = 6
ANSWERED_BEFORE_THE_KILL = 20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port: int, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def serve(site: Installation, port: int, log) -> subprocess.Popen:
    server = site.popen("serve", "--port", str(port), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                assert response.status == 200
                return server
        except (URLError, ConnectionError, HTTPException):
            assert server.poll() is None, "the server stopped while starting"
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.25)


def kill(server: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def complaint(respondent: str, n: int) -> dict:
    return {
        "respondent": respondent,
        "complainant_kind": "organisation",
        "complainant_name": f"A newspaper ({n})",
        "source": "email",
        "allegations": [{"clause": "2.2", "particulars": f"Abuse at meeting {n}.", "conduct_date": "2026-11-01"}],
    }


def write_token(site: Installation) -> str:
    made = site.run("token", "create", "caseofficer", "--name", "load", "--scope", "write")
    assert made.stdout.startswith("fh_"), made.stderr
    return made.stdout.strip()


def respondents(site: Installation) -> list[str]:
    sql = "SELECT membership_number FROM organisation_member WHERE status = 'active' ORDER BY id LIMIT 30"
    return [number for (number,) in site.rows(sql)]


def opened_since(site: Installation, last_case: int) -> dict[str, tuple[int, int]]:
    """Each case opened after `last_case`, with how many allegations and timeline events it has."""
    return {
        reference: (allegations, events)
        for reference, allegations, events in site.rows(
            "SELECT c.reference, "
            "(SELECT COUNT(*) FROM cases_allegation a WHERE a.case_id = c.id), "
            "(SELECT COUNT(*) FROM cases_timelineevent t WHERE t.case_id = c.id) "
            "FROM cases_case c WHERE c.id > %s",
            [last_case],
        )
    }


def unaudited_events(site: Installation, last_case: int) -> int:
    """Timeline events of cases opened after `last_case` that have no audit entry."""
    return site.scalar(
        "SELECT COUNT(*) FROM cases_timelineevent t JOIN cases_case c ON c.id = t.case_id WHERE c.id > %s AND NOT "
        "EXISTS (SELECT 1 FROM audit_auditevent e WHERE e.object_type = 'timeline_event' "
        "AND e.object_id = CAST(t.id AS TEXT) AND e.case_reference = c.reference)",
        [last_case],
    )


class Burst:
    """Clients opening cases as fast as the server answers, until stopped or the server dies under them."""

    def __init__(self, port: int, token: str, respondents: list[str]) -> None:
        self.port, self.token, self.respondents = port, token, respondents
        self.lock = threading.Lock()
        self.answered: list[str] = []  # references of cases whose opening the server confirmed (201)
        self.refused: list[str] = []  # any other answer
        self.in_flight_when_killed = 0  # requests the dying server dropped mid-way
        self.killed = threading.Event()
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(k,)) for k in range(CLIENTS)]

    def _client(self, k: int) -> None:
        for n in range(k * 100_000, (k + 1) * 100_000):
            if self.stopped.is_set():
                return
            respondent = self.respondents[n % len(self.respondents)]
            try:
                status, body = call(self.port, self.token, "POST", "/cases", complaint(respondent, n))
            except HTTPError as answer:
                with self.lock:
                    self.refused.append(f"{answer.code}: {answer.read()[:300]!r}")
                continue
            except (URLError, OSError, HTTPException) as lost:
                if not self.killed.is_set():
                    with self.lock:
                        self.refused.append(f"no answer: {lost!r}")
                    continue
                reason = getattr(lost, "reason", lost)
                if isinstance(reason, RemoteDisconnected | ConnectionResetError | BrokenPipeError):
                    with self.lock:
                        self.in_flight_when_killed += 1
                return
            with self.lock:
                if status == 201:
                    self.answered.append(body["reference"])
                else:
                    self.refused.append(f"{status}")

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def wait_for(self, answered: int, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while len(self.answered) < answered and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=90)
