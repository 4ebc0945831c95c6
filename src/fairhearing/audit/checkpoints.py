"""Signed tree heads: the log vouches for its size and root in the C2SP tlog-checkpoint format, signed as a C2SP
signed-note with the installation's Ed25519 key. Every checkpoint is kept, so anyone who saw one can later ask
for a consistency proof and see that the log only ever grew."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from fairhearing import config
from fairhearing.audit.log import current_head
from fairhearing.audit.models import Checkpoint
from fairhearing.procedure import checkpoint as notes


def signer() -> notes.Signer:
    return notes.Signer.parse(config.audit_signing_key())


def verifier_key() -> str:
    """The public key in signed-note verifier form: what anyone needs to check a checkpoint."""
    return signer().verifier.verifier_key


def origin() -> str:
    return signer().name


@transaction.atomic
def make_checkpoint(now: datetime | None = None) -> Checkpoint:
    """Sign the log as it stands. If nothing was added since the last checkpoint, that one still holds."""
    head = current_head(lock=True)
    latest = Checkpoint.objects.order_by("-size", "-pk").first()
    if latest is not None and latest.size == head.size and bytes(latest.root) == bytes(head.root):
        return latest
    key = signer()
    note = notes.sign_checkpoint(notes.Checkpoint(key.name, head.size, bytes(head.root)), key)
    return Checkpoint.objects.create(size=head.size, root=bytes(head.root), note=note, made_at=now or timezone.now())


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size", "-pk").first()
