from django.db import models


class AnalysisTrigger(models.TextChoices):
    SCHEDULE = "schedule", "Scheduled job"
    COMMAND = "command", "Command line"


class AnalysisRun(models.Model):
    """One run of the consistency and fairness analysis (`fairhearing.analytics`), kept whole as its JSON report.

    Runs are kept, not overwritten, so oversight can see when an outlier first appeared and the alerts raised
    from each run can be traced back to the figures behind them.
    """

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    trigger = models.CharField(max_length=16, choices=AnalysisTrigger.choices)
    cases = models.PositiveIntegerField()
    decisions = models.PositiveIntegerField()
    outliers = models.PositiveIntegerField()
    flags_raised = models.PositiveIntegerField(default=0)
    report = models.JSONField()

    class Meta:
        ordering = ["-finished_at", "-pk"]
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"Analysis of {self.decisions} decisions ({self.finished_at:%Y-%m-%d %H:%M})"
