from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One leaf of the append-only audit log: something done to a case or to personal data - a step of the
    procedure, a view, an export, a ruling, a deletion.

    Entries name what was touched, never its content, so deleting personal data leaves its deletion on record and
    the log still verifies. `fairhearing.audit.log` is the only writer; database triggers refuse updates and deletes.
    """

    index = models.BigIntegerField(unique=True, help_text="Position in the log, from 0, without gaps.")
    at = models.DateTimeField()
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    case_reference = models.CharField(max_length=32, blank=True)
    # Plain ids, not foreign keys: the log outlives the records it mentions.
    subject_member_ids = models.JSONField(default=list, blank=True)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    # Who acted, as a plain id, not a foreign key: deleting an account must not rewrite the record of what it did.
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    leaf_hash = models.BinaryField(max_length=32, help_text="RFC 9162 leaf hash of the entry's canonical bytes.")

    class Meta:
        ordering = ["index"]
        indexes = [
            models.Index(fields=["case_reference"]),
            models.Index(fields=["action", "at"]),
            # The entry of a given timeline entry, evidence item, ...: asked for each row a case's timeline shows.
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_id}"


class MerkleNode(models.Model):
    """The hash of a perfect subtree of the log: 2**level leaves from leaf index * 2**level. Kept so that proofs
    cost O(log n) lookups instead of rehashing the log."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="one_node_per_position")]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class LogHead(models.Model):
    """The log's current size, root and right border (one row). Appends lock it, so the tree never forks."""

    size = models.BigIntegerField(default=0)
    root = models.BinaryField(max_length=32)
    border = models.BinaryField(help_text="Hashes of the right border's perfect subtrees, largest first, joined.")

    def __str__(self) -> str:
        return f"audit log of {self.size} entries"


class Checkpoint(models.Model):
    """A signed tree head in the C2SP tlog-checkpoint format. Every one is kept."""

    size = models.BigIntegerField()
    root = models.BinaryField(max_length=32)
    note = models.TextField(help_text="The signed note, exactly as published.")
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["size", "pk"]

    def __str__(self) -> str:
        return f"checkpoint at {self.size}"
