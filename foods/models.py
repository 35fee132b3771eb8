from django.db import models

from .text import fold


class Symptom(models.Model):
    """A symptom the patient scores 0-10 each day (slugs are part of the data contract)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    help = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Confounder(models.Model):
    """Something besides food that can raise symptoms on a day (illness, stress, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class FoodGroup(models.Model):
    """A group of foods eliminated and reintroduced together, with its 3-step portion ladder."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    challenge_foods = models.JSONField(default=list, blank=True)
    ladder = models.JSONField(
        default=list, blank=True, help_text="Exactly 3 portions, small to large."
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class FoodQuerySet(models.QuerySet):
    def matching(self, query: str):
        """Foods whose name or a synonym contains every word of the query (case/accent-blind)."""
        qs = self
        for word in fold(query).split(" "):
            if word:
                qs = qs.filter(search_text__contains=word)
        return qs


class Food(models.Model):
    name = models.CharField(max_length=100, unique=True)
    synonyms = models.JSONField(default=list, blank=True)
    groups = models.ManyToManyField(FoodGroup, related_name="foods", blank=True)
    note = models.CharField(max_length=300, blank=True)
    # Folded name and synonyms, kept in step on save: lets every database match accent-blind.
    search_text = models.TextField(editable=False, db_index=False, default="")

    objects = FoodQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def build_search_text(self) -> str:
        return " | ".join(fold(t) for t in [self.name, *self.synonyms] if t)


class Protocol(models.Model):
    """A template of an elimination diet: what is removed, for how long, the default order."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    summary = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    baseline_days = models.PositiveSmallIntegerField(default=21)
    baseline_min = models.PositiveSmallIntegerField(default=14)
    baseline_max = models.PositiveSmallIntegerField(default=42)
    dose_days = models.PositiveSmallIntegerField(default=3)
    washout_days = models.PositiveSmallIntegerField(default=3)
    default_symptoms = models.JSONField(default=list, blank=True)
    # The eosinophilic-oesophagitis pathway: a linked dietitian starts it, and each food's
    # return is judged at an endoscopy, not by symptom scores.
    assessed_by_endoscopy = models.BooleanField(default=False)
    eliminated_groups = models.ManyToManyField(
        FoodGroup, through="ProtocolGroup", related_name="protocols", blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def groups_in_order(self) -> list[FoodGroup]:
        return [
            pg.group for pg in self.protocol_groups.select_related("group").order_by("position")
        ]


class ProtocolGroup(models.Model):
    """One eliminated group of a protocol; `position` is the default reintroduction order."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="protocol_groups")
    group = models.ForeignKey(FoodGroup, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "group"], name="unique_protocol_group")
        ]

    def __str__(self) -> str:
        return f"{self.protocol.slug}: {self.group.slug}"
