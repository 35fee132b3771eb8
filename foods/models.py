import secrets

from django.db import models, transaction

from . import portions as portion_words
from .text import fold


class CatalogueStamp(models.Model):
    """One row: a fresh random number written with every change of the catalogue's symptoms,
    upsets (confounders) or food groups (`catalogue_changed`), in the change's transaction. A
    server process keeps those rows in memory under it (`programs.memo.catalogue_of`) and reads
    it with each page's program, so a change made anywhere shows on the next page."""

    stamp = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"catalogue stamp {self.stamp}"


def catalogue_changed() -> None:
    if not CatalogueStamp.objects.filter(pk=1).update(stamp=secrets.randbits(62)):
        CatalogueStamp.objects.create(pk=1, stamp=secrets.randbits(62))


class CatalogueQuerySet(models.QuerySet):
    """Every write through Django (save, delete, `update`, `bulk_update`, `bulk_create`) of a
    stamped catalogue row gives the catalogue a new stamp, in the same transaction."""

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db, savepoint=False):
            catalogue_changed()
            return super().update(**kwargs)

    def delete(self):
        with transaction.atomic(using=self.db, savepoint=False):
            catalogue_changed()
            return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            catalogue_changed()
            return super().bulk_create(objs, *args, **kwargs)


class StampedRow(models.Model):
    """A catalogue row that pages keep in memory under the catalogue stamp."""

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            catalogue_changed()

    def delete(self, *args, **kwargs):
        with transaction.atomic(savepoint=False):
            catalogue_changed()
            return super().delete(*args, **kwargs)


class Symptom(StampedRow):
    """A symptom the patient scores 0-10 each day (slugs are part of the data contract)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    help = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class Confounder(StampedRow):
    """Something besides food that can raise symptoms on a day (illness, stress, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name


class FoodGroup(StampedRow):
    """A group of foods eliminated and reintroduced together, with its 3-step portion ladder."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    challenge_foods = models.JSONField(default=list, blank=True)
    # The 3 rungs in words with US measures first (what the schedule engine and older exports
    # read); `portions` keeps the rungs as the catalogue gives them, to word them either way.
    ladder = models.JSONField(
        default=list, blank=True, help_text="Exactly 3 portions, small to large."
    )
    portions = models.JSONField(default=list, blank=True)
    # The largest low-FODMAP serve of the ladder food ({"text", "amount", "unit"}), when known:
    # the first dose must be above it or that day tests nothing.
    low_serve = models.JSONField(default=dict, blank=True)
    # For a group of unlike foods: its kinds ({"slug", "name", "tested"}); a result covers only
    # the foods of a tested kind (almonds say nothing about peanuts).
    kinds = models.JSONField(default=list, blank=True)
    # Slugs of the groups that share foods with this one (dairy and lactose): a severe reaction
    # to one keeps every overlapping group out of home tests too (`programs.safety`).
    overlaps = models.JSONField(default=list, blank=True)
    # Names of catalogue foods: a few typical foods of the group (what to leave out), and swap
    # ideas outside it (what to eat instead; shown only when no eliminated group holds them).
    examples = models.JSONField(default=list, blank=True)
    swaps = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def ladder_in(self, measures: str = portion_words.US) -> tuple[str, str, str]:
        """The 3 portions in words, in the patient's choice of measures."""
        return portion_words.ladder_texts(self.portions or self.ladder, measures)

    @property
    def tested_kinds(self) -> set[str]:
        return {k["slug"] for k in self.kinds if k.get("tested")}

    def untested_kind_names(self) -> list[str]:
        return [k["name"] for k in self.kinds if not k.get("tested")]

    def coverage_note(self) -> str:
        """What one result of this group speaks for, in words ("" for a group of like foods)."""
        if not self.kinds:
            return ""
        tested = " and ".join(k["name"] for k in self.kinds if k.get("tested"))
        others = " or ".join(self.untested_kind_names())
        food = self.challenge_foods[0].lower() if self.challenge_foods else "its test food"
        return (
            f"A {self.name.lower()} result (tested with {food}) covers {tested} only, "
            f"not {others}: those need a test of their own."
        )

    def covers(self, food_kinds) -> bool:
        """Whether this group's challenge result speaks for a food of these kinds: always for a
        group of like foods; for a mixed one only when every kind of the food was tested (a
        food of unknown kind is not covered)."""
        if not self.kinds:
            return True
        relevant = set(food_kinds or ()) & {k["slug"] for k in self.kinds}
        return bool(relevant) and relevant <= self.tested_kinds


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
    # What matters only on a low-FODMAP diet ("A tablespoon or two is low in lactose."): shown
    # to patients on a FODMAP program (or with none), never to one who leaves the whole group out.
    fodmap_note = models.CharField(max_length=300, blank=True)
    # The most that is fine on every diet, for foods in no tested group but not free in any
    # amount ("1/2 cup (about 65 g)"): such a food is never shown as "allowed on every diet".
    portion_limit = models.CharField(max_length=200, blank=True)
    kinds = models.JSONField(default=list, blank=True)  # FoodGroup.kinds slugs it belongs to
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


class ProtocolGroup(StampedRow):
    """One eliminated group of a protocol; `position` is the default reintroduction order.
    Kept with the catalogue too (`programs.memo.Catalogue.protocol_groups`)."""

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
