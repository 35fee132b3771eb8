"""Background tasks of the clinic (django-tasks: `django.tasks` from Django 6 on)."""

from django_tasks import task

from .pdf import report_pdf_draw


@task()
def draw_report_pdf(pdf_id: int) -> str:
    """Draw one client report PDF that a dietitian asked for (a no-op when drawn already)."""
    return report_pdf_draw(pdf_id)
