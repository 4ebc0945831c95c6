from django.conf import settings
from django.db import models


class Release(models.Model):
    """One published transparency report: the release log's entry for a period.

    `content` is what the public sees (the report's tables after disclosure control, as plain JSON). `truth` is
    internal: the true value of every cell the release published, as [table, row, column, value] rows, so that a
    later release can be checked against this one before it is published (`fairhearing.analytics.differencing`).
    Releases are never changed or deleted: a reader who kept one must be able to trust it was not quietly redone.
    """

    label = models.CharField(max_length=40, unique=True)
    slug = models.SlugField(max_length=40, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by_label = models.CharField(max_length=200)
    content = models.JSONField()
    truth = models.JSONField(default=list)

    class Meta:
        ordering = ["-ends_on", "starts_on"]

    def __str__(self) -> str:
        return f"Transparency report {self.label}"
