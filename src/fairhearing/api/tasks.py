"""The API's scheduled work, as a Django task."""

from django.tasks import task

from fairhearing.api.idempotency import forget_old_keys


@task
def forget_old_keys_task() -> int:
    """Forget Idempotency-Keys past their 24 hours; returns how many."""
    return forget_old_keys()
