"""Background tasks of the clinic (django-tasks: `django.tasks` from Django 6 on). The report
PDF's task sits with its drawing, in `pdf.py`."""

from django_tasks import task

from .services import client_summaries_for_patient_id


@task()
def refresh_client_lines(patient_id: int) -> int:
    """Store the client list's line of this patient in each of their dietitians' lists."""
    return client_summaries_for_patient_id(patient_id)


def queue_client_lines_refresh(sender, program, **kwargs) -> None:
    """On `programs.signals.program_refreshed`: the worker refreshes the patient's lines, so
    the request that changed the program (a check-in) waits for none of it."""
    refresh_client_lines.enqueue(program.patient_id)
