from __future__ import annotations

from django.db import models


class StoredFile(models.Model):
    """One encrypted file on disk. Items with the same content share it, so a duplicate upload is stored once."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=120)
    blob_name = models.CharField(max_length=80, unique=True, help_text="Generated name of the encrypted file.")
    key_id = models.CharField(max_length=16, help_text="Which key encrypted it.")
    stored_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.media_type}, {self.size} bytes"
