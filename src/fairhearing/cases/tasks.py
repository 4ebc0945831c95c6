"""Background tasks, run by Django's tasks framework (a real queue with django-tasks-db, or immediately)."""

from django.tasks import task

from fairhearing.cases.services import apply_time_limits


@task
def apply_time_limits_task() -> int:
    """The scheduled job, as a task: returns how many time limits it applied."""
    return len(apply_time_limits())
