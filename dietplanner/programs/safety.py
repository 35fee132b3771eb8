"""After an allergy-like reaction: the patient-level pause of home tests and "never at home".

A red flag (possible anaphylaxis), or milder allergic signs soon after a portion, raises a
`ReactionAlert`. Until a linked dietitian clears it, no home challenge of the patient starts, in
this program or a later one (`challenge_start` asks `home_tests_paused`; the engine is told, so
Today and the reminders say "paused", never "start today"). The reacting group and every group
the catalogue lists as overlapping it (`FoodGroup.overlaps`) are never tested at home again: the
patient's planned challenges of them are skipped now and in every later program.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from dietplanner.accounts.models import CareLink, User
from dietplanner.accounts.selectors import active_link
from dietplanner.outbox.models import Email
from dietplanner.outbox.services import email_queue
from foods.models import FoodGroup

from .models import Challenge, PlanChange, Program, ReactionAlert
from .record import shown_program
from .schedule.today import PAUSED_SENTENCE

# What a start refused during the pause says (the engine's words, and who lifts the pause).
PAUSED_REFUSAL = f"{PAUSED_SENTENCE} Your dietitian needs to clear you before the next food test."


class AlertError(ValueError):
    """An acknowledgement or clearance that cannot be made; the message is shown as is."""


def home_tests_paused(patient: User) -> bool:
    """Whether an uncleared reaction alert pauses every home challenge of this patient."""
    return ReactionAlert.objects.filter(patient=patient).pausing().exists()


def never_at_home(patient: User) -> set[str]:
    """Slugs of the groups this patient must never test at home: every group of a reaction
    alert or of a challenge marked so (an imported red-flag stop), with the catalogue's
    overlapping groups."""
    slugs = set(
        ReactionAlert.objects.filter(patient=patient, food_group__isnull=False).values_list(
            "food_group__slug", flat=True
        )
    )
    slugs |= set(
        Challenge.objects.filter(program__patient=patient, no_home_retest=True).values_list(
            "food_group__slug", flat=True
        )
    )
    return with_overlaps(slugs)


def with_overlaps(slugs: set[str]) -> set[str]:
    """The groups and every group the catalogue says shares foods with one of them."""
    if not slugs:
        return set()
    overlapping = FoodGroup.objects.filter(slug__in=slugs).values_list("overlaps", flat=True)
    return set(slugs).union(*(set(o or ()) for o in overlapping))


@transaction.atomic
def alert_raise(
    *,
    patient: User,
    severity: str,
    on: date,
    signs: list[str],
    words: str = "",
    challenge: Challenge | None = None,
    source: str = ReactionAlert.Source.REACTION,
) -> ReactionAlert:
    """Record a red flag or immediate allergic signs: home tests pause from now on.

    The caller stops the running challenge first (`challenge_stop`). The challenge's group is
    stored as it is, also for a blinded test. The patient's planned challenges of that group
    and of its overlapping groups are skipped in their running program (logged on the plan).
    """
    program = (
        challenge.program if challenge is not None else shown_program(patient, running_only=True)
    )
    alert = ReactionAlert.objects.create(
        patient=patient,
        program=program,
        challenge=challenge,
        food_group=challenge.food_group if challenge is not None else None,
        blinded=bool(challenge and challenge.blinded),
        severity=severity,
        source=source,
        signs=list(signs),
        words=words.strip(),
        occurred_on=on,
    )
    if challenge is not None and not challenge.no_home_retest:
        Challenge.objects.filter(pk=challenge.pk).update(no_home_retest=True)
    if program is not None and program.is_active:
        planned_skip_unsafe(program=program, author=patient)
    if source == ReactionAlert.Source.REACTION:
        _dietitians_tell(alert)
    return alert


def _dietitians_tell(alert: ReactionAlert) -> None:
    """E-mail every linked dietitian at once (the weekly digest is too late for this): who, when
    and a link to the report, no health details. Not optional, so no unsubscribe."""
    patient = alert.patient
    report_url = settings.SITE_URL + reverse("clinic:report", args=[patient.public_id])
    links = CareLink.objects.active().filter(
        patient=patient,
        dietitian__is_active=True,
        dietitian__email_verified_at__isnull=False,
        dietitian__email_bounced_at__isnull=True,
    )
    for link in links.select_related("dietitian"):
        dietitian = link.dietitian
        email_queue(
            key=f"reaction-alert:{alert.public_id}:{dietitian.pk}",
            kind=Email.Kind.NOTICE,
            user=dietitian,
            to=dietitian.email,
            subject=f"Urgent: {patient.full_name} reported an allergic reaction",
            body=render_to_string(
                "programs/email/reaction_alert.txt",
                {
                    "dietitian": dietitian,
                    "patient": patient,
                    "alert": alert,
                    "report_url": report_url,
                },
            ),
        )


def planned_skip_unsafe(*, program: Program, author: User | None = None) -> list[Challenge]:
    """Skip the program's planned challenges of groups the patient must never test at home.

    Called when an alert is raised, a program starts and a diary is imported; with an `author`
    each skip is logged on the plan, in words the patient reads.
    """
    blocked = never_at_home(program.patient)
    if not blocked:
        return []
    unsafe = list(
        program.challenges.filter(
            status=Challenge.Status.PLANNED, food_group__slug__in=blocked
        ).select_related("food_group")
    )
    if not unsafe:
        return []
    Challenge.objects.filter(pk__in=[c.pk for c in unsafe]).update(
        status=Challenge.Status.SKIPPED, updated=timezone.now()
    )
    if author is not None:
        names = ", ".join(c.food_group.name for c in unsafe)
        PlanChange.objects.create(
            program=program,
            author=author,
            summary=f"Left out of home tests after an allergic reaction: {names}. "
            "Test these only with a doctor, never at home.",
        )
    return unsafe


def unsafe_message(food_group: FoodGroup) -> str:
    """Why a group cannot be planned as a home test for a patient who reacted to it."""
    return (
        f"{food_group.name} is never tested at home for this patient: it, or a group sharing "
        "its foods, caused an allergic reaction."
    )


def _dietitian_check(alert: ReactionAlert, dietitian: User) -> None:
    if not dietitian.is_dietitian or active_link(dietitian, alert.patient) is None:
        raise AlertError("Only the client's linked dietitian can do this.")


@transaction.atomic
def alert_acknowledge(*, alert: ReactionAlert, dietitian: User) -> ReactionAlert:
    """The linked dietitian has seen the alert: it leaves the urgent flags (who and when kept).

    Acknowledging does not resume home tests; `alert_clear` does."""
    _dietitian_check(alert, dietitian)
    alert = ReactionAlert.objects.select_for_update().get(pk=alert.pk)
    if not alert.is_acknowledged:
        alert.acknowledged_by = dietitian
        alert.acknowledged_by_name = dietitian.full_name
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged_by", "acknowledged_by_name", "acknowledged_at"])
    return alert


@transaction.atomic
def alert_clear(*, alert: ReactionAlert, dietitian: User, note: str = "") -> ReactionAlert:
    """The linked dietitian clears the patient for home tests again (acknowledging the alert).

    The reacting group and its overlapping groups stay out of home tests for good.
    """
    _dietitian_check(alert, dietitian)
    alert = ReactionAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.is_cleared:
        raise AlertError("This reaction has already been cleared.")
    now = timezone.now()
    if not alert.is_acknowledged:
        alert.acknowledged_by, alert.acknowledged_at = dietitian, now
        alert.acknowledged_by_name = dietitian.full_name
    alert.cleared_by, alert.cleared_at = dietitian, now
    alert.cleared_by_name = dietitian.full_name
    alert.clearance_note = note.strip()
    alert.save()
    return alert
