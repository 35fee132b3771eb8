import secrets
import uuid
from datetime import date, time, timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone

from dietplanner.analysis import reactions
from dietplanner.analysis import screening as intake
from dietplanner.analysis.limits import MAX_PORTION
from dietplanner.analysis.vocabulary import ChallengeStatus, Verdict
from foods.models import FoodGroup, Protocol

from .schedule.blinded import portion_day_offsets

# When a dose day is announced: the e-mailed morning note and the calendar alarm.
DOSE_DAY_MORNING = time(7, 30)


class Screening(models.Model):
    """A patient's answers to the health questions asked before a diet (one row per change).

    The newest row is the patient's current answers; older rows stay as history. A linked
    dietitian may clear a row whose answers need a clinician (who and when are recorded);
    the clearance belongs to these answers, not to later ones.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="screenings"
    )
    answers = models.JSONField("answer per question slug", default=dict)
    answered_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="screenings_cleared",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clearance_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        get_latest_by = ["answered_at", "pk"]

    def __str__(self) -> str:
        return f"Health answers of {self.patient} at {self.answered_at:%Y-%m-%d %H:%M}"

    @property
    def is_cleared(self) -> bool:
        return self.cleared_at is not None

    def assessment(self, *, removes_gluten: bool = True) -> intake.Assessment:
        return intake.assess(self.answers, removes_gluten=removes_gluten)

    def assessment_for(self, protocol: Protocol) -> intake.Assessment:
        """The outcome for this diet (the coeliac question counts only without gluten)."""
        slugs = [g.slug for g in getattr(protocol, "groups", None) or protocol.groups_in_order()]
        return self.assessment(removes_gluten=intake.removes_gluten(slugs))

    def allows(self, protocol: Protocol) -> bool:
        """Whether these answers let the patient start this diet (clear, or cleared)."""
        return self.is_cleared or self.assessment_for(protocol).clear


class ProgramQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Program.ACTIVE_STATUSES)


class Program(models.Model):
    """One patient's elimination program: a baseline, then challenges one group at a time."""

    class Status(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        REINTRODUCTION = "reintroduction", "Reintroduction"
        COMPLETED = "completed", "Completed"
        ABANDONED = "abandoned", "Ended early"

    ACTIVE_STATUSES = (Status.BASELINE, Status.REINTRODUCTION)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programs"
    )
    protocol = models.ForeignKey(Protocol, on_delete=models.PROTECT, related_name="programs")
    start_date = models.DateField("first baseline day")
    baseline_days = models.PositiveSmallIntegerField("planned baseline length (days)")
    original_baseline_days = models.PositiveSmallIntegerField(
        "baseline length first planned", null=True, blank=True
    )
    symptoms = models.JSONField("tracked symptoms", default=list)
    # A change of tracked symptoms waiting for its first day: {"from": "YYYY-MM-DD", "symptoms":
    # [...]} ({}: none). Read through `symptoms_on`; the first check-in from that day stores it.
    symptoms_change = models.JSONField(
        "tracked symptoms from a later day", default=dict, blank=True
    )
    reminder_time = models.TimeField(null=True, blank=True)
    # The health answers in force: those the program started with, then the patient's changes.
    screening = models.ForeignKey(
        Screening, on_delete=models.SET_NULL, null=True, blank=True, related_name="programs"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BASELINE)
    # Ending early ("back to my usual eating"): when, by whom (patient or dietitian) and why.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(blank=True)
    # "Did the baseline help?" (programs/baseline_check.py): the patient chose to start the
    # food tests although their symptoms did not improve meaningfully (when, and by whom).
    tests_despite_baseline_at = models.DateTimeField(null=True, blank=True)
    tests_despite_baseline_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The patient's day of the last `services.program_refresh`: the scheduled refresh stores the
    # statuses of programs a day has passed on since (`programs_refresh_due`).
    refreshed_on = models.DateField(null=True, blank=True)
    # Bumped by every write of a diary entry: with the entries' count and last change it
    # stamps the diary a process may keep in memory (`programs.memo`).
    diary_revision = models.PositiveIntegerField(default=0, editable=False)
    # The diary revision the stored verdicts and long-term plans were worked out from (set by
    # `services.program_refresh`): behind `diary_revision` while the task worker still has a
    # check-in's refresh to do (`tasks.program_refresh_queued`), and the pages that show
    # verdicts say "Results updating" (`results_updating`).
    verdicts_revision = models.PositiveIntegerField(default=0, editable=False)
    # A fresh random number written with every change of the program's challenges, their
    # doses or endoscopy outcomes (`plan_changed`): with the id it stamps the challenge rows a
    # process may keep in memory (`programs.record`). Random, not counted: a change rolled
    # back leaves a number that no later state of the program will have.
    plan_stamp = models.BigIntegerField(default=0, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status__in=["baseline", "reintroduction"]),
                name="one_active_program_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"{self.protocol.name} from {self.start_date} ({self.patient.full_name})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def results_updating(self) -> bool:
        """Whether the stored verdicts are older than the diary: a check-in's refresh is
        still queued for the task worker (`diary.services.entry_save`)."""
        return self.verdicts_revision < self.diary_revision

    @property
    def planned_baseline_end(self) -> date:
        return self.start_date + timedelta(days=self.baseline_days - 1)

    def symptoms_on(self, day: date) -> list[str]:
        """The symptoms tracked on `day`: a pending change counts from its first day on."""
        change = self.symptoms_change or {}
        if change and day >= date.fromisoformat(change["from"]):
            return list(change["symptoms"])
        return list(self.symptoms)

    @property
    def symptoms_change_from(self) -> date | None:
        change = self.symptoms_change or {}
        return date.fromisoformat(change["from"]) if change else None

    def change_log(self):
        """The plan changes, newest first, with their authors (one query)."""
        return self.plan_changes.select_related("author").order_by("-at", "-pk")


