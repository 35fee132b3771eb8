"""After an allergy-like reaction every home test pauses until the dietitian clears the patient,
and the reacting group (with the groups sharing its foods) is never tested at home again.

Pat runs the anti-inflammatory diet from 5 Jan 2026 (21 calm baseline days). Dairy starts on
26 Jan; on its first dose day she reports trouble breathing.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from dietplanner.programs import safety
from dietplanner.programs.models import Challenge, PlanChange, Program, ReactionAlert
from dietplanner.programs.reactions import reaction_report
from dietplanner.programs.selectors import program_plan
from dietplanner.programs.services import (
    PlanError,
    challenge_add,
    challenge_start,
    challenge_unskip,
)
from foods.models import FoodGroup
from foods.services import CatalogueError, read_catalogue
from tests.diary.factories import START, SYMPTOMS, log_days, make_program

pytestmark = pytest.mark.django_db

DOSE_START = START + timedelta(days=21)  # 26 Jan
LATER = DOSE_START + timedelta(days=10)  # the stop's washout long settled


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 12, tzinfo=UTC), tick=False)


def dairy_running(patient) -> tuple[Program, Challenge]:
    program = make_program(patient)
    log_days(program, START, DOSE_START - timedelta(days=1))
    dairy = program.challenges.get(food_group__slug="dairy")
    first = program.challenges.order_by("position").first()
    # dairy first: swap the two groups' places
    first_pos, dairy_pos = first.position, dairy.position
    Challenge.objects.filter(pk=first.pk).update(position=999)
    Challenge.objects.filter(pk=dairy.pk).update(position=first_pos)
    Challenge.objects.filter(pk=first.pk).update(position=dairy_pos)
    dairy.refresh_from_db()
    challenge_start(challenge=dairy, on=DOSE_START)
    dairy.refresh_from_db()
    return program, dairy


def red_flag(patient, challenge, signs=("trouble_breathing",), what="my throat closed up"):
    return reaction_report(
        patient=patient, challenge=challenge, on=DOSE_START, what=what, red_flags=list(signs)
    )


def settled(program):
    log_days(program, DOSE_START, LATER)


def low_fodmap_later(patient) -> Program:
    """A second program, low-FODMAP, started once the first ended."""
    return make_program(
        patient, protocol="low-fodmap", start=LATER, baseline_days=14, symptoms=SYMPTOMS
    )


def test_a_red_flag_pauses_home_tests_where_the_plan_used_to_carry_on(patient, catalogue):
    program, dairy = dairy_running(patient)
    outcome = red_flag(patient, dairy)
    settled(program)

    plan = program_plan(program, LATER)
    assert plan.today.kind == "paused"
    assert "start today" not in plan.today.sentence
    assert outcome.stopped.status == Challenge.Status.STOPPED and outcome.emergency
    alert = ReactionAlert.objects.get(patient=patient)
    assert alert.signs == ["trouble_breathing"] and alert.words == "my throat closed up"
    assert alert.food_group.slug == "dairy" and alert.occurred_on == DOSE_START


def test_no_service_starts_a_home_challenge_while_paused(patient, catalogue):
    program, dairy = dairy_running(patient)
    red_flag(patient, dairy)
    settled(program)
    eggs = program.challenges.get(food_group__slug="eggs")

    with pytest.raises(PlanError, match="paused"):
        challenge_start(challenge=eggs, on=LATER)
    eggs.refresh_from_db()
    assert eggs.status == Challenge.Status.PLANNED


def test_the_linked_dietitian_clears_the_pause_and_it_is_recorded(patient, dietitian, catalogue):
    program, dairy = dairy_running(patient)
    alert = red_flag(patient, dairy).alert
    settled(program)

    cleared = safety.alert_clear(alert=alert, dietitian=dietitian, note="Seen by allergist")

    assert cleared.cleared_by == dietitian and cleared.cleared_at is not None
    assert cleared.acknowledged_by == dietitian  # clearing acknowledges too
    assert cleared.clearance_note == "Seen by allergist"
    plan = program_plan(program, LATER)
    assert plan.today.kind == "ready_for_next"
    nxt = program.challenges.get(public_id=plan.today.challenge_key)
    assert challenge_start(challenge=nxt, on=LATER).status == Challenge.Status.ACTIVE


def test_only_a_linked_dietitian_may_acknowledge_or_clear(
    patient, other_dietitian, other_patient, catalogue
):
    program, dairy = dairy_running(patient)
    alert = red_flag(patient, dairy).alert
    for who in (other_dietitian, patient, other_patient):
        with pytest.raises(safety.AlertError):
            safety.alert_clear(alert=alert, dietitian=who)
        with pytest.raises(safety.AlertError):
            safety.alert_acknowledge(alert=alert, dietitian=who)
    alert.refresh_from_db()
    assert not alert.is_cleared and not alert.is_acknowledged


def test_acknowledging_does_not_resume_home_tests(patient, dietitian, catalogue):
    program, dairy = dairy_running(patient)
    alert = red_flag(patient, dairy).alert
    settled(program)
    safety.alert_acknowledge(alert=alert, dietitian=dietitian)
    alert.refresh_from_db()
    assert alert.acknowledged_by_name == "Dana Dietitian" and alert.acknowledged_at
    assert safety.home_tests_paused(patient)
    assert program_plan(program, LATER).today.kind == "paused"


def test_the_pause_carries_into_a_later_program(patient, dietitian, catalogue):
    program, dairy = dairy_running(patient)
    red_flag(patient, dairy)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ABANDONED)

    later = low_fodmap_later(patient)
    ready = LATER + timedelta(days=14)
    log_days(later, LATER, ready)
    assert program_plan(later, ready).today.kind == "paused"
    first = later.challenges.exclude(status=Challenge.Status.SKIPPED).order_by("position")[0]
    with pytest.raises(PlanError, match="paused"):
        challenge_start(challenge=first, on=ready)


def test_overlapping_groups_are_left_out_of_every_later_program(patient, dietitian, catalogue):
    program, dairy = dairy_running(patient)
    alert = red_flag(patient, dairy).alert
    safety.alert_clear(alert=alert, dietitian=dietitian)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ABANDONED)

    later = low_fodmap_later(patient)

    lactose = later.challenges.get(food_group__slug="lactose")
    assert lactose.status == Challenge.Status.SKIPPED  # lactose overlaps dairy (catalogue data)
    assert later.challenges.exclude(status=Challenge.Status.SKIPPED).count() == 7
    assert "never at home" in PlanChange.objects.get(program=later).summary
    with pytest.raises(PlanError, match="never tested at home"):
        challenge_unskip(challenge=lactose, author=dietitian)
    with pytest.raises(PlanError, match="never tested at home"):
        challenge_start(challenge=lactose, on=LATER + timedelta(days=30))


def test_the_running_programs_overlapping_groups_are_skipped_at_once(patient, dietitian, catalogue):
    program, dairy = dairy_running(patient)
    lactose = challenge_add(
        program=program, food_group=FoodGroup.objects.get(slug="lactose"), author=dietitian
    )

    red_flag(patient, dairy)

    lactose.refresh_from_db()
    assert lactose.status == Challenge.Status.SKIPPED
    assert program.challenges.get(food_group__slug="nuts").status == Challenge.Status.PLANNED
    log = PlanChange.objects.filter(program=program).first()
    assert "Lactose" in log.summary and "never at home" in log.summary


def test_a_dietitian_cannot_add_an_overlapping_group_back(patient, dietitian, catalogue):
    program, dairy = dairy_running(patient)
    red_flag(patient, dairy)
    program.challenges.filter(food_group__slug="gluten").delete()
    with pytest.raises(PlanError, match="never tested at home"):
        challenge_add(
            program=program, food_group=FoodGroup.objects.get(slug="lactose"), author=dietitian
        )


def test_milder_signs_soon_after_a_portion_stop_the_challenge_and_pause(patient, catalogue):
    program, dairy = dairy_running(patient)
    outcome = reaction_report(
        patient=patient, challenge=dairy, on=DOSE_START, allergic_signs=["tingling_mouth"]
    )
    settled(program)
    assert outcome.stopped.status == Challenge.Status.STOPPED
    assert outcome.alert.severity == ReactionAlert.Severity.ALLERGIC and not outcome.emergency
    assert program_plan(program, LATER).today.kind == "paused"
    assert "dairy" in safety.never_at_home(patient)


def test_an_ordinary_reaction_pauses_nothing(patient, catalogue):
    program, dairy = dairy_running(patient)
    outcome = reaction_report(patient=patient, challenge=dairy, on=DOSE_START, what="bloated")
    settled(program)
    assert outcome.alert is None and not safety.home_tests_paused(patient)
    assert program_plan(program, LATER).today.kind == "ready_for_next"


def test_the_catalogue_describes_the_overlaps(catalogue):
    overlaps = {g.slug: set(g.overlaps) for g in FoodGroup.objects.all()}
    assert overlaps["shellfish"] == {"fish_shellfish"}
    assert overlaps["dairy"] == {"lactose"}
    assert overlaps["wheat"] == {"gluten", "fructans_wheat"}
    assert overlaps["nuts"] == set()  # one group in every protocol: the flag covers it alone


def test_a_one_way_overlap_in_the_catalogue_is_refused(tmp_path):
    import json

    from foods.services import CATALOGUE_PATH

    data = json.loads(CATALOGUE_PATH.read_text())
    for group in data["food_groups"]:
        if group["slug"] == "lactose":
            group["overlaps"] = []
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CatalogueError, match="must list 'dairy'"):
        read_catalogue(path)


def test_an_imported_diary_with_a_red_flag_stop_pauses_the_importing_patient(
    patient, other_patient, catalogue
):
    from dietplanner.analysis.exchange import dump_document, parse_document
    from dietplanner.programs.exchange import program_document, program_import

    program, dairy = dairy_running(patient)
    red_flag(patient, dairy)
    document = parse_document(dump_document(program_document(program)))

    copy_ = program_import(document=document, patient=other_patient)

    assert safety.home_tests_paused(other_patient)
    alert = ReactionAlert.objects.get(patient=other_patient)
    assert alert.source == ReactionAlert.Source.IMPORT and alert.food_group.slug == "dairy"
    assert alert.occurred_on == DOSE_START
    log_days(copy_, DOSE_START, LATER)
    assert program_plan(copy_, LATER).today.kind == "paused"
    assert "lactose" in safety.never_at_home(other_patient)


def test_linked_dietitians_are_e_mailed_at_once_without_health_details(
    patient, dietitian, other_dietitian, catalogue, mailoutbox
):
    _, dairy = dairy_running(patient)
    red_flag(patient, dairy, what="my throat closed up")

    sent = [m for m in mailoutbox if "allergic reaction" in m.subject]
    assert [m.to for m in sent] == [[dietitian.email]]
    assert sent[0].subject == "Urgent: Pat Doe reported an allergic reaction"
    assert f"/clinic/clients/{patient.public_id}/" in sent[0].body
    assert "red-flag reaction" in sent[0].body and "throat" not in sent[0].body
    red_flag(patient, None)  # a second reaction is a second message
    assert len([m for m in mailoutbox if "allergic reaction" in m.subject]) == 2


def test_a_stop_for_milder_allergic_signs_travels_as_red_flag_and_pauses_on_import(
    patient, other_patient, catalogue
):
    from dietplanner.analysis.exchange import dump_document, parse_document
    from dietplanner.programs.exchange import program_document, program_import

    program, dairy = dairy_running(patient)
    reaction_report(patient=patient, challenge=dairy, on=DOSE_START, allergic_signs=["vomiting"])
    document = parse_document(dump_document(program_document(program)))

    stopped = next(c for c in document.program.challenges if c.food_group == "dairy")
    assert stopped.stop_reason == "red_flag"
    program_import(document=document, patient=other_patient)
    assert safety.home_tests_paused(other_patient)
