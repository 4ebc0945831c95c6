"""The audit log's scheduled work, as a Django task."""

from django.tasks import task

from fairhearing.audit.checkpoints import make_checkpoint


@task
def make_checkpoint_task() -> int:
    """Sign the log as it stands; returns the size signed."""
    return make_checkpoint().size
