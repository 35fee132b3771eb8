from django.db import models

from dietplanner.analysis.limits import MAX_PORTION
from dietplanner.programs.models import Challenge, Program


class DailyEntry(models.Model):
    """One day's check-in: 0-10 scores for tracked symptoms (absent = not scored) and context."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="entries")
    date = models.DateField()
    scores = models.JSONField(default=dict, blank=True)
    confounders = models.JSONField(default=list, blank=True)
    off_plan = models.JSONField("off-plan food groups eaten", default=list, blank=True)
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = "daily entries"
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="one_entry_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} ({self.program.patient.full_name})"


class Dose(models.Model):
    """A dose day of a challenge: the portion planned and whether the patient took it."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="doses")
    date = models.DateField()
    step = models.PositiveSmallIntegerField()
    portion = models.CharField(max_length=MAX_PORTION)
    taken = models.BooleanField(null=True, blank=True)
    arm = models.CharField(max_length=8, blank=True, help_text="active or placebo (blinded only)")
    # The letter on the blinded portion ("A" or "B"): all the patient is told.
    label = models.CharField(max_length=1, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "date"], name="one_dose_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.portion}"
