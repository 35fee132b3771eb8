"""Stopping a food test for illness, travel or choice: not a reaction, and tested again."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dietplanner.diary.services import entry_save
from dietplanner.programs.exchange import program_document
from dietplanner.programs.models import Challenge, DailyEntry, Dose, PlanChange
from dietplanner.programs.selectors import group_statuses, program_plan
from dietplanner.programs.services import PlanError, challenge_start
from dietplanner.programs.stopping import challenge_pause
from tests.conftest import sign_in
from tests.diary.factories import START, make_program

pytestmark = pytest.mark.django_db

FIRST_DOSE = START + timedelta(days=21)
STOP_URL = reverse("diary:stop")


def at(day):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def log(program, first, days, score_of):
    DailyEntry.objects.bulk_create(
        DailyEntry(
            program=program,
            date=first + timedelta(days=k),
            scores={s: score_of(k) for s in program.symptoms},
        )
        for k in range(days)
    )


@pytest.fixture
def started(patient, catalogue):
    """Pat's first test started after a baseline that helped (6 at first, then 3)."""
    program = make_program(patient)
    log(program, START, 21, lambda k: 6 if k < 3 else 3)
    challenge = program.challenges.order_by("position").first()
    return program, challenge_start(challenge=challenge, on=FIRST_DOSE)


def ill_on_day_2(program):
    """Scores jump on the second dose day: a flu, not the food (the patient says so)."""
    for k in range(2):
        day = FIRST_DOSE + timedelta(days=k)
        entry_save(
            program=program, on=day, today=day, scores={s: 3 + 5 * k for s in program.symptoms}
        )


def test_a_stop_for_illness_is_not_a_reaction_and_the_group_is_tested_again(started):
    program, challenge = started
    ill_on_day_2(program)
    day2 = FIRST_DOSE + timedelta(days=1)
    following = list(
        program.challenges.filter(position__gt=challenge.position).values_list("pk", "position")
    )

    again = challenge_pause(
        challenge=challenge, on=day2, cause="illness", note="flu", author=program.patient
    )

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.STOPPED and challenge.stop_cause == "illness"
    assert challenge.interrupted and not challenge.stopped_for_reaction
    assert challenge.stop_reason == f"{day2.isoformat()}: flu"
    assert challenge.verdict == "inconclusive"  # a jump of 5 points, yet never a trigger
    assert "not a reaction" in " ".join(challenge.verdict_detail["reasons"])
    assert not challenge.no_home_retest
    # the group comes back as a new planned test right after, the rest move down one
    assert again.status == Challenge.Status.PLANNED and again.food_group == challenge.food_group
    assert again.position == challenge.position + 1
    moved = dict(
        program.challenges.filter(pk__in=[pk for pk, _ in following]).values_list("pk", "position")
    )
    assert moved == {pk: position + 1 for pk, position in following}
    # remaining doses cancelled; the food lookup keeps the group out, not "trigger"
    assert list(challenge.doses.values_list("date", flat=True)) == [FIRST_DOSE, day2]
    assert group_statuses(program)[challenge.food_group.slug] == "eliminated"
    assert "not a reaction" in PlanChange.objects.get(program=program).summary


def test_after_the_washout_the_same_group_is_offered_again(started):
    program, challenge = started
    day2 = FIRST_DOSE + timedelta(days=1)
    challenge_pause(challenge=challenge, on=day2, cause="travel", author=program.patient)
    log(program, FIRST_DOSE, 8, lambda k: 3)
    plan = program_plan(program, FIRST_DOSE + timedelta(days=8))
    assert plan.today.kind == "ready_for_next"
    assert plan.today.group_name == challenge.food_group.name


def test_a_stop_for_illness_on_the_last_dose_day_keeps_every_dose(started):
    program, challenge = started
    last = challenge.last_dose_day
    again = challenge_pause(
        challenge=challenge, on=last, cause="illness", author=program.patient, dose_taken=False
    )
    challenge.refresh_from_db()
    assert challenge.stop_day == last and challenge.verdict != "trigger"
    assert Dose.objects.get(challenge=challenge, date=last).taken is False
    assert again is not None
    plan = program_plan(program, last)  # the engine places it without complaint
    assert plan.challenge(str(challenge.public_id)).phase == "stopped"


