"""`shown_program`: the statement built once per process answers for whichever patient asks,
with the stamps, the related rows and the pause read in its one query."""

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from dietplanner.programs.models import DailyEntry, Program, ReactionAlert
from dietplanner.programs.record import shown_program
from tests.benchmarks.page_data import patient_with_program
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_each_patient_is_shown_their_own_program_and_none_without_one(
    django_assert_num_queries,
):
    pat = patient_with_program("pat@example.com", 30)
    sam = patient_with_program("sam@example.com", 60)
    nobody = make_user("nobody@example.com", "No Body", "patient", timezone="Europe/Oslo")
    with django_assert_num_queries(1):
        mine = shown_program(pat)
    theirs = shown_program(sam)
    assert (mine.patient_id, theirs.patient_id) == (pat.pk, sam.pk)
    assert shown_program(nobody) is None
    assert shown_program(nobody, running_only=True) is None
    # read with the program: its stamps, protocol, health answers and the pause
    assert (mine.diary_count, theirs.diary_count) == (
        DailyEntry.objects.filter(program__patient=pat).count(),
        DailyEntry.objects.filter(program__patient=sam).count(),
    )
    assert mine.diary_count != theirs.diary_count
    assert mine.protocol.slug == Program.objects.get(patient=pat).protocol.slug
    assert mine.paused_now is False


def test_an_ended_program_is_shown_only_when_none_runs_and_a_pause_shows_at_once():
    pat = patient_with_program("pat@example.com", 30)
    program = shown_program(pat)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.COMPLETED)
    assert shown_program(pat, running_only=True) is None
    assert shown_program(pat).pk == program.pk
    Program.objects.filter(pk=program.pk).update(status=Program.Status.REINTRODUCTION)
    challenge = program.challenges.exclude(first_dose_day=None).last()
    ReactionAlert.objects.create(
        patient=pat,
        program=program,
        challenge=challenge,
        food_group=challenge.food_group,
        severity=ReactionAlert.Severity.RED_FLAG,
        signs=["breathing"],
        occurred_on=pat.local_today(),
    )
    assert shown_program(pat, running_only=True).paused_now is True


@pytest.mark.django_db(transaction=True)
def test_the_locking_read_is_refused_outside_a_transaction(catalogue):
    pat = patient_with_program("pat@example.com", 30)
    with pytest.raises(TransactionManagementError):
        shown_program(pat, running_only=True, lock=True)
    with transaction.atomic():
        assert shown_program(pat, running_only=True, lock=True).patient_id == pat.pk
