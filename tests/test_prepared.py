"""`Prepared`: a queryset compiled once per process answers for whichever values each run
gives, with the rows, related rows and annotations the queryset itself would give."""

import uuid

import pytest
from django.db import transaction
from django.db.models import F, TextField
from django.db.models.functions import Cast
from django.db.transaction import TransactionManagementError

from dietplanner.accounts.models import CareLink, User
from dietplanner.prepared import Positive, Prepared
from dietplanner.programs.models import DailyEntry
from dietplanner.programs.record import shown_program
from tests.benchmarks.page_data import patient_with_program
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _links(dietitian_id, public_id):
    return (
        CareLink.objects.filter(dietitian_id=dietitian_id, patient__public_id=public_id)
        .select_related("patient")
        .annotate(dietitian_name=F("dietitian__full_name"))
    )


LINKS = Prepared(_links, dietitian_id=int, public_id=uuid.UUID)


def _people():
    dana = make_user("dana@example.com", "Dana Diet", User.Role.DIETITIAN)
    dora = make_user("dora@example.com", "Dora Diet", User.Role.DIETITIAN)
    pat = make_user("pat@example.com", "Pat Doe", User.Role.PATIENT)
    sam = make_user("sam@example.com", "Sam Roe", User.Role.PATIENT)
    for dietitian, patient in ((dana, pat), (dana, sam), (dora, pat)):
        CareLink.objects.create(dietitian=dietitian, patient=patient, status="active")
    return dana, dora, pat, sam


def test_each_run_answers_for_its_own_values_as_the_queryset_does(django_assert_num_queries):
    dana, dora, pat, sam = _people()
    for dietitian, patient in ((dana, pat), (dana, sam), (dora, pat), (dora, sam)):
        expected = list(_links(dietitian.pk, patient.public_id))
        with django_assert_num_queries(1):
            found = LINKS.all(dietitian_id=dietitian.pk, public_id=patient.public_id)
        assert [link.pk for link in found] == [link.pk for link in expected]
        for mine, theirs in zip(found, expected, strict=True):
            assert mine.patient.full_name == theirs.patient.full_name == patient.full_name
            assert mine.dietitian_name == dietitian.full_name
            assert mine.created == theirs.created  # converted as the queryset converts
            assert mine._state.adding is False
    assert LINKS.first(dietitian_id=dora.pk, public_id=sam.public_id) is None


def test_a_statement_that_cannot_take_its_values_is_refused():
    listed = Prepared(lambda pk: User.objects.filter(pk__in=[pk, pk + 1]), pk=int)
    with pytest.raises(ValueError, match="change with its values"):
        listed.all(pk=1)
    unused = Prepared(lambda pk: User.objects.filter(is_active=True), pk=int)
    with pytest.raises(ValueError, match="no single value"):
        unused.all(pk=1)
    values = Prepared(lambda pk: User.objects.filter(pk=pk).values("email"), pk=int)
    with pytest.raises(ValueError, match="only a queryset of model objects"):
        values.all(pk=1)


@pytest.mark.django_db(transaction=True)
def test_a_locking_statement_runs_only_inside_a_transaction(catalogue):
    locking = Prepared(lambda pk: User.objects.select_for_update().filter(pk=pk), pk=int)
    pat = make_user("pat@example.com", "Pat Doe", User.Role.PATIENT)
    with pytest.raises(TransactionManagementError):
        locking.all(pk=pat.pk)
    with transaction.atomic():
        assert locking.first(pk=pat.pk) == pat


def _entry_rows(program_id, after):
    return (
        DailyEntry.objects.filter(program_id=program_id, revision__gt=after)
        .order_by("date")
        .values_list("date", Cast("scores", TextField()), "note", "updated")
    )


ENTRY_ROWS = Prepared(_entry_rows, program_id=int, after=Positive)


def test_a_values_list_gives_the_querysets_tuples_and_keeps_a_condition_on_a_positive_value(
    django_assert_num_queries,
):
    program = shown_program(patient_with_program("pat@example.com", 30))
    first, second = DailyEntry.objects.filter(program=program).order_by("date")[:2]
    for entry in (first, second):  # each save: a revision of its own
        entry.note = "changed"
        entry.save()
    revisions = sorted(
        set(DailyEntry.objects.filter(program=program).values_list("revision", flat=True))
    )
    assert len(revisions) == 3
    for after in (0, *revisions):
        expected = list(_entry_rows(program.pk, after))
        with django_assert_num_queries(1):
            found = ENTRY_ROWS.rows(program_id=program.pk, after=after)
        assert found == expected  # dates and times converted as the queryset converts them
    assert [row[0] for row in ENTRY_ROWS.rows(program_id=program.pk, after=revisions[1])] == [
        second.date
    ]
    assert ENTRY_ROWS.rows(program_id=program.pk + 1, after=0) == []
    with pytest.raises(ValueError, match="rows"):
        ENTRY_ROWS.all(program_id=program.pk, after=0)
    with pytest.raises(ValueError, match="all"):
        LINKS.rows(dietitian_id=1, public_id=uuid.uuid4())
