"""Background tasks of the outbox (django-tasks: `django.tasks` from Django 6 on)."""

from django_tasks import task

from .services import email_deliver


@task()
def deliver(email_id: int) -> str:
    """Send one queued e-mail (a no-op when it was sent or claimed already)."""
    return email_deliver(email_id)
