"""A patient's reorder and a dietitian's skip of the same plan at the same moment never fail.

Both edits take the program's lock first (programs.services.program_lock), so they queue up.
Before, the reorder locked the program then waited for a challenge row while the skip held
that row and waited on the program (its plan-log row points at it): PostgreSQL killed one of
them with a deadlock, a 500. The test forces that interleaving: the reorder, holding its
first lock, waits until the skip has taken its first lock (or a second has passed).

Needs PostgreSQL (two real connections, row locks); skipped on SQLite, which locks the whole
database and so cannot deadlock this way.
"""

import threading

import pytest
from django.db import connection, transaction

from dietplanner.programs import services
from dietplanner.programs.models import Challenge
from tests.diary.factories import make_program

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 4


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "row-lock deadlocks need PostgreSQL: run with "
            "DATABASE_URL=postgres://USER@HOST:5432/NAME"
        )


def run_together(reorder, skip) -> list[BaseException]:
    """Run both edits in threads (each with its own connection); the errors they raised."""
    errors: list[BaseException] = []

    def guarded(work):
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=guarded, args=(reorder,), name="reorder"),
        threading.Thread(target=guarded, args=(skip,), name="skip"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_a_reorder_and_a_skip_at_the_same_moment_both_succeed(
    patient, dietitian, catalogue, monkeypatch
):
    program = make_program(patient)
    reorder_has_program = threading.Event()
    skip_has_challenge = threading.Event()
    read_challenges = services.program_challenges
    record = services.plan_change_record

    def challenges_then_wait(program):
        # Called by the reorder right after its first lock: let the skip take its first lock.
        if threading.current_thread().name == "reorder":
            reorder_has_program.set()
            skip_has_challenge.wait(timeout=1)
        return read_challenges(program)

    def record_after_signal(**kwargs):
        if threading.current_thread().name == "skip":
            skip_has_challenge.set()
        return record(**kwargs)

    monkeypatch.setattr(services, "program_challenges", challenges_then_wait)
    monkeypatch.setattr(services, "plan_change_record", record_after_signal)

    for round_ in range(ROUNDS):
        reorder_has_program.clear()
        skip_has_challenge.clear()
        planned = list(
            Challenge.objects.filter(program=program, status=Challenge.Status.PLANNED).order_by(
                "position"
            )
        )
        assert len(planned) >= 3, "the protocol plans enough groups for every round"
        order = [str(c.public_id) for c in reversed(planned)]
        target = planned[-1]

        def reorder(order=order):
            services.challenges_reorder(program=program, order=order, author=patient)

        def skip(target=target):
            reorder_has_program.wait(timeout=5)
            services.challenge_skip(challenge=target, author=dietitian)

        errors = run_together(reorder, skip)
        # A reorder that finds the plan changed meanwhile refuses politely (a PlanError the
        # page shows); anything else (a deadlock) would be a 500.
        assert all(isinstance(e, services.PlanError) for e in errors), f"round {round_}: {errors}"
        target.refresh_from_db()
        assert target.status == Challenge.Status.SKIPPED


def test_two_patients_on_the_same_diet_do_not_wait_for_each_other(
    patient, other_patient, catalogue
):
    """A program's lock is its own row: it used to lock the protocol's row too, so every write
    of every program on the same diet (each check-in) queued behind one another."""
    first, second = make_program(patient), make_program(other_patient)
    assert first.protocol_id == second.protocol_id
    first_locked, done = threading.Event(), threading.Event()

    def hold_first():
        with transaction.atomic():
            services.program_lock(first.pk)
            first_locked.set()
            done.wait(timeout=10)

    def lock_second():
        first_locked.wait(timeout=5)
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                services.program_lock(second.pk)
        finally:
            done.set()

    errors = run_together(hold_first, lock_second)
    assert errors == []