def plan_changed(programs: models.QuerySet) -> None:
    """Give `programs` a new plan stamp (one UPDATE), after any write of their challenges,
    doses or endoscopy outcomes."""
    programs.update(plan_stamp=secrets.randbits(62))


class PlanRowsQuerySet(models.QuerySet):
    """Challenges, doses and endoscopy outcomes: every write made through Django (a save, a
    delete, `update`, `bulk_update`, `bulk_create`) gives their programs a new plan stamp,
    so rows kept under the old one are never read again."""

    # the lookup from a row of this model to its program's id
    program_lookup = "program_id"

    # The new stamp is written first, in the same transaction as the change (nobody sees
    # one without the other), while the rows still match the filter: one query more.

    def _programs(self) -> models.QuerySet:
        return Program.objects.filter(pk__in=self.order_by().values(self.program_lookup))

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db, savepoint=False):
            plan_changed(self._programs())
            return super().update(**kwargs)

    def delete(self):
        with transaction.atomic(using=self.db, savepoint=False):
            plan_changed(self._programs())
            return super().delete()

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db, savepoint=False):
            objs = super().bulk_create(objs, *args, **kwargs)
            if objs:
                plan_changed(self.model.programs_of(objs))
            return objs


class PlanRow(models.Model):
    """A row of a program's plan (a challenge, its doses, its endoscopy outcome): a save or a
    delete gives the program a new plan stamp (`plan_changed`)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        plan_changed(self.programs_of([self]))

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        plan_changed(self.programs_of([self]))
        return deleted

    @staticmethod
    def programs_of(rows) -> models.QuerySet:
        """The programs these rows belong to."""
        raise NotImplementedError


class Challenge(PlanRow):
    """One food group brought back: dose days on a growing portion, then a washout."""

    class Status(models.TextChoices):
        # The values are `vocabulary.ChallengeStatus` (defined there once), with their labels.
        PLANNED = ChallengeStatus.PLANNED.value, "Planned"
        ACTIVE = ChallengeStatus.ACTIVE.value, "Dose days"
        WASHOUT = ChallengeStatus.WASHOUT.value, "Washout"
        DONE = ChallengeStatus.DONE.value, "Done"
        STOPPED = ChallengeStatus.STOPPED.value, "Stopped for a reaction"
        SKIPPED = ChallengeStatus.SKIPPED.value, "Skipped"

    class StopCause(models.TextChoices):
        """Why a challenge stopped (the exchange format's `stop_reason`, red flag aside)."""

        REACTION = "reaction", "a reaction"
        RED_FLAG = "red_flag", "a severe reaction"
        ILLNESS = "illness", "illness"
        TRAVEL = "travel", "travel"
        PATIENT_CHOICE = "patient_choice", "the patient's choice"
        OTHER = "other", "another reason"

    FINISHED_STATUSES = (Status.DONE, Status.STOPPED, Status.SKIPPED)
    STARTED_STATUSES = (Status.ACTIVE, Status.WASHOUT, Status.DONE, Status.STOPPED)
    TOO_EARLY_LABEL = "Too early to tell"  # an inconclusive reading of a window just begun

    class Verdict(models.TextChoices):
        # `vocabulary.Verdict` with its labels, and one value of the app's own.
        TRIGGER = Verdict.TRIGGER.value, "Likely trigger"
        POSSIBLE = Verdict.POSSIBLE.value, "Possible trigger"
        TOLERATED = Verdict.TOLERATED.value, "Tolerated"
        INCONCLUSIVE = Verdict.INCONCLUSIVE.value, "Inconclusive - repeat"
        # A diet judged by endoscopy (`Protocol.assessed_by_endoscopy`): no verdict from
        # symptom scores; the dietitian's recorded outcome replaces it (`programs.endoscopy`).
        ENDOSCOPY = "endoscopy", "To be assessed at your next endoscopy"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="challenges")
    food_group = models.ForeignKey(FoodGroup, on_delete=models.PROTECT, related_name="challenges")
    position = models.PositiveSmallIntegerField()
    dose_days = models.PositiveSmallIntegerField(default=3)
    washout_days = models.PositiveSmallIntegerField(default=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    first_dose_day = models.DateField(null=True, blank=True)
    stop_day = models.DateField(null=True, blank=True)
    stop_reason = models.TextField("what the patient wrote when stopping", blank=True)
    # Blank (older rows) means a reaction, the usual cause.
    stop_cause = models.CharField(max_length=16, choices=StopCause.choices, blank=True)
    red_flags = models.JSONField(default=list, blank=True)
    no_home_retest = models.BooleanField(
        "not to be re-tested at home", default=False, help_text="Set after a red-flag reaction."
    )
    washout_end = models.DateField(null=True, blank=True)
    blinded = models.BooleanField(default=False)
    # A blinded challenge's secret: the letter of each dose day in order, and which letter is
    # the active portion. Never rendered on a patient page before the challenge is finished.
    blind_labels = models.JSONField("portion letter per dose day", default=list, blank=True)
    blind_active_label = models.CharField("letter of the active portion", max_length=1, blank=True)
    # The paired design (schedule/blinded.py): the number of pairs, whose test days are each
    # followed by `washout_days` quiet days (empty: the old back-to-back design), and the seed
    # they were drawn from, shown to the dietitian with the key (empty when imported).
    blind_pairs = models.PositiveSmallIntegerField("pairs of test days", null=True, blank=True)
    blind_seed = models.PositiveBigIntegerField("seed of the randomisation", null=True, blank=True)
    is_rechallenge = models.BooleanField(default=False)
    rechallenge_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rechallenges"
    )
    # Cached analysis results, refreshed when an entry in or before the window changes.
    verdict = models.CharField(max_length=12, choices=Verdict.choices, blank=True)
    # The chance (0-1) that the food is a trigger for this patient (analysis `probability`).
    verdict_probability = models.FloatField(null=True, blank=True)
    verdict_detail = models.JSONField(default=dict, blank=True)
    verdict_updated = models.DateTimeField(null=True, blank=True)  # when what a reader sees changed
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PlanRowsQuerySet.as_manager()

    class Meta:
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "position"], name="unique_challenge_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.food_group.name} ({self.get_status_display()})"

    @staticmethod
    def programs_of(challenges) -> models.QuerySet:
        return Program.objects.filter(pk__in={c.program_id for c in challenges})

    @property
    def too_early(self) -> bool:
        """Whether the cached verdict is inconclusive only because its window has just begun."""
        return self.verdict == self.Verdict.INCONCLUSIVE and bool(
            (self.verdict_detail or {}).get("too_early")
        )

    @property
    def verdict_label(self) -> str:
        """The cached verdict in words; an inconclusive reading of a window that has only just
        begun reads "Too early to tell", not "repeat the test"."""
        if not self.verdict:
            return ""
        endoscopy = (self.verdict_detail or {}).get("endoscopy")
        if endoscopy and endoscopy.get("label"):  # what the endoscopy showed, not the scores
            return endoscopy["label"]
        return self.TOO_EARLY_LABEL if self.too_early else self.get_verdict_display()

    @property
    def stop_reason_slug(self) -> str | None:
        """Why the challenge stopped, as the analysis and the diary file name it (None: it did
        not stop). The one rule every reader uses.

        Allergic signs, severe or milder, logged at the stop or after it make it a red flag,
        whatever cause was given. Otherwise the cause chosen; an older import kept the cause
        only in the patient's words; a stop without one is read as a reaction, the usual cause.
        """
        if self.status != self.Status.STOPPED:
            return None
        if self.red_flags or self.no_home_retest:
            return self.StopCause.RED_FLAG.value
        if self.stop_cause:
            return self.stop_cause
        words = self.stop_reason.strip()
        return words if words in self.StopCause.values else self.StopCause.REACTION.value

    @property
    def interrupted(self) -> bool:
        """Stopped for illness, travel or choice: not a reaction, so not read as one."""
        return self.stop_reason_slug not in (
            None,
            self.StopCause.REACTION,
            self.StopCause.RED_FLAG,
        )

    @property
    def stopped_for_reaction(self) -> bool:
        return self.status == self.Status.STOPPED and not self.interrupted

    @property
    def status_label(self) -> str:
        """The status in words; a stop that was not a reaction says why."""
        if self.interrupted:
            cause = self.StopCause(self.stop_reason_slug).label
            return f"Stopped for {cause} (not a reaction)"
        return self.get_status_display()

    @property
    def stop_notes(self) -> list[str]:
        """What the patient wrote when stopping, one line per stop ("2026-02-03: ...")."""
        return [line for line in self.stop_reason.splitlines() if line.strip()]

    @property
    def is_started(self) -> bool:
        return self.status in self.STARTED_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def blind_letters(self) -> list[str]:
        """The portion letters in dose-day order (safe for the patient: no arm in them)."""
        return list(self.blind_labels) if self.blinded else []

    @property
    def blind_placebo_label(self) -> str:
        if not self.blind_active_label:
            return ""
        return "B" if self.blind_active_label == "A" else "A"

    @property
    def paired(self) -> bool:
        """A blinded re-challenge in pairs of test days with washout days after each."""
        return self.blinded and self.blind_pairs is not None

    @property
    def dose_offsets(self) -> tuple[int, ...]:
        """Days after the first dose of each dose day; empty: consecutive dose days."""
        return portion_day_offsets(self.dose_days, self.washout_days) if self.paired else ()

    @property
    def last_dose_offset(self) -> int:
        offsets = self.dose_offsets
        return offsets[-1] if offsets else self.dose_days - 1

    @property
    def last_dose_day(self) -> date | None:
        if self.first_dose_day is None:
            return None
        return self.first_dose_day + timedelta(days=self.last_dose_offset)

    def arm_of(self, label: str) -> str:
        """The arm (active or placebo) of a portion letter; empty when unknown."""
        if not self.blinded or not self.blind_active_label or not label:
            return ""
        return "active" if label == self.blind_active_label else "placebo"

    def ladder(self, measures: str = "us") -> tuple[str, str, str]:
        """The 3 portions in words, in the patient's choice of measures (`User.measures`)."""
        return self.food_group.ladder_in(measures)


