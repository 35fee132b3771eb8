"""A process that kept a program's rows reads only the rows written since (`DailyEntry.revision`,
`record._changed_since`), and still shows every write, whatever path made it.

Each test keeps the rows in this process, writes as another server process would, then reads
the record again and compares it with a read of every row from the database. The tests commit
(`transaction=True`): only rows read outside a transaction are read on from.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dietplanner.programs import memo, record
from dietplanner.programs.models import DailyEntry, Program
from dietplanner.programs.record import load_record, shown_program
from tests.benchmarks.page_data import patient_with_program, pinned_time

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("catalogue")]


def _record(patient):
    return load_record(shown_program(patient), today=patient.local_today())


def _read(patient):
    """The record and the SQL of its queries."""
    with CaptureQueriesContext(connection) as captured:
        record = _record(patient)
    return record, [q["sql"] for q in captured]


def _as_read_afresh(patient):
    memo.forget()
    return _record(patient).entries


def _entry_sql(sqls):
    """The reads of a program's rows (each column of the row, by date)."""
    return [sql for sql in sqls if sql.startswith('SELECT "diary_dailyentry"."date"')]


def _bump(scores, symptom):
    return {**scores, symptom: 9 if scores.get(symptom) != 9 else 1}


def test_a_check_in_elsewhere_reads_only_the_row_it_wrote():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        before = _record(patient)
        symptom = before.program.symptoms[0]
        day = before.entries[-1].date + timedelta(days=1)
        # The statement the check-in runs, as another process would run it.
        DailyEntry.objects.bulk_create(
            [DailyEntry(program=before.program, date=day, scores={symptom: 4})],
            update_conflicts=True,
            unique_fields=["program", "date"],
            update_fields=["scores", "updated"],
        )
        after, sqls = _read(patient)
        (entries_sql,) = _entry_sql(sqls)
        assert '"revision" >' in entries_sql
        assert after.entry_by_day[day].scores == {symptom: 4}
        assert len(after.entries) == len(before.entries) + 1
        # the rows it did not read again are the ones it kept
        assert after.entries[0] is before.entries[0]
        assert after.entries == _as_read_afresh(patient)


@pytest.mark.parametrize("how", ["save", "update", "bulk_update", "upsert"])
def test_a_change_elsewhere_by_any_path_is_read_at_once(how):
    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        before = _record(patient)
        symptom = before.program.symptoms[0]
        days = [before.entries[3].date, before.entries[-2].date]
        rows = list(DailyEntry.objects.filter(program=before.program, date__in=days))
        for row in rows:
            row.scores = _bump(row.scores, symptom)
        if how == "save":
            for row in rows:
                row.save()
        elif how == "update":
            DailyEntry.objects.filter(pk=rows[0].pk).update(scores=rows[0].scores)
            DailyEntry.objects.filter(pk=rows[1].pk).update(scores=rows[1].scores)
        elif how == "bulk_update":
            DailyEntry.objects.bulk_update(rows, ["scores"])
        else:
            DailyEntry.objects.bulk_create(
                [DailyEntry(program=before.program, date=r.date, scores=r.scores) for r in rows],
                update_conflicts=True,
                unique_fields=["program", "date"],
                update_fields=["scores"],
            )
        after, sqls = _read(patient)
        assert '"revision" >' in _entry_sql(sqls)[0]
        for row in rows:
            assert after.entry_by_day[row.date].scores == row.scores
            assert after.diary[row.date].scores[symptom] == row.scores[symptom]
        assert after.entries == _as_read_afresh(patient)


def test_a_day_deleted_and_another_written_elsewhere_reads_every_row_again():
    """Same count before and after: the rows kept and those written since would still hold
    the deleted day, so they do not match the stamp's last change or count and every row
    is read."""
    with pinned_time():
        patient = patient_with_program("pat@example.com", 60)
        before = _record(patient)
        gone = before.entries[5].date
        new_day = before.entries[-1].date + timedelta(days=1)
        DailyEntry.objects.filter(program=before.program, date=gone).delete()
        DailyEntry.objects.bulk_create(
            [DailyEntry(program=before.program, date=new_day, scores=before.entries[5].scores)]
        )
        after, sqls = _read(patient)
    assert gone not in after.entry_by_day
    assert new_day in after.entry_by_day
    assert len(after.entries) == len(before.entries)
    assert '"revision" >' not in _entry_sql(sqls)[-1]  # the last read: every row
    assert after.entries == _as_read_afresh(patient)


def test_every_write_gives_its_rows_the_programs_new_revision():
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        program = shown_program(patient)
        rows = list(DailyEntry.objects.filter(program=program).order_by("date"))
        revisions = []

        def latest():
            revision = Program.objects.get(pk=program.pk).diary_revision
            revisions.append(revision)
            return revision

        rows[0].note = "a"
        rows[0].save()
        assert DailyEntry.objects.get(pk=rows[0].pk).revision == latest()
        rows[1].note = "b"
        rows[1].save(update_fields=["note"])
        assert DailyEntry.objects.get(pk=rows[1].pk).revision == latest()
        DailyEntry.objects.filter(pk=rows[2].pk).update(note="c")
        assert DailyEntry.objects.get(pk=rows[2].pk).revision == latest()
        rows[3].note = "d"
        DailyEntry.objects.bulk_update([rows[3]], ["note"])
        assert DailyEntry.objects.get(pk=rows[3].pk).revision == latest()
        (made,) = DailyEntry.objects.bulk_create(
            [DailyEntry(program=program, date=rows[-1].date + timedelta(days=1))]
        )
        assert DailyEntry.objects.get(pk=made.pk).revision == latest()
    assert revisions == sorted(set(revisions))  # each write a higher one


def test_rows_read_in_a_transaction_that_rolls_back_are_never_read_on_from():
    """A write rolled back leaves its revision to the next write: rows read in its
    transaction (holding the write) must not be the rows a later read adds to. (The clock
    runs: a frozen one would give the rolled back stamp again, and the rows kept under it.)"""
    patient = patient_with_program("pat@example.com", 60)
    before = _record(patient)
    program_key = before.diary_key[:2]
    assert record.latest_rows.peek(program_key)[0] == before.diary_key
    symptom = before.program.symptoms[0]
    rolled, kept = before.entries[3].date, before.entries[7].date
    try:
        with transaction.atomic():
            row = DailyEntry.objects.get(program=before.program, date=rolled)
            row.scores = _bump(row.scores, symptom)
            row.save()
            inside = _record(patient)
            assert inside.entry_by_day[rolled].scores == row.scores
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    # what the next read adds to is still what was read before the transaction
    assert record.latest_rows.peek(program_key)[0] == before.diary_key
    other = DailyEntry.objects.get(program=before.program, date=kept)
    other.note = "written after the rollback"
    other.save()
    after, sqls = _read(patient)
    assert '"revision" >' in _entry_sql(sqls)[0]
    assert after.entry_by_day[kept].note == "written after the rollback"
    assert after.entry_by_day[rolled] == before.entry_by_day[rolled]
    assert after.entries == _as_read_afresh(patient)
