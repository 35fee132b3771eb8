"""The verdict cache on challenges: filled by check-ins, challenge start and stop."""

from datetime import date, timedelta

import pytest

from dietplanner.diary.services import entry_save
from dietplanner.programs.models import Challenge, DailyEntry, Program
from dietplanner.programs.record import load_record
from dietplanner.programs.services import challenge_start, challenge_stop
from dietplanner.programs.verdicts import verdicts_refresh
from tests.diary.factories import START, make_program

pytestmark = pytest.mark.django_db

FIRST_DOSE = START + timedelta(days=21)
WOBBLE = (3, 2, 3, 4, 3, 2, 4)


def log_baseline(program, first=START, days=21):
    DailyEntry.objects.bulk_create(
        DailyEntry(
            program=program,
            date=first + timedelta(days=k),
            scores={s: WOBBLE[(k + i) % len(WOBBLE)] for i, s in enumerate(program.symptoms)},
        )
        for k in range(days)
    )


def check_in(program, day: date, score_of):
    """One check-in through the service, as the patient would send it that day."""
    scores = {s: score_of(day, i) for i, s in enumerate(program.symptoms)}
    entry_save(program=program, on=day, today=day, scores=scores)


def record_of(program):
    """The program's record as of its last logged day."""
    return load_record(program, today=program.entries.order_by("-date").first().date)


def calm(day, i):
    return WOBBLE[((day - START).days + i) % len(WOBBLE)]


def reacting(day, i):
    return 8 if day >= FIRST_DOSE + timedelta(days=1) else calm(day, i)


@pytest.fixture
def started(patient, catalogue):
    program = make_program(patient)
    log_baseline(program)
    challenge = program.challenges.order_by("position").first()
    challenge = challenge_start(challenge=challenge, on=FIRST_DOSE)
    return program, challenge


def run_window(program, score_of, days=8):
    for k in range(days):
        check_in(program, FIRST_DOSE + timedelta(days=k), score_of)


def test_starting_a_challenge_caches_a_provisional_result(started):
    _, challenge = started
    challenge.refresh_from_db()
    assert challenge.verdict == "inconclusive"
    assert challenge.verdict_detail["complete"] is False
    assert challenge.verdict_updated is not None


def test_a_clear_reaction_on_the_dose_days_reads_as_a_trigger(started):
    program, challenge = started
    run_window(program, reacting)
    challenge.refresh_from_db()
    assert challenge.verdict == "trigger"
    assert 0.5 <= challenge.verdict_probability <= 1
    detail = challenge.verdict_detail
    assert detail["probability"] == pytest.approx(challenge.verdict_probability, abs=1e-3)
    assert detail["verdict"] == "trigger" and detail["complete"] is True
    assert detail["food_group"] == challenge.food_group.slug
    assert {s["symptom"] for s in detail["symptoms"]} == set(program.symptoms)


def test_calm_days_read_as_tolerated(started):
    program, challenge = started
    run_window(program, calm)
    challenge.refresh_from_db()
    assert challenge.verdict == "tolerated"


def test_editing_an_entry_refreshes_the_verdict(started):
    program, challenge = started
    run_window(program, calm)
    challenge.refresh_from_db()
    before = challenge.verdict_updated
    # Day 8 is still editable on day 8: the patient corrects every day of the window.
    for k in range(1, 8):
        day = FIRST_DOSE + timedelta(days=k)
        entry_save(
            program=program,
            on=day,
            today=FIRST_DOSE + timedelta(days=7),
            scores={s: 9 for s in program.symptoms},
        )
    challenge.refresh_from_db()
    assert challenge.verdict == "trigger"
    assert challenge.verdict_updated > before


def test_stopping_for_a_red_flag_is_read_as_a_reaction(started):
    program, challenge = started
    check_in(program, FIRST_DOSE, calm)
    check_in(program, FIRST_DOSE + timedelta(days=1), lambda d, i: 9)
    stopped = challenge_stop(
        challenge=challenge, on=FIRST_DOSE + timedelta(days=1), red_flags=["throat"]
    )
    assert stopped.verdict in ("trigger", "possible")
    assert stopped.verdict_detail["stop_reason"] == "red_flag"


def test_the_record_maps_rows_to_the_analysis_input(started):
    program, challenge = started
    facts, entries = load_record(program, today=FIRST_DOSE).facts()
    assert facts.started_on == START and facts.symptoms == tuple(program.symptoms)
    assert facts.challenges[0].started_on == FIRST_DOSE
    assert len(facts.challenges[0].doses) == challenge.dose_days
    assert all(c.started_on is None for c in facts.challenges[1:])
    assert [e.date for e in entries] == sorted(e.date for e in entries)


def test_an_entry_after_the_window_leaves_unchanged_verdicts_alone(started):
    program, challenge = started
    run_window(program, calm)
    challenge.refresh_from_db()
    later = challenge.verdict_detail["window"]["end"]
    after = date.fromisoformat(later) + timedelta(days=30)
    rewritten = verdicts_refresh(record=record_of(program), changed_on=after)
    assert challenge not in rewritten or rewritten[0].verdict_detail != challenge.verdict_detail


def test_refresh_is_deterministic_and_bounded_in_queries(started, django_assert_max_num_queries):
    program, challenge = started
    run_window(program, reacting)
    challenge.refresh_from_db()
    first = challenge.verdict_detail
    record = record_of(program)
    # The record holds every row: at most the update, and the program's new plan stamp.
    with django_assert_max_num_queries(2):
        verdicts_refresh(record=record)
    challenge.refresh_from_db()
    assert challenge.verdict_detail == first
    assert Challenge.objects.filter(program=program).exclude(verdict="").count() == 1


def test_a_check_in_that_leaves_the_verdict_as_it_was_does_not_date_it_anew(started):
    """`verdict_updated` is when the verdict a dietitian sees last changed (it drives the
    client list's "new verdicts" flag), not when its figures were last recomputed."""
    program, challenge = started
    run_window(program, reacting, days=5)
    challenge.refresh_from_db()
    assert challenge.verdict == "trigger" and challenge.verdict_detail["complete"] is False
    dated, figures = challenge.verdict_updated, challenge.verdict_detail
    check_in(program, FIRST_DOSE + timedelta(days=5), reacting)
    challenge.refresh_from_db()
    assert challenge.verdict == "trigger" and challenge.verdict_detail != figures
    assert challenge.verdict_updated == dated
    check_in(program, FIRST_DOSE + timedelta(days=6), reacting)
    check_in(program, FIRST_DOSE + timedelta(days=7), reacting)
    challenge.refresh_from_db()
    assert challenge.verdict_detail["complete"] is True
    assert challenge.verdict_updated > dated  # final now: worth a look


def test_a_refresh_that_finds_every_reading_as_stored_writes_nothing(started):
    """A check-in that changes no reading (the same scores saved again, a day whose result
    stays) leaves the challenges alone: a write would give the program a new plan stamp, and
    every server process would read its challenges and plan its schedule anew."""
    program, challenge = started
    run_window(program, reacting, days=5)
    challenge.refresh_from_db()
    stamp = Program.objects.get(pk=program.pk).plan_stamp
    assert verdicts_refresh(record=record_of(program)) == []
    assert verdicts_refresh(record=record_of(program), changed_on=FIRST_DOSE) == []
    check_in(program, FIRST_DOSE + timedelta(days=4), reacting)  # the same scores again
    assert Program.objects.get(pk=program.pk).plan_stamp == stamp
    challenge.refresh_from_db()
    assert challenge.verdict == "trigger"