def test_no_stop_for_another_reason_once_the_portions_are_over(started):
    program, challenge = started
    with pytest.raises(PlanError, match="portions of this test are over"):
        challenge_pause(
            challenge=challenge,
            on=challenge.last_dose_day + timedelta(days=1),
            cause="illness",
            author=program.patient,
        )


def test_an_unknown_cause_is_refused(started):
    program, challenge = started
    with pytest.raises(PlanError):
        challenge_pause(
            challenge=challenge, on=FIRST_DOSE, cause="reaction", author=program.patient
        )


def test_the_diary_export_carries_the_stop_reason(started):
    program, challenge = started
    challenge_pause(challenge=challenge, on=FIRST_DOSE, cause="travel", author=program.patient)
    doc = program_document(program)
    stopped = doc.program.challenges[0]
    assert stopped.stop_reason == "travel" and stopped.stopped_early_on == FIRST_DOSE
    assert doc.program.challenges[1].food_group == stopped.food_group
    assert doc.program.challenges[1].status == "planned"


def test_the_patient_stops_from_today_with_a_reason(client, started):
    program, challenge = started
    sign_in(client, program.patient)
    with at(FIRST_DOSE + timedelta(days=1)):
        today = client.get(reverse("diary:today"))
        assert STOP_URL.encode() in today.content
        form = client.get(STOP_URL)
        assert b"not counted as a reaction" in form.content
        refused = client.post(STOP_URL, {"note": "no reason given"})
        assert refused.status_code == 400 and b"Choose why you are stopping" in refused.content
        done = client.post(
            STOP_URL, {"cause": "illness", "dose_taken": "no", "note": "a cold"}, follow=True
        )
    assert b"not counted as a reaction" in done.content
    challenge.refresh_from_db()
    assert challenge.stop_cause == "illness" and "a cold" in challenge.stop_reason


def test_the_stop_page_sends_back_to_today_when_no_portion_is_due(patient, patient_client):
    program = make_program(patient)
    with at(START + timedelta(days=2)):
        response = patient_client.get(STOP_URL, follow=True)
        posted = patient_client.post(STOP_URL, {"cause": "illness"}, follow=True)
    assert response.status_code == 200 and b"nothing to stop" in response.content
    assert posted.status_code == 200
    assert not program.challenges.filter(status=Challenge.Status.STOPPED).exists()


def test_another_patient_cannot_stop_pats_test(client, other_patient, started):
    _, challenge = started
    make_program(other_patient)
    sign_in(client, other_patient)
    with at(FIRST_DOSE):
        client.post(STOP_URL, {"cause": "illness"})
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ACTIVE


def test_a_blinded_test_stopped_for_travel_is_planned_again_by_the_dietitian(started):
    program, challenge = started
    Challenge.objects.filter(pk=challenge.pk).update(blinded=True)
    challenge.refresh_from_db()
    again = challenge_pause(
        challenge=challenge, on=FIRST_DOSE, cause="travel", author=program.patient
    )
    assert again is None
    assert not program.challenges.filter(
        food_group=challenge.food_group, status=Challenge.Status.PLANNED
    ).exists()
    assert "Your dietitian can plan it again" in PlanChange.objects.get(program=program).summary


def test_an_imported_stop_for_illness_keeps_its_cause_and_words(started, other_patient):
    from dietplanner.analysis.exchange import dump_document, parse_document
    from dietplanner.programs.exchange import program_import

    program, challenge = started
    challenge_pause(
        challenge=challenge, on=FIRST_DOSE, cause="illness", note="flu", author=program.patient
    )
    text = dump_document(program_document(program))
    copy_ = program_import(document=parse_document(text), patient=other_patient)
    stopped = copy_.challenges.get(position=0)
    assert stopped.interrupted and stopped.stop_cause == "illness"
    assert stopped.stop_notes == [f"{FIRST_DOSE.isoformat()}: flu"]
    assert stopped.verdict != "trigger"


@pytest.mark.parametrize(
    "data",
    [{"cause": "reaction"}, {"cause": "x" * 5000}, {"cause": "illness", "note": "x" * 5000}],
)
def test_bad_stop_answers_are_shown_again_never_a_500(client, started, data):
    program, challenge = started
    sign_in(client, program.patient)
    with at(FIRST_DOSE):
        response = client.post(STOP_URL, data)
    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ACTIVE
