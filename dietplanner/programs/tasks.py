"""Background tasks of the programs app (django-tasks: `django.tasks` from Django 6 on)."""

from datetime import date

from django.db import transaction
from django_tasks import task

from dietplanner.accounts.clock import patient_today

from .models import Program
from .services import program_lock, program_refresh


@task()
def program_refresh_queued(program_id: int, today: str, changed_on: str) -> bool:
    """The refresh a check-in queued (`diary.services.entry_save`): the verdicts, long-term
    plans, derived statuses and completion stored for the diary as it is when the worker
    runs, as of the check-in's `today` or the patient's today then if a midnight passed
    since (ISO dates). `changed_on`: the day the check-in changed; every queued refresh runs,
    so each change is covered by its own. Returns False for a program that ended or is gone
    (its end refreshed it)."""
    with transaction.atomic():
        try:
            program = program_lock(program_id)
        except Program.DoesNotExist:
            return False
        if not program.is_active:
            return False
        on = max(date.fromisoformat(today), patient_today(program.patient))
        program_refresh(program=program, today=on, changed_on=date.fromisoformat(changed_on))
    return True