class PlanChange(models.Model):
    """One change to a program's plan: who made it, when, and what, in the patient's words."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="plan_changes")
    # The author's name is kept with the change: deleting their account (a dietitian who left)
    # leaves the patient's plan history readable.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_changes",
    )
    author_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now)
    summary = models.TextField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.author_name}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.author is not None and not self.author_name:
            self.author_name = self.author.full_name
        super().save(*args, **kwargs)


class GroupPlan(models.Model):
    """One food group's long-term plan after its challenge: free, limit, avoid or test again.

    Derived from the results (`programs.longterm`) until a dietitian changes it; from then on
    `changed_by` is set and the results no longer overwrite it. `limit_step` is the ladder rung
    of the limit (worded in the reader's measures); `limit_text` a portion the dietitian wrote.
    """

    class Status(models.TextChoices):
        FREE = "free", "Back on your menu"
        LIMIT = "limit", "Fine up to a portion"
        AVOID = "avoid", "Avoid for now"
        TEST_AGAIN = "test_again", "Test again"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="group_plans")
    food_group = models.ForeignKey(FoodGroup, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    limit_step = models.PositiveSmallIntegerField(null=True, blank=True)
    limit_text = models.CharField("portion", max_length=200, blank=True)
    retest_on = models.DateField("retest from", null=True, blank=True)
    reason = models.TextField(blank=True)
    note = models.TextField("note for the patient", blank=True)
    no_home_retest = models.BooleanField(default=False)
    # SET_NULL: deleting the dietitian's account leaves the plan as they set it (changed_at
    # still says a person changed it, so the results do not overwrite it).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    change_summary = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "food_group__position"]
        constraints = [
            models.UniqueConstraint(fields=["program", "food_group"], name="one_plan_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.food_group.name}: {self.get_status_display()}"

    def portion(self, measures: str = "us") -> str:
        """The limit in words, in the reader's measures ("" unless the status is limit)."""
        if self.status != self.Status.LIMIT:
            return ""
        if self.limit_text:
            return self.limit_text
        if self.limit_step:
            return self.food_group.ladder_in(measures)[self.limit_step - 1]
        return ""

    def words(self, measures: str = "us") -> str:
        """The plan in words without the group's name ("fine up to 1/2 cup of milk ...")."""
        if self.status == self.Status.FREE:
            return "back on your menu, in any usual portion."
        if self.status == self.Status.LIMIT:
            when = f" Try more from {_day(self.retest_on)}." if self.retest_on else ""
            return f"fine up to {self.portion(measures)} at a time.{when}"
        if self.status == self.Status.AVOID:
            if self.no_home_retest:
                return "avoid; do not test it again at home."
            when = f" Test again from {_day(self.retest_on)}." if self.retest_on else ""
            return f"avoid for now.{when}"
        when = f" from {_day(self.retest_on)}" if self.retest_on else ""
        return f"worth testing again{when}; ask your dietitian."

    def in_words(self, measures: str = "us") -> str:
        """The plan in one sentence for the patient ("Dairy: fine up to 1/2 cup of milk ...")."""
        return f"{self.food_group.name}: {self.words(measures)}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


class ReactionAlertQuerySet(models.QuerySet):
    def pausing(self):
        """Alerts that pause the patient's home tests: not cleared by a clinician yet."""
        return self.filter(cleared_at__isnull=True)

    def unacknowledged(self):
        """Alerts the dietitian has not acknowledged: urgent on the client list."""
        return self.filter(acknowledged_at__isnull=True)


class ReactionAlert(models.Model):
    """An allergy-like reaction of a patient: a red flag, or milder allergic signs soon after a
    portion. It belongs to the patient, not to one program: until a linked dietitian clears it,
    no home challenge starts in this or any later program, and its food group (with every
    group the catalogue says overlaps it) is never tested at home again (`programs.safety`).

    The dietitian acknowledges it (it leaves the client list's urgent flags) and, separately,
    clears the patient for home tests again; both are recorded (who, when). The food group is
    the real one even for a blinded test: emergency staff and the dietitian need it.
    """

    class Severity(models.TextChoices):
        RED_FLAG = "red_flag", "Red-flag reaction (possible anaphylaxis)"
        ALLERGIC = "allergic", "Allergic signs soon after a portion"

    class Source(models.TextChoices):
        REACTION = "reaction", "Reported by the patient"
        IMPORT = "import", "In an imported diary"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reaction_alerts"
    )
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="reaction_alerts"
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.SET_NULL, null=True, blank=True, related_name="alerts"
    )
    food_group = models.ForeignKey(
        FoodGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    blinded = models.BooleanField("during a blinded test", default=False)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REACTION)
    signs = models.JSONField("signs ticked", default=list, blank=True)
    words = models.TextField("the patient's own words", blank=True)
    occurred_on = models.DateField("day (patient's time zone)")
    raised_at = models.DateTimeField(default=timezone.now)
    # Names are kept with the decisions: deleting a dietitian's account leaves them readable.
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_by_name = models.CharField(max_length=150, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cleared_by_name = models.CharField(max_length=150, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    clearance_note = models.TextField(blank=True)

    objects = ReactionAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} of {self.patient} on {self.occurred_on}"

    @property
    def is_red_flag(self) -> bool:
        return self.severity == self.Severity.RED_FLAG

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def is_cleared(self) -> bool:
        return self.cleared_at is not None

    def sign_labels(self) -> list[str]:
        return reactions.sign_labels(self.signs)


class _ChallengeRow(PlanRow):
    """A row that belongs to a challenge (a dose, an endoscopy outcome)."""

    class Meta:
        abstract = True

    @staticmethod
    def programs_of(rows) -> models.QuerySet:
        return Program.objects.filter(challenges__in={r.challenge_id for r in rows}).distinct()


class ChallengeRowQuerySet(PlanRowsQuerySet):
    program_lookup = "challenge__program_id"


class EndoscopyOutcome(_ChallengeRow):
    """What an endoscopy showed after a food group came back, on a diet judged by endoscopy
    (the six-food pathway). Recorded by a linked dietitian (who and when); it becomes the
    group's result for the patient and the long-term plan (`programs.endoscopy`)."""

    class Outcome(models.TextChoices):
        REMISSION_KEPT = "remission_kept", "Remission kept: the food can stay"
        REACTION_FOUND = "reaction_found", "Reaction found: keep the food out"
        NOT_ASSESSED = "not_assessed", "Not assessed yet"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    challenge = models.OneToOneField(Challenge, on_delete=models.CASCADE, related_name="endoscopy")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    endoscopy_on = models.DateField("date of the endoscopy", null=True, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_by_name = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ChallengeRowQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.challenge}: {self.get_outcome_display()}"


def diary_changed(*program_ids: int, using: str = DEFAULT_DB_ALIAS) -> dict[int, int]:
    """Bump the programs' diary revision (one UPDATE) and return each one's new revision.
    Every write of their entries does this first, in the write's transaction, and gives the
    rows it writes that revision (`DailyEntry.revision`): the UPDATE holds the program's row
    until the write commits, so the writes of one program take their revisions in turn."""
    if not program_ids:
        return {}
    connection = connections[using]
    table = connection.ops.quote_name(Program._meta.db_table)
    marks = ", ".join(["%s"] * len(program_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET diary_revision = diary_revision + 1 "  # noqa: S608 - names only
            f"WHERE id IN ({marks}) RETURNING id, diary_revision",
            list(program_ids),
        )
        return dict(cursor.fetchall())


class DailyEntryQuerySet(models.QuerySet):
    """Every write of entries made through Django bumps their programs' diary revision first
    and stamps the rows written with it (`diary_changed`): a save, `update` (and so
    `bulk_update`) and `bulk_create` (an upsert too). A process keeping a program's rows
    then reads again only the rows of a higher revision (`record._kept_entries`)."""

    def update(self, **kwargs) -> int:
        with transaction.atomic(using=self.db, savepoint=False):
            programs = set(self.order_by().values_list("program_id", flat=True).distinct())
            if not programs:
                return super().update(**kwargs)
            revisions = diary_changed(*programs, using=self.db)
            if len(revisions) == 1:
                (revision,) = revisions.values()
                kwargs["revision"] = revision
            else:
                kwargs["revision"] = models.Case(
                    *(models.When(program_id=p, then=r) for p, r in revisions.items()),
                    output_field=models.PositiveBigIntegerField(),
                )
            return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if kwargs.get("update_conflicts"):
            fields = kwargs.get("update_fields") or []
            if "revision" not in fields:
                kwargs["update_fields"] = [*fields, "revision"]
        with transaction.atomic(using=self.db, savepoint=False):
            revisions = diary_changed(*sorted({e.program_id for e in objs}), using=self.db)
            for entry in objs:
                entry.revision = revisions[entry.program_id]
            return super().bulk_create(objs, *args, **kwargs)


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
    # The program's diary revision this row was last written under (`diary_changed`).
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    objects = DailyEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        db_table = "diary_dailyentry"
        verbose_name_plural = "daily entries"
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="one_entry_per_day")
        ]
        indexes = [models.Index(fields=["program", "revision"], name="entry_program_revision")]

    def __str__(self) -> str:
        return f"{self.date} ({self.program.patient.full_name})"

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            self.revision = diary_changed(self.program_id, using=using)[self.program_id]
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
            super().save(*args, **kwargs)


class Dose(_ChallengeRow):
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

    objects = ChallengeRowQuerySet.as_manager()

    class Meta:
        db_table = "diary_dose"
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "date"], name="one_dose_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.portion}"
