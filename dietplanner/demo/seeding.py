"""Demo data for `seed_demo`: plausible, clearly fictional diaries driven through the real
services day by day, so the demo shows what the engine and the analysis really do with them."""

import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dietplanner.accounts.models import CareLink, User
from dietplanner.accounts.two_factor import recovery_codes_make, totp_secret
from dietplanner.analysis import screening as intake
from dietplanner.analysis.vocabulary import TodayKind
from dietplanner.diary.services import entry_save
from dietplanner.programs import intake as intake_services
from dietplanner.programs import services as program_services
from dietplanner.programs.models import Program
from dietplanner.programs.record import load_record
from foods.models import Protocol

# The demo dietitian's authenticator secret: public, like the demo passwords (development only).
DEMO_TOTP_KEY = b"dietplanner-demo-key".hex()

# Groups the demo patient reacts to (by position in the protocol's order): the first one hard
# enough to stop, the third one mildly.
STOP_AT = {0: 2}
MILD = {2: 1.5}
# The demo patients' health answers: nothing worrying, tested for coeliac disease.
CLEAR_ANSWERS = {q.slug: intake.YES if q.gluten_only else intake.NO for q in intake.QUESTIONS}


def _scores(rng: random.Random, symptoms, level: float) -> dict[str, int]:
    return {s: max(0, min(10, round(level + rng.gauss(0, 0.7)))) for s in symptoms}


@transaction.atomic
def demo_program(patient: User, *, days_ago: int, seed: int, today: date) -> Program:
    """Replace the patient's programs with one that started `days_ago` days ago, logged daily."""
    Program.objects.filter(patient=patient).delete()
    intake_services.screening_save(patient=patient, answers=CLEAR_ANSWERS)
    start = today - timedelta(days=days_ago)
    protocol = Protocol.objects.get(slug="anti-inflammatory")
    program = program_services.program_start(
        patient=patient,
        protocol=protocol,
        start_date=start,
        baseline_days=21,
        symptoms=list(protocol.default_symptoms),
        today=start,
    )
    rng = random.Random(seed)
    started: list = []
    for offset in range(days_ago):
        day = start + timedelta(days=offset)
        plan = load_record(program, today=day).plan
        kind = plan.today.kind
        if kind == TodayKind.READY_FOR_NEXT:
            challenge = program.challenges.get(public_id=plan.today.challenge_key)
            program_services.challenge_start(challenge=challenge, on=day)
            started.append(challenge)
            plan = load_record(program, today=day).plan
            kind = plan.today.kind
        level = 3.0 + max(0.0, 3.0 - offset * 0.3)  # early baseline settles
        index = len(started) - 1
        if kind == TodayKind.DOSE and index >= 0:
            dose_day = plan.today.day_number or 1
            level += MILD.get(index, 0) * dose_day / 3
            if index in STOP_AT and dose_day >= STOP_AT[index]:
                level += 3.5
        elif kind == TodayKind.WASHOUT and index in STOP_AT:
            level += 1.0 if plan.today.day_number == 1 else 0
        stop_today = kind == TodayKind.DOSE and STOP_AT.get(index) == plan.today.day_number
        if offset % 9 == 4 and not stop_today:
            continue  # a missed day now and then, as in real diaries
        entry_save(
            program=program,
            on=day,
            today=day,
            scores=_scores(rng, program.symptoms, level),
            confounders=["poor_sleep"] if offset % 11 == 7 else [],
            dose_taken=True if kind == TodayKind.DOSE else None,
        )
        if stop_today:
            program_services.challenge_stop(
                challenge=started[index], on=day, reason="Pain and fatigue flared (demo)."
            )
    program_services.program_refresh(program=program, today=today)
    return program


def demo_link(dietitian: User, patient: User) -> CareLink:
    link = CareLink.objects.filter(dietitian=dietitian, patient=patient).first()
    if link is None:
        link = CareLink(dietitian=dietitian, patient=patient)
    link.status = CareLink.Status.ACTIVE
    link.accepted = link.accepted or timezone.now()
    link.ended = None
    link.save()
    return link


@transaction.atomic
def demo_authenticator(user: User) -> tuple[str, list[str]]:
    """Set up two-step login for a demo account with the public demo secret; returns the
    secret as typed into an app and fresh recovery codes."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name="Demo authenticator", key=DEMO_TOTP_KEY, confirmed=True
    )
    return totp_secret(device), recovery_codes_make(user=user)
