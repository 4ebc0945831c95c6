"""A real SMTP server on a free loopback port (aiosmtpd), which fails the deliveries a test asks it to."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class FlakyHandler:
    """Refuses `permanent` addresses with 550, and each address in `temporary` with 451 that many times before
    taking it. Everything accepted is kept in `received`, parsed."""

    temporary: dict[str, int] = field(default_factory=dict)
    permanent: set[str] = field(default_factory=set)
    received: list[EmailMessage] = field(default_factory=list)
    refusals: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            if address in self.permanent:
                self.refusals[address] += 1
                return f"550 5.1.1 <{address}>: mailbox unavailable"
            if self.temporary.get(address, 0) > 0:
                self.temporary[address] -= 1
                self.refusals[address] += 1
                return "451 4.3.0 Temporary failure, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(message)
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter:
        with self.lock:
            # A long Message-ID is folded onto its own line (RFC 5322 allows it); unfolded, the value is the same.
            return Counter(m["Message-ID"].strip() for m in self.received)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.received if m["To"] == address]


def text(message: EmailMessage) -> str:
    """The body as written: SMTP carries lines ending CRLF."""
    return message.get_content().replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mailers(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }


class SMTPServer:
    def __init__(self) -> None:
        self.handler = FlakyHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
