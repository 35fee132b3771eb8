"""The check-in answers at once; the verdicts, long-term plans and stored statuses it implies are
worked out by the task worker (production's database queue), and until it has run the program
says its results are updating (issue 17)."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from dietplanner.programs import memo
from dietplanner.programs.models import Challenge, Program
from dietplanner.programs.services import program_lock, program_refresh
from tests.benchmarks.page_data import patient_with_program, pinned_time
from tests.clinic.factories import SYMPTOMS
from tests.conftest import sign_in

pytestmark = [pytest.mark.usefixtures("catalogue"), pytest.mark.django_db(transaction=True)]

WORSE = {f"score_{s}": "9" for s in SYMPTOMS} | {"dose_taken": "yes"}
VERDICT = ("status", "washout_end", "verdict", "verdict_probability", "verdict_detail")


@pytest.fixture
def task_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def stored(program: Program) -> dict:
    return {c["pk"]: c for c in Challenge.objects.filter(program=program).values(*VERDICT, "pk")}


def refreshes_queued() -> int:
    return DBTaskResult.objects.filter(
        task_path="dietplanner.programs.tasks.program_refresh_queued", status="READY"
    ).count()


def worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_check_in_queues_its_refresh_and_the_worker_stores_what_a_refresh_would(
    client, task_queue
):
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        program = Program.objects.get(patient=patient)
        before = stored(program)
        sign_in(client, patient)

        response = client.post(reverse("diary:checkin"), WORSE, HTTP_HX_REQUEST="true")

        assert response.status_code == 200
        assert "Saved your check-in" in response.content.decode()
        program.refresh_from_db()
        saved = program.entries.get(date=patient.local_today())
        assert saved.scores == {s: 9 for s in SYMPTOMS}
        assert program.results_updating  # the verdicts are those before the check-in
        assert stored(program) == before
        assert refreshes_queued() == 1
        for page in ("programs:plan", "programs:results"):
            html = client.get(reverse(page)).content.decode()
            assert (
                "Results updating" in html
                and 'class="alert alert-secondary results-updating" role="status"' in html
            )

        worker()

        program.refresh_from_db()
        assert refreshes_queued() == 0
        assert not program.results_updating
        for page in ("programs:plan", "programs:results"):
            assert "Results updating" not in client.get(reverse(page)).content.decode()
        after = stored(program)
        assert after != before  # the running test's reading took the day of 9s in
        # What the worker stored is what a full refresh of the program stores now.
        with transaction.atomic():
            program_refresh(program=program_lock(program.pk), today=patient.local_today())
        assert stored(program) == after


def test_without_a_worker_the_check_in_still_shows_the_saved_day_on_today(client, task_queue):
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        sign_in(client, patient)
        client.post(reverse("diary:checkin"), WORSE)

        page = client.get(reverse("diary:today")).content.decode()

        assert 'value="9" checked' in page
        assert "Saved earlier" in page or "Saved your check-in" in page


def entries_read(queries) -> int:
    """Statements that read the diary's rows (not the stamp's count and last change)."""
    return sum('"diary_dailyentry"."note"' in q["sql"] for q in queries)


def test_after_a_check_in_today_reads_no_rows_and_shows_the_saved_day_and_later_changes(client):
    with pinned_time():
        patient = patient_with_program("pat@example.com", 30)
        sign_in(client, patient)
        memo.forget()
        client.post(reverse("diary:checkin"), WORSE, HTTP_HX_REQUEST="true")

        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("diary:today")).content.decode()

        assert entries_read(captured.captured_queries) == 0  # kept by the check-in
        assert 'id="id_score_pain_9" value="9" checked' in page

        # A change made elsewhere (another server process, the admin) shows at once.
        entry = Program.objects.get(patient=patient).entries.get(date=patient.local_today())
        entry.scores = {s: 2 for s in SYMPTOMS}
        entry.save()
        with CaptureQueriesContext(connection) as captured:
            page = client.get(reverse("diary:today")).content.decode()

        assert entries_read(captured.captured_queries) == 1
        assert 'id="id_score_pain_2" value="2" checked' in page
        assert 'value="9" checked' not in page
