from django.db import models


class DemoBuild(models.Model):
    """Marks a database as holding demo data, so `demo --reset` never wipes a real organisation's records."""

    seed = models.IntegerField()
    members = models.PositiveIntegerField()
    cases = models.PositiveIntegerField()
    today = models.DateField()
    built_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Demo (seed {self.seed}, {self.members} members, {self.cases} cases)"
