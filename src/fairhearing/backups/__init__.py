"""Backups: one archive holding the database, the evidence files, the keys and a manifest; and restoring it."""
