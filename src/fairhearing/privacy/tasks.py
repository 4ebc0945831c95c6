"""Background tasks of the privacy app, run by Django's tasks framework (a real queue or immediately)."""

from django.tasks import task

from fairhearing.privacy.retention import apply_retention


@task
def apply_retention_task() -> int:
    """The retention schedule, as a task: returns how many records it erased, anonymised or deleted."""
    return len(apply_retention())
