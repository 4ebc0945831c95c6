"""When to try an email again, and whether to: pure rules, no Django (import-linter keeps it so).

A failed delivery is either temporary - the server could not be reached, or it answered 4xx ("try later") - and is
tried again after an exponential backoff with a cap and some jitter, or permanent - the server rejected the recipient
or the message with a 5xx reply, or the address cannot be written - and is given up at once. After `max_attempts`
tries a temporary failure is given up too. A failure of our own mail server (unreachable, refusing our sign-in or our
sender) is no fault of the message and uses up none of its tries: the message waits for the server to work again,
however long, asked less often the longer it waits. A mistyped password must not give up every notice due while it
is being fixed.
"""

from __future__ import annotations

import random
import smtplib
from dataclasses import dataclass
from datetime import timedelta

FIRST_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=6)
# Each delay is shortened by up to this fraction, at random, so messages that failed together spread out.
JITTER = 0.2
# With the delays above, twelve tries take about a day before a message is given up.
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Failure:
    """Why a delivery failed. `code` is the SMTP reply code when there was one; `whole_batch` when the server itself
    could not be used (unreachable, refused our greeting, sign-in or sender), so the next message would fail too."""

    permanent: bool
    code: int | None
    text: str
    whole_batch: bool = False


@dataclass(frozen=True)
class Next:
    """What to do after a failed try: give up, or try again after `delay`."""

    give_up: bool
    delay: timedelta | None = None


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def classify(exc: BaseException) -> Failure:
    """Sort an exception raised while sending one message. Order matters: most SMTP errors are OSErrors."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        codes = [code for code, _ in replies]
        text = "; ".join(_reply(code, message) for code, message in replies) or "recipient refused"
        permanent = bool(codes) and all(_permanent(code) for code in codes)
        return Failure(permanent, codes[0] if codes else None, f"recipient refused: {text}")
    if isinstance(exc, smtplib.SMTPDataError):
        text = f"message refused: {_reply(exc.smtp_code, exc.smtp_error)}"
        return Failure(_permanent(exc.smtp_code), exc.smtp_code, text)
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPAuthenticationError | smtplib.SMTPHeloError):
        # Our own configuration (the From address, the credentials), not this recipient: keep trying.
        return Failure(False, exc.smtp_code, f"server refused us: {_reply(exc.smtp_code, exc.smtp_error)}", True)
    if isinstance(exc, smtplib.SMTPConnectError):
        return Failure(False, exc.smtp_code, f"could not connect: {_reply(exc.smtp_code, exc.smtp_error)}", True)
    if isinstance(exc, smtplib.SMTPResponseException):
        return Failure(False, exc.smtp_code, _reply(exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Failure(False, None, f"server disconnected: {exc}", True)
    if isinstance(exc, OSError):
        return Failure(False, None, f"could not reach the server: {exc.__class__.__name__}: {exc}", True)
    if isinstance(exc, ValueError):
        # Django's SMTP backend refuses an address it cannot write (say, a newline in it): no retry will help.
        return Failure(True, None, f"invalid address: {exc}")
    return Failure(False, None, f"{exc.__class__.__name__}: {exc}")


def backoff(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8 ... minutes up to six hours, less up to 20%."""
    if attempts < 1:
        raise ValueError("backoff follows a failed attempt")
    base = min(MAX_DELAY, FIRST_DELAY * 2 ** min(attempts - 1, 30))
    spread = (rng or random).uniform(0, JITTER)
    return base * (1 - spread)


def server_backoff(waited: timedelta, rng: random.Random | None = None) -> timedelta:
    """The wait after our own mail server failed, for a message that has waited `waited` so far: half as long again,
    from a minute up to six hours, less up to 20%. Not counted in tries, since the message was never the problem,
    yet still spaced out, so a server refusing our password is not asked again every minute."""
    base = max(FIRST_DELAY, min(MAX_DELAY, waited / 2))
    return base * (1 - (rng or random).uniform(0, JITTER))


def counts_as_attempt(failure: Failure) -> bool:
    """Whether a failure uses up one of the message's tries: not when the server itself could not be used."""
    return not failure.whole_batch


def after_failure(
    attempts: int,
    failure: Failure,
    max_attempts: int = MAX_ATTEMPTS,
    rng: random.Random | None = None,
    waited: timedelta = timedelta(0),
) -> Next:
    """`attempts` counts the tries so far, the one that just failed included when it counts (`counts_as_attempt`);
    `waited` is how long the message has been waiting."""
    if failure.whole_batch:
        return Next(give_up=False, delay=server_backoff(waited, rng))
    if failure.permanent or attempts >= max_attempts:
        return Next(give_up=True)
    return Next(give_up=False, delay=backoff(attempts, rng))
