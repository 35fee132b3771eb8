"""A program whose first food group (dairy) has been tested, for the long-term plan's tests."""

from datetime import timedelta

from dietplanner.programs.models import Challenge
from dietplanner.programs.services import challenge_start, program_refresh
from foods.models import FoodGroup
from tests.diary.factories import START, log_days, make_program

FIRST_DOSE = START + timedelta(days=21)
LAST_DAY = FIRST_DOSE + timedelta(days=7)


def program_after_dairy_test(patient, *, rise_from: int | None = 4):
    """21 calm baseline days, then dairy on 3 dose days; symptoms jump to 8 from day
    `rise_from` of the challenge (None: no rise). The challenge is then over (done)."""
    program = make_program(patient)
    log_days(program, START, FIRST_DOSE - timedelta(days=1))
    challenge = program.challenges.order_by("position").first()
    challenge.food_group = FoodGroup.objects.get(slug="dairy")
    challenge.save(update_fields=["food_group"])
    challenge_start(challenge=challenge, on=FIRST_DOSE)
    calm_until = FIRST_DOSE + timedelta(days=(rise_from or 99) - 2)
    log_days(program, FIRST_DOSE, min(calm_until, LAST_DAY))
    if rise_from is not None:
        log_days(program, calm_until + timedelta(days=1), LAST_DAY, score=8)
    Challenge.objects.filter(pk=challenge.pk).update(status=Challenge.Status.DONE)
    program_refresh(program=program, today=LAST_DAY)
    challenge.refresh_from_db()
    return program, challenge
