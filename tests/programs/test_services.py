"""Plan writes: start a program, extend its baseline, reorder, skip and put back challenges."""

from datetime import date, time

import pytest

from dietplanner.programs.models import Challenge, Program
from dietplanner.programs.selectors import (
    get_challenge_for_user,
    program_plan,
)
from dietplanner.programs.services import (
    MAX_EXTENSION_DAYS,
    PlanError,
    baseline_extend,
    challenge_skip,
    challenge_unskip,
    challenges_reorder,
    program_start,
)
from foods.models import Protocol

TODAY = date(2026, 3, 1)

# Pat's program (the shared fixture): the low-FODMAP diet with its 28-day baseline from today.
pytestmark = [
    pytest.mark.usefixtures("catalogue"),
    pytest.mark.program(
        protocol="low-fodmap", start=TODAY, baseline_days=28, symptoms=["pain", "fatigue"]
    ),
]


def start(patient, slug="anti-inflammatory", **changes) -> Program:
    protocol = Protocol.objects.get(slug=slug)
    values = {
        "patient": patient,
        "protocol": protocol,
        "start_date": TODAY,
        "baseline_days": protocol.baseline_days,
        "symptoms": ["pain", "fatigue"],
        "today": TODAY,
    }
    values.update(changes)
    return program_start(**values)


def ordered(program: Program) -> list[Challenge]:
    return list(program.challenges.select_related("food_group").order_by("position"))


def slugs(program: Program, status=Challenge.Status.PLANNED) -> list[str]:
    return [c.food_group.slug for c in ordered(program) if c.status == status]


def ids(challenges) -> list[str]:
    return [str(c.public_id) for c in challenges]


def begin(challenge: Challenge, on: date) -> None:
    challenge.status = Challenge.Status.ACTIVE
    challenge.first_dose_day = on
    challenge.save()
    Program.objects.filter(pk=challenge.program_id).update(status=Program.Status.REINTRODUCTION)


# --- program_start ---------------------------------------------------------------------------


def test_starting_makes_one_planned_challenge_per_eliminated_group_in_order(patient):
    program = start(patient, reminder_time=time(8, 30))

    protocol = program.protocol
    assert program.status == Program.Status.BASELINE
    assert program.reminder_time == time(8, 30)
    assert program.symptoms == ["pain", "fatigue"]
    assert slugs(program) == [g.slug for g in protocol.groups_in_order()]
    assert len(slugs(program)) == 13
    assert {(c.dose_days, c.washout_days) for c in ordered(program)} == {(3, 3)}
    assert [c.position for c in ordered(program)] == list(range(13))


def test_a_program_may_start_on_a_later_day(patient):
    program = start(patient, start_date=date(2026, 4, 1))

    assert program.planned_baseline_end == date(2026, 4, 21)


def test_a_second_running_program_is_refused(patient, program):
    with pytest.raises(PlanError, match="already have a program running"):
        start(patient)

    assert Program.objects.filter(patient=patient).count() == 1


def test_a_new_program_may_follow_an_ended_one(patient, program):
    Program.objects.filter(pk=program.pk).update(status=Program.Status.COMPLETED)

    assert start(patient).is_active


def test_another_patients_program_does_not_block_a_start(patient, other_patient, program):
    assert start(other_patient).patient == other_patient


def test_start_date_in_the_past_is_refused(patient):
    with pytest.raises(PlanError, match="cannot be in the past"):
        start(patient, start_date=date(2026, 2, 28))

    assert not Program.objects.exists()


@pytest.mark.parametrize("days", [13, 43])
def test_baseline_outside_the_protocol_bounds_is_refused(patient, days):
    with pytest.raises(PlanError, match="lasts 14 to 42 days"):
        start(patient, baseline_days=days)


@pytest.mark.parametrize("days", [14, 42])
def test_baseline_on_the_protocol_bounds_is_accepted(patient, days):
    assert start(patient, baseline_days=days).baseline_days == days


def test_starting_without_symptoms_is_refused(patient):
    with pytest.raises(PlanError, match="at least one symptom"):
        start(patient, symptoms=[])

    assert not Challenge.objects.exists()


# --- baseline_extend -------------------------------------------------------------------------


def test_extending_adds_days_and_remembers_the_first_plan(program):
    program = baseline_extend(program=program, days=5, today=TODAY)
    program = baseline_extend(program=program, days=2, today=TODAY)

    program.refresh_from_db()
    assert program.baseline_days == 28 + 7
    assert program.original_baseline_days == 28


def test_extending_moves_every_projected_challenge(program):
    before = program_plan(program, TODAY)

    baseline_extend(program=program, days=4, today=TODAY)
    program.refresh_from_db()
    after = program_plan(program, TODAY)

    assert (after.baseline.planned_end - before.baseline.planned_end).days == 4
    for old, new in zip(before.challenges, after.challenges, strict=True):
        assert (new.first_dose_day - old.first_dose_day).days == 4


@pytest.mark.parametrize("days", [0, -1, MAX_EXTENSION_DAYS + 1])
def test_extension_out_of_range_is_refused(program, days):
    with pytest.raises(PlanError, match=f"1 to {MAX_EXTENSION_DAYS} days"):
        baseline_extend(program=program, days=days, today=TODAY)

    program.refresh_from_db()
    assert program.baseline_days == 28 and program.original_baseline_days is None


