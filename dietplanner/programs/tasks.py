"""Background tasks of the programs app (django-tasks: `django.tasks` from Django 6 on)."""

from datetime import date

from django.db import transaction
from django_tasks import task

from .models import Program
from .services import program_lock, program_refresh


@task()
def program_refresh_queued(program_id: int, today: str, changed_on: str) -> bool:
    """The refresh a check-in queued (`diary.services.entry_save`): the verdicts, long-term
    plans, derived statuses and completion stored for the diary as it is when the worker
    runs, as of the check-in's `today` (ISO dates; should a midnight pass before the worker
    runs, `refreshed_on` stays behind and the minute trigger refreshes the program as of the
    new day). `changed_on`: the day the check-in changed; every queued refresh runs, so each
    change is covered by its own. Returns False for a program that ended or is gone (its end
    refreshed it)."""
    with transaction.atomic():
        try:
            program = program_lock(program_id)
        except Program.DoesNotExist:
            return False
        if not program.is_active:
            return False
        program_refresh(
            program=program,
            today=date.fromisoformat(today),
            changed_on=date.fromisoformat(changed_on),
        )
    return True
