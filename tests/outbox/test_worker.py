"""`fairhearing worker`: sends what is due and, with --once, exits; otherwise loops until SIGTERM."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from fairhearing.cli import COMMANDS
from fairhearing.outbox.models import EmailKind, EmailStatus, OutgoingEmail
from fairhearing.outbox.services import enqueue

pytestmark = pytest.mark.django_db


def put(address: str) -> OutgoingEmail:
    return enqueue(
        kind=EmailKind.CASE_CLOSED, to=address, subject="s", body="b\n", now=timezone.now() - timedelta(seconds=1)
    )


def test_once_sends_what_is_due_and_exits(smtp):
    smtp.handler.permanent = {"gone@example.org"}
    put("a@example.org"), put("b@example.org"), put("gone@example.org")
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert out.getvalue() == "2 sent, 0 to retry, 1 given up.\n"
    assert sum(smtp.handler.message_ids().values()) == 2
    call_command("worker", "--once", stdout=(again := StringIO()))
    assert again.getvalue() == "0 sent, 0 to retry, 0 given up.\n"
    assert "worker" in COMMANDS


def test_the_loop_sends_then_stops_cleanly_on_sigterm(smtp):
    email = put("a@example.org")
    out = StringIO()
    # The signal arrives while the worker waits between rounds (30 s): it must not wait them out.
    timer = threading.Timer(1.0, os.kill, args=(os.getpid(), signal.SIGTERM))
    before = signal.getsignal(signal.SIGTERM)
    started = time.monotonic()
    timer.start()
    try:
        call_command("worker", "--interval", "30", stdout=out)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 10
    assert out.getvalue().splitlines() == [
        "Sending email from the outbox every 30 s; stop with SIGTERM or Ctrl-C.",
        "1 sent, 0 to retry, 0 given up.",
        "Stopped.",
    ]
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert signal.getsignal(signal.SIGTERM) == before  # the handler it installed is gone again