def test_extension_after_the_first_challenge_started_is_refused(program):
    begin(ordered(program)[0], date(2026, 3, 30))

    with pytest.raises(PlanError, match="baseline is over"):
        baseline_extend(program=program, days=3, today=date(2026, 3, 31))


def test_extension_of_an_ended_program_is_refused(program):
    Program.objects.filter(pk=program.pk).update(status=Program.Status.ABANDONED)

    with pytest.raises(PlanError):
        baseline_extend(program=program, days=3, today=TODAY)


# --- challenges_reorder ----------------------------------------------------------------------


def test_reorder_puts_the_planned_challenges_in_the_given_order(program):
    challenges = ordered(program)
    new = [challenges[2], challenges[0], challenges[1], *challenges[3:]]

    challenges_reorder(program=program, order=ids(new))

    assert slugs(program)[:3] == ["lactose", "sorbitol", "mannitol"]
    assert program_plan(program, TODAY).challenges[0].group_name == "Lactose"


def test_reorder_reversing_everything_never_breaks_the_unique_positions(program):
    challenges_reorder(program=program, order=ids(reversed(ordered(program))))

    assert slugs(program) == [
        "fructans_onion",
        "fructans_garlic",
        "fructans_wheat",
        "gos",
        "fructose",
        "lactose",
        "mannitol",
        "sorbitol",
    ]


def test_reorder_keeps_started_challenges_in_their_place(program):
    first, *planned = ordered(program)
    begin(first, date(2026, 3, 30))

    challenges_reorder(program=program, order=ids(reversed(planned)))

    positions = {c.food_group.slug: c.position for c in ordered(program)}
    assert positions["sorbitol"] == 0
    assert slugs(program)[0] == "fructans_onion"


def test_reorder_naming_a_started_challenge_is_refused_by_name(program):
    first, second, *rest = ordered(program)
    begin(first, date(2026, 3, 30))

    with pytest.raises(PlanError, match="Sorbitol has already started or finished"):
        challenges_reorder(program=program, order=ids([second, first, *rest]))


def test_reorder_naming_a_skipped_challenge_says_to_put_it_back_first(program):
    first, *rest = ordered(program)
    challenge_skip(challenge=first)

    with pytest.raises(PlanError, match="Sorbitol is skipped: put it back"):
        challenges_reorder(program=program, order=ids([*rest, first]))


@pytest.mark.parametrize(
    "change",
    [
        lambda order: [*order[:-1], "6d9c3f43-7a4b-4a38-9a55-0e0a3d1d7c11"],  # unknown id
        lambda order: order[:-1],  # one missing
        lambda order: [*order, order[0]],  # one twice
        lambda order: [*order[:-1], order[0]],  # one twice, one missing
        lambda order: [],
    ],
)
def test_reorder_that_does_not_name_every_planned_challenge_once_is_refused(program, change):
    before = slugs(program)

    with pytest.raises(PlanError, match="The plan changed meanwhile"):
        challenges_reorder(program=program, order=change(ids(ordered(program))))

    assert slugs(program) == before


def test_reorder_with_another_programs_ids_is_refused(program, other_patient):
    theirs = start(other_patient, "low-fodmap")

    with pytest.raises(PlanError, match="The plan changed meanwhile"):
        challenges_reorder(program=program, order=ids(ordered(theirs)))


# --- challenge_skip / challenge_unskip -------------------------------------------------------


def test_skip_takes_a_planned_group_out_of_the_plan(program):
    mannitol = ordered(program)[1]

    challenge_skip(challenge=mannitol)

    plan = program_plan(program, TODAY)
    assert slugs(program, Challenge.Status.SKIPPED) == ["mannitol"]
    assert [c.group_name for c in plan.challenges][:2] == ["Sorbitol", "Lactose"]
    assert plan.skipped_keys == (str(mannitol.public_id),)


def test_skipping_a_started_challenge_is_refused(program):
    first = ordered(program)[0]
    begin(first, date(2026, 3, 30))

    with pytest.raises(PlanError, match="Sorbitol has already started and cannot be skipped"):
        challenge_skip(challenge=first)

    first.refresh_from_db()
    assert first.status == Challenge.Status.ACTIVE


def test_skipping_twice_is_refused(program):
    first = ordered(program)[0]
    challenge_skip(challenge=first)

    with pytest.raises(PlanError):
        challenge_skip(challenge=first)


def test_put_back_returns_a_skipped_group_to_its_old_place(program):
    lactose = ordered(program)[2]
    challenge_skip(challenge=lactose)

    challenge_unskip(challenge=lactose)

    assert slugs(program)[2] == "lactose"
    assert program_plan(program, TODAY).skipped_keys == ()


def test_putting_back_a_planned_group_is_refused(program):
    with pytest.raises(PlanError, match="Only a skipped food group can be put back"):
        challenge_unskip(challenge=ordered(program)[0])


# --- access helpers --------------------------------------------------------------------------


def test_access_helpers_give_404_for_another_patients_ids(program, other_patient):
    from django.http import Http404

    with pytest.raises(Http404):
        get_challenge_for_user(other_patient, ordered(program)[0].public_id)


@pytest.mark.parametrize("bad", ["not-a-uuid", "", "1"])
def test_access_helpers_give_404_for_malformed_ids(patient, program, bad):
    from django.http import Http404

    with pytest.raises(Http404):
        get_challenge_for_user(patient, bad)
