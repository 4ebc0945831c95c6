"""The email outbox: messages written in the same transaction as the action they report, sent later by the worker
over SMTP with retries, each marked sent once (docs/email.md)."""
